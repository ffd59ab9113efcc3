"""``tuicoach config``: where the config file is, and the settings in effect."""

from __future__ import annotations

import argparse
import sys

from tuicoach.cli._account import config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "The output is TOML: copy any table into your config file and edit it. "
        "Exit status 2 if the file has a mistake; the message names the key."
    )


def run(args: argparse.Namespace) -> int:
    from tuicoach.config import dumps

    sys.stdout.write(dumps(config(args)))
    return 0
