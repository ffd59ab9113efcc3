"""The app's command line is read by the app's options alone; everything else as before.

``tuicoach [--demo ...]`` skips building the sixteen subcommands' parsers (start-up);
``--help``, ``--version``, a subcommand, a typo or a bad value still go through the
whole command line's parser, with the same help, errors and exit status.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tuicoach import __version__, cli

REPO = Path(__file__).resolve().parents[2]


def _tuicoach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuicoach", *args],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--demo"],
        ["--dem", "--exit-when", "loaded"],  # an abbreviation, as argparse allows
        ["--demo", "--data-dir", "/tmp/x", "--now", "2026-03-01T09:30:00Z", "--theme", "nord"],
        ["--config", "c.toml", "--store", "postgresql://jen@db/acme", "--account", "acme"],
    ],
)
def test_the_app_s_command_line_reads_as_the_whole_parser_reads_it(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = cli.build_parser(argv).parse_args(argv)
    assert whole.command is None

    def refuse(argv: object = None) -> None:
        raise AssertionError("the app's own command line built the whole parser")

    monkeypatch.setattr(cli, "build_parser", refuse)
    assert cli.parse(argv) == whole


def test_help_lists_every_subcommand() -> None:
    done = _tuicoach("--help")
    assert done.returncode == 0, done.stderr
    listed = [name for name in cli.SUBCOMMANDS if f"\n    {name} " in done.stdout]
    assert listed == list(cli.SUBCOMMANDS)
    for option in ("--demo", "--data-dir", "--theme", "--now", "--account", "--store"):
        assert option in done.stdout
    assert "exit status:" in done.stdout


def test_help_after_the_app_s_options_is_the_whole_help() -> None:
    done = _tuicoach("--demo", "-h")
    assert done.returncode == 0, done.stderr
    assert all(f"\n    {name} " in done.stdout for name in cli.SUBCOMMANDS)


def test_version() -> None:
    done = _tuicoach("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"tuicoach {__version__}")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["scroe"], "invalid choice: 'scroe'"),
        (["--demo", "--now", "soon"], "argument --now: 'soon' is not an ISO 8601 time"),
        (["--demo", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--exit-when", "never"], "argument --exit-when: invalid choice: 'never'"),
        (["--data-dir"], "argument --data-dir: expected one argument"),
    ],
)
def test_mistakes_are_the_whole_parser_s_usage_errors(argv: list[str], words: str) -> None:
    done = _tuicoach(*argv)
    assert done.returncode == 2
    assert words in done.stderr
    assert done.stderr.startswith("usage: tuicoach [-h] [--version]")


def test_a_subcommand_still_gets_its_own_options() -> None:
    args = cli.parse(["owed", "--demo", "--json"])
    assert args.command == "owed" and args.demo and args.json
