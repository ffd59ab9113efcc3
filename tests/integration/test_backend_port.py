"""A backend that lives in tests/ plugs in through the registry, and everything runs on it.

The canned backend (``tests/canned_backend.py``) is selected by name, as any
backend is: the app, ``owed``, ``sync``, ``post``, ``usage`` and ``config``
work on it, so none of them can be naming X behind the port's back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO
from ui_helpers import NOW, settle

from tuicoach.backends import registry
from tuicoach.ui.launch import build_app

TESTS = REPO / "tests"


def canned(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(TESTS)]),
        "TUICOACH_BACKEND": "canned_backend",
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "tuicoach", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_sync_owed_post_and_usage_run_on_the_canned_backend(tmp_path: Path) -> None:
    synced = canned(tmp_path, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["streams"] == {"mentions": {"new": 1}, "own": {"new": 1}}
    again = canned(tmp_path, "sync")
    assert again.returncode == 0 and "@cannedco" in again.stdout
    assert "Canned today: free" in again.stdout and "X" not in again.stdout

    owed = canned(tmp_path, "owed", "--json")
    assert owed.returncode == 0, owed.stderr
    assert [o["id"] for o in json.loads(owed.stdout)] == ["1001"]

    posted = canned(tmp_path, "post", "--reply-to", "1001", "Yes, we ship to Lisbon: 3 days.")
    assert posted.returncode == 0, posted.stderr
    assert posted.stdout.strip() == "Replied: canned://5001"  # the port's link, not x.com
    after = canned(tmp_path, "owed", "--json")
    assert json.loads(after.stdout) == []  # answered on the canned backend

    usage = canned(tmp_path, "usage")
    assert usage.returncode == 0, usage.stderr
    assert "Canned: nothing is billed" in usage.stdout


def test_the_canned_backend_declares_its_own_config_table(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[canned]\nlimit = 150\n", encoding="utf-8")
    shown = canned(tmp_path, "config")
    assert shown.returncode == 0, shown.stderr
    parsed = tomllib.loads(shown.stdout)
    assert parsed["canned"] == {"limit": 150}
    assert "x" in parsed  # the built-in backends' tables are still there
    (tmp_path / "config.toml").write_text("[canned]\nlimt = 150\n", encoding="utf-8")
    wrong = canned(tmp_path, "sync")
    assert wrong.returncode == 2
    assert "canned.limt: unknown setting (did you mean limit?)" in wrong.stderr


def test_an_unknown_backend_is_named_with_the_way_out(tmp_path: Path) -> None:
    done = canned(tmp_path, "sync")  # sanity: the canned one is found
    assert done.returncode == 0, done.stderr
    env_name = "TUICOACH_BACKEND"
    os.environ.pop(env_name, None)
    with pytest.raises(registry.UnknownBackend, match="no backend called 'mastodon'"):
        registry.load("mastodon")
    (tmp_path / "config.toml").write_text('[account]\nbackend = "mastodon"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tuicoach", "--config", str(tmp_path / "config.toml"), "sync"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "no backend called 'mastodon'" in result.stderr and "x" in result.stderr


async def test_the_app_runs_on_the_canned_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("TUICOACH_BACKEND", "canned_backend")
    args = argparse.Namespace(
        config=str(tmp_path / "none.toml"),
        data_dir=str(tmp_path),
        now=NOW,
        demo=False,
        theme="espresso",
        account=None,
        exit_when=None,
    )
    app = build_app(args)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        account = app.account
        assert account is not None
        assert account.backend.service == "Canned"
        assert account.user.username == "cannedco"
        await pilot.press("R")  # refresh now: the canned tweets come in through the port
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        assert [row.tweet.id for row in snapshot.owed] == ["1001"]
