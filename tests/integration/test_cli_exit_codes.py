"""One exit-code convention for every command, and it is the one ``--help`` states."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_tuicoach

from tuicoach.cli import EXIT_FINDINGS, EXIT_OK, EXIT_SERVICE, EXIT_USAGE


def tuicoach(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
    env |= {
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
    }
    return run_tuicoach(*args, env=env)


def test_the_codes_are_distinct() -> None:
    assert [EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_SERVICE] == [0, 1, 2, 3]


@pytest.mark.parametrize("command", ["owed", "usage", "sync", "post"])
def test_no_signed_in_account_exits_2_for_every_command(tmp_path: Path, command: str) -> None:
    args = [command, "Hello there"] if command == "post" else [command]
    done = tuicoach(tmp_path, *args)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "no X account is signed in" in done.stderr and "tuicoach login" in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_on_the_demo_works_as_owed_does(tmp_path: Path) -> None:
    owed = tuicoach(tmp_path, "owed", "--demo", "--json")
    assert owed.returncode == EXIT_OK, owed.stderr
    usage = tuicoach(tmp_path, "usage", "--demo")
    assert usage.returncode == EXIT_OK, usage.stderr
    assert "@larkspurcoffee (the demo)" in usage.stdout and "nothing is billed" in usage.stdout
    as_json = tuicoach(tmp_path, "usage", "--demo", "--json")
    assert as_json.returncode == EXIT_OK and json.loads(as_json.stdout) == []


def test_a_config_mistake_exits_2_for_every_command(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[x]\ntimeout = nan\n", encoding="utf-8")
    for args in (["owed", "--demo"], ["usage"], ["sync"], ["config"], ["score", "Hi"]):
        done = tuicoach(tmp_path, *args)
        assert done.returncode == EXIT_USAGE, (args, done.stderr)
        assert "x.timeout: nan is not a number" in done.stderr, args


def test_a_damaged_store_exits_3(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo.sqlite3").write_bytes(b"not a database " * 200)
    for args in (["owed", "--demo"], ["usage", "--demo"]):
        done = tuicoach(tmp_path, *args)
        assert done.returncode == EXIT_SERVICE, (args, done.stderr)
        assert "demo.sqlite3" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["--help"], ["sync", "--help"], ["usage", "--help"]])
def test_help_states_the_convention(tmp_path: Path, args: list[str]) -> None:
    done = tuicoach(tmp_path, *args)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "exit status: 0 done; 1 the coach found an error" in text
    assert "2 bad usage or input, a mistake in the config, or no account signed in" in text
    assert "3 the service, the keyring or the account's store" in text


def test_score_jsonl_names_a_json_error_once(tmp_path: Path) -> None:
    lines = tmp_path / "drafts.jsonl"
    lines.write_text('{"id": 1, "text": "unterminated}\n', encoding="utf-8")
    done = tuicoach(tmp_path, "score", "--jsonl", "--input", str(lines))
    assert done.returncode == EXIT_USAGE
    error = json.loads(done.stdout)["error"]
    assert "at at" not in error
    assert error == "not valid JSON (Unterminated string starting at column 19)"


def test_a_signed_in_account_with_nothing_stored_says_to_sync(tmp_path: Path) -> None:
    from tuicoach.backends.x.accounts import AccountIndex, AccountRecord

    index = AccountIndex.load(tmp_path / "data")
    index.add(AccountRecord("acme_bakery", "42", "Acme"), make_default=True)
    index.save()
    for command in ("usage", "owed"):
        done = tuicoach(tmp_path, command)
        assert done.returncode == EXIT_USAGE, done.stderr
        assert "@acme_bakery is signed in but has nothing stored yet" in done.stderr
        assert "tuicoach sync" in done.stderr
