"""What the subcommands share: the config, the backend, and opening the signed-in account.

Stdlib-only at the top, like every CLI module: what they need is imported when
they run. Commands reach a backend only through the registry and the port;
they never name the service.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tuicoach.cli import EXIT_SERVICE

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.backends.registry import BackendKind, Request
    from tuicoach.config import Config
    from tuicoach.store import Store

EXIT_X = EXIT_SERVICE  # the old name


def config(args: argparse.Namespace) -> Config:
    """The user's config; a broken one is bad input (exit 2), named by file and key."""
    from tuicoach.cli import UsageError
    from tuicoach.config import ConfigError, load_config

    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def backend_kind(args: argparse.Namespace, settings: Config) -> BackendKind:
    """``--demo``, else ``$TUICOACH_BACKEND``, else ``[account] backend``, else the default."""
    from tuicoach.backends import registry
    from tuicoach.cli import UsageError

    name = "demo" if getattr(args, "demo", False) else registry.selected_name(settings.backend)
    try:
        return registry.load(name)
    except registry.UnknownBackend as exc:
        raise UsageError(str(exc)) from None


def request(
    args: argparse.Namespace,
    settings: Config,
    kind: BackendKind,
    clock: Callable[[], datetime] | None = None,
) -> Request:
    from tuicoach import paths
    from tuicoach.backends.registry import Request
    from tuicoach.config import store_password, store_url

    url = (
        None if getattr(args, "demo", False) else store_url(settings, getattr(args, "store", None))
    )
    return Request(
        data_dir=paths.data_dir(getattr(args, "data_dir", None)),
        clock=clock or (lambda: datetime.now(UTC)),
        account=getattr(args, "account", None),
        sections=settings.backend_request_sections(kind),
        store_url=url,
        store_password=None if url is None else store_password(url),
    )


def fail(message: object) -> int:
    print(f"tuicoach: {message}", file=sys.stderr)
    return EXIT_SERVICE


def apply_triage(store: Store, settings: Config) -> Store:
    """The store, banding owed mentions by the config's ``[triage]`` (when it changes any)."""
    from tuicoach.domain.triage import Triage, TriageSettings

    if settings.triage != TriageSettings():
        store.set_triage(Triage(settings.triage))
    return store


def not_signed_in(kind: BackendKind) -> str:
    return f"no {kind.service} account is signed in. {kind.sign_in_hint}"


def open_account(
    args: argparse.Namespace, settings: Config
) -> tuple[Store, Backend, BackendKind, Request] | int:
    """The signed-in account, or an exit status after saying what is wrong.

    Nobody signed in (or not the one asked for) is the user's to fix: exit 2,
    as with any bad usage. The service, the keyring or the store failing: 3.
    """
    from tuicoach.backends.base import BackendError, NotSignedIn, set_author
    from tuicoach.cli import UsageError
    from tuicoach.store import StoreError

    kind = backend_kind(args, settings)
    req = request(args, settings, kind)
    try:
        opener = kind.opener(req)
        if opener is None:
            raise UsageError(not_signed_in(kind))
        store, backend = opener()
        apply_triage(store, settings)
        # [team] name, as the app hands it on: the outbox records the sender, and the sync
        # lease names the person, so a `sync` beside one's own open app is the same syncer.
        set_author(backend, settings.team_name)
        store.author = settings.team_name
    except NotSignedIn as exc:
        raise UsageError(str(exc)) from None
    except (BackendError, StoreError) as exc:
        return fail(exc)
    return store, backend, kind, req


def add_account_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account",
        metavar="NAME",
        help="which signed-in account to use (default: the last one signed in)",
    )
