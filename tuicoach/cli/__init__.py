"""The ``tuicoach`` command: the app by default, and subcommands for the shell.

``tuicoach`` (or ``tuicoach --demo``) opens the Textual app; ``tuicoach.ui`` is
imported only then. Each subcommand lives in its own module with
``add_arguments(parser)`` and ``run(args) -> int``. Modules import only the
standard library at the top, so ``tuicoach --help`` and the app's start-up
stay fast; each ``run`` imports what it needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import datetime
from types import ModuleType
from typing import NoReturn

from tuicoach import __version__

# name -> (module, one-line help). Order is the order of `tuicoach --help`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "score": (
        "tuicoach.cli.score",
        "score a draft (or many, --jsonl) and print the coach's report",
    ),
    "owed": ("tuicoach.cli.owed", "list the mentions still waiting for a reply"),
    "config": (
        "tuicoach.cli.config_cmd",
        "print the config file's path and the effective settings",
    ),
    "login": (
        "tuicoach.cli.login",
        "sign in to an X account (OAuth PIN flow; tokens in the keyring)",
    ),
    "logout": ("tuicoach.cli.logout", "forget an X account's tokens (its stored tweets stay)"),
    "sync": ("tuicoach.cli.sync", "fetch new tweets once, and say what it read and cost"),
    "post": ("tuicoach.cli.post", "post a tweet or a reply, after the coach has read it"),
    "usage": ("tuicoach.cli.usage", "what the account's reads and posts cost today (and lately)"),
    "listen": ("tuicoach.cli.listen", "run the saved searches once: what is new, what it cost"),
    "outbox": ("tuicoach.cli.outbox", "list posts on their way out; `resolve` checks X now"),
    "report": (
        "tuicoach.cli.report",
        "how the account is doing: replies, backlog, promotion, hours",
    ),
    "checkup": ("tuicoach.cli.checkup", "check the profile and habits against the essays"),
    "feedback": ("tuicoach.cli.feedback", "tag what people say; show and export the tags"),
    "queue": ("tuicoach.cli.queue", "posts that go out through the day: list, add, run"),
    "store": (
        "tuicoach.cli.store",
        "the account's store on PostgreSQL: migrate a SQLite file, password, check",
    ),
}

# One convention for every command (README "Exit status", and `tuicoach --help`).
EXIT_OK = 0
EXIT_FINDINGS = 1  # a draft has an `error` finding, as linters do
EXIT_USAGE = 2  # bad usage or input, a config mistake, or no account signed in
EXIT_SERVICE = 3  # the service, the keyring or the account's store refused or failed
EXIT_UNCONFIRMED = 4  # a post was sent and no answer was readable: check before it goes again
EXIT_ANSWERED = 5  # a teammate already answered that mention: nothing sent (post --anyway)

EXIT_STATUS_HELP = (
    "exit status: 0 done; 1 the coach found an error in a draft (score, post); "
    "2 bad usage or input, a mistake in the config, or no account signed in; "
    "3 the service, the keyring or the account's store refused or could not be reached; "
    "4 a post is unconfirmed (sent, no readable answer): see `tuicoach outbox`; "
    "5 a teammate already answered that mention, nothing was sent (post --anyway)."
)


class UsageError(Exception):
    """Bad usage or input: printed as ``tuicoach: <message>`` with exit status 2."""


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options every subcommand accepts, before or after its name."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $TUICOACH_CONFIG or the platform config dir)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        default=default,
        help="data folder (default: $TUICOACH_DATA_DIR or the platform data dir)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        default=default,
        help="the account's store on PostgreSQL, e.g. postgresql://jen@db/acme "
        "(default: $TUICOACH_STORE_URL or [store] url; none: the SQLite file)",
    )


def _load(name: str) -> ModuleType:
    return importlib.import_module(SUBCOMMANDS[name][0])


def add_now_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """The ``--now ISO-8601`` option every command that reads a clock shares."""
    parser.add_argument("--now", metavar="ISO-8601", type=_moment, help=help)


def _moment(text: str) -> datetime:
    from tuicoach.domain.xapi import PayloadError, parse_time

    try:
        return parse_time(text, "--now")
    except PayloadError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def _app_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the app itself (``tuicoach`` with no subcommand)."""
    from tuicoach.cli._account import add_account_argument

    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo: a practice account with sample data (no network, nothing posted)",
    )
    parser.add_argument("--theme", metavar="NAME", help="colour theme (default: from the config)")
    add_now_argument(parser, "fix the app's clock (for screenshots and demos)")
    add_account_argument(parser)
    # For benchmarks/startup.py: exit once the four panes are on screen ("ready"),
    # or once the account's data is in them ("loaded").
    parser.add_argument("--exit-when", choices=("ready", "loaded"), help=argparse.SUPPRESS)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``argv``, only the subcommands it names read their
    modules for their options (``tuicoach --demo`` imports none of them: start-up)."""
    named = None if argv is None else set(argv) & SUBCOMMANDS.keys()
    parser = argparse.ArgumentParser(
        prog="tuicoach",
        description="A terminal client for business accounts on X, with a coach. "
        "With no command it opens the app; try `tuicoach --demo`.",
        epilog=EXIT_STATUS_HELP,
    )
    parser.add_argument("--version", action="version", version=f"tuicoach {__version__}")
    _common(parser, suppress=False)
    _app_arguments(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(
            name,
            help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
        )
        _common(sub, suppress=True)
        if named is None or name in named:
            _load(name).add_arguments(sub)
        sub.epilog = f"{sub.epilog} {EXIT_STATUS_HELP}" if sub.epilog else EXIT_STATUS_HELP
    return parser


class _NotJustTheApp(Exception):
    """The app's own options alone do not read this command line (see :func:`parse`)."""


class _AppParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotJustTheApp(message)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` read as :func:`build_parser` reads it.

    ``tuicoach [--demo ...]`` (no subcommand, no ``--help``, no mistake) is read by a
    parser of the app's options alone: building every subcommand's parser costs some
    milliseconds before the first frame. Anything else that parser does not read whole
    (a subcommand, ``--help``, ``--version``, a typo, a bad value) is read again by the
    whole command line's, which prints the help or the error it always did.
    """
    if not set(argv) & SUBCOMMANDS.keys():
        app = _AppParser(prog="tuicoach", add_help=False, allow_abbrev=True)
        _common(app, suppress=False)
        _app_arguments(app)
        try:
            args, rest = app.parse_known_args(argv)
        except _NotJustTheApp:
            pass
        else:
            if not rest:
                args.command = None
                return args
    return build_parser(argv).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    try:
        if args.command is None:
            return _run_app(args)
        result: int = _load(args.command).run(args)
    except UsageError as exc:
        print(f"tuicoach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return result


def _run_app(args: argparse.Namespace) -> int:
    import gc

    # No garbage collection until the first frame (the app turns it back on then, in
    # TuicoachApp.on_ready): start-up makes a few hundred thousand objects that live as
    # long as the app, and the collector would walk them again and again (some 50 ms).
    gc.disable()
    try:
        from tuicoach.ui.launch import build_app

        try:
            app = build_app(args)
        except ValueError as exc:  # ConfigError, a theme, keymap or backend that cannot be used
            raise UsageError(str(exc)) from None
        app.run()
    finally:
        gc.enable()
    return app.return_code or 0
