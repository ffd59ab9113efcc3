"""Every backend tuicoach can open, found by name: the demo, X, or a module of your own.

A backend package exposes one :class:`BackendKind` as ``BACKEND`` in a light
module (standard library and the config schema only at the top; the network
and the keyring are imported when an account is really opened). The app and
every command reach a backend only through its kind and the
:class:`~tuicoach.backends.base.Backend` port.

Which one: ``$TUICOACH_BACKEND``, else the config's ``[account] backend``, else
``x``. A name is one of :data:`BUILTIN` or the dotted name of an importable
module that defines ``BACKEND`` (``TUICOACH_BACKEND=mycompany.tuicoach_mastodon``).
``--demo`` always means the demo.

Adding a backend to tuicoach itself touches one shared line, its entry in
:data:`BUILTIN`; a backend kept outside needs none. A built-in backend with
tables of its own also has a function in :data:`TABLES` that imports its table
modules (they register their schema steps with the store on import). Importing
this module hands the store a loader that calls it the first time one of that
backend's steps is needed (a database created or upgraded, its tables asked
for), so every process that can open an account upgrades every database the
same way, a process that opens a current database of another backend (the demo)
imports none of them, and the dependency is one that import-linter sees.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tuicoach.store import schema

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.store import Store

BACKEND_ENV = "TUICOACH_BACKEND"
DEFAULT_BACKEND = "x"
#: name -> the module that defines its ``BACKEND``.
BUILTIN: Mapping[str, str] = {
    "demo": "tuicoach.backends.demo.kind",
    "x": "tuicoach.backends.x.kind",
}


def _x_tables() -> None:
    from tuicoach.backends.x import outbox_store, usage_store  # noqa: F401


#: A built-in backend's own tables: name -> a function importing their modules, which
#: register their schema steps on import (``tuicoach.store.schema.OWNERS`` gives their
#: places; a step's name starts with its backend's, ``x.outbox``).
TABLES: Mapping[str, Callable[[], None]] = {"x": _x_tables}


def _load_tables(step_name: str) -> None:
    """The store needs step ``step_name`` and nobody registered it: import its backend's
    tables (every built-in backend's when the name says no backend of ours)."""
    owner = TABLES.get(step_name.partition(".")[0])
    for load_tables in (owner,) if owner is not None else TABLES.values():
        load_tables()


schema.set_owners_loader(_load_tables)


class UnknownBackend(ValueError):
    """A backend name that is neither built in nor an importable module with ``BACKEND``."""


@dataclass(frozen=True, slots=True)
class Request:
    """What opening an account needs: which one, where its data lives, its settings, a clock.

    ``sections`` holds the config tables the file has (name -> the parsed,
    checked section); a table missing from it means that table's defaults.
    """

    data_dir: Path
    clock: Callable[[], datetime]
    account: str | None = None
    sections: Mapping[str, object] = field(default_factory=dict)
    # A store on PostgreSQL (``--store``, ``$TUICOACH_STORE_URL``, ``[store] url``) in place
    # of the account's SQLite file, and the keyring's password for it (never shown).
    store_url: str | None = None
    store_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Report:
    """A command's outcome as a backend words it: lines for a person, an object for ``--json``."""

    lines: tuple[str, ...]
    data: Mapping[str, object] | list[object]
    problems: tuple[str, ...] = ()  # lines for standard error

    @property
    def ok(self) -> bool:
        return not self.problems


Opener = Callable[[], "tuple[Store, Backend]"]


def _no_report(store: Store, backend: Backend, request: Request) -> Report | None:
    return None


def _no_note(text: str, request: Request) -> str | None:
    return None


def _no_reconcile(request: Request, days: int) -> Report | None:
    return None


def _no_usage(store: Store, request: Request, days: int) -> Report | None:
    return None


@dataclass(frozen=True, slots=True)
class BackendKind:
    """One backend as the app and the CLI see it before an account is open.

    - ``service``: the name a user knows it by ("X"), for messages such as
      "no X account is signed in".
    - ``sign_in_hint``: how to get an account signed in, for those messages.
    - ``sections()``: the config tables it declares, name -> a ``msgspec.Struct``
      type whose defaults are the defaults (see :mod:`tuicoach.config`). A
      function, so that choosing a backend imports no schema library: the
      app's start-up reads the config only when there is a file.
    - ``opener(request)``: ``None`` when nobody is signed in (deciding reads no
      secret and no network); else a function, run in a worker, that opens the
      account's store and backend. It raises ``BackendError`` or ``StoreError``.
    - ``open_store(request)``: the signed-in account's store alone, for
      commands that only read (``owed``); ``None`` when nobody is signed in.
    - ``sync_report`` / ``usage``: the backend's own wording of ``tuicoach
      sync`` and ``tuicoach usage``; ``None`` for the generic one.
    - ``post_note(text, request)``: a note before posting ("a link costs more").
    - ``reconcile(request, days)``: the service's own count of what was billed
      beside tuicoach's (``tuicoach usage --reconcile``); ``None`` where there is none.
    """

    name: str
    service: str
    sign_in_hint: str
    opener: Callable[[Request], Opener | None]
    open_store: Callable[[Request], Store | None]
    sections: Callable[[], Mapping[str, type]] = dict
    sync_report: Callable[[Store, Backend, Request], Report | None] = _no_report
    usage: Callable[[Store, Request, int], Report | None] = _no_usage
    post_note: Callable[[str, Request], str | None] = _no_note
    reconcile: Callable[[Request, int], Report | None] = _no_reconcile


def selected_name(configured: str | None = None, *, env: Mapping[str, str] | None = None) -> str:
    """``$TUICOACH_BACKEND``, else the config's ``[account] backend``, else ``x``."""
    environ = os.environ if env is None else env
    return environ.get(BACKEND_ENV) or configured or DEFAULT_BACKEND


def load(name: str) -> BackendKind:
    """The backend called ``name``; :class:`UnknownBackend` says what is known."""
    module_name = BUILTIN.get(name, name)
    if name not in BUILTIN and "." not in name and not name.isidentifier():
        raise UnknownBackend(_unknown(name))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise UnknownBackend(_unknown(name)) from None
        raise
    kind = getattr(module, "BACKEND", None)
    if not isinstance(kind, BackendKind):
        raise UnknownBackend(f"module {module_name} has no BACKEND = BackendKind(...)")
    return kind


def builtin_kinds() -> list[BackendKind]:
    return [load(name) for name in BUILTIN]


def _unknown(name: str) -> str:
    known = ", ".join(BUILTIN)
    return (
        f"no backend called {name!r}: use one of {known}, or the dotted name of a module "
        f"that defines BACKEND (set ${BACKEND_ENV} or [account] backend in the config)"
    )
