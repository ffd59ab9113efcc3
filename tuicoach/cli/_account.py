"""What the subcommands share: the config, and signing in (login, logout, sync, post, usage).

Stdlib-only at the top, like every CLI module: what they need is imported when
they run.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuicoach.backends.x.backend import XBackend
    from tuicoach.backends.x.settings import XSettings
    from tuicoach.config import Config
    from tuicoach.store import Store

EXIT_X = 3  # X (or the keyring) refused, or could not be reached


def config(args: argparse.Namespace) -> Config:
    """The user's config; a broken one is bad input (exit 2), named by file and key."""
    from tuicoach.cli import UsageError
    from tuicoach.config import ConfigError, load_config

    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def x_settings(args: argparse.Namespace) -> XSettings:
    """The config's ``[x]`` section."""
    return config(args).x


def fail(message: object) -> int:
    print(f"tuicoach: {message}", file=sys.stderr)
    return EXIT_X


def open_account(args: argparse.Namespace, settings: Config) -> tuple[Store, XBackend] | int:
    """The signed-in account, or an exit status after saying what is wrong.

    ``settings`` is the config the command has read (:func:`config`).
    """
    from tuicoach.accounts import SignInError, open_signed_in
    from tuicoach.backends.base import BackendError
    from tuicoach.store import StoreError

    try:
        opened = open_signed_in(
            account=getattr(args, "account", None),
            data_dir=getattr(args, "data_dir", None),
            settings=settings.x,
            pricing=settings.pricing,
        )
    except (SignInError, BackendError, StoreError) as exc:
        return fail(exc)
    if opened is None:
        return fail(
            "no X account is signed in. Run `tuicoach login`, or set the four "
            "TUICOACH_X_* environment variables (or try `tuicoach --demo`)."
        )
    return opened
