"""``tuicoach config``: where the config file is, and the settings in effect."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "The output is TOML: copy any table into your config file and edit it. "
        "Exit status 2 if the file has a mistake; the message names the key."
    )


def run(args: argparse.Namespace) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.config import ConfigError, dumps, load_config

    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(dumps(config))
    return 0
