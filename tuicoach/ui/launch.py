"""From ``tuicoach [--demo]`` to a running app: read the config, pick the account, run.

The CLI imports this module only when it launches the app. It imports no
Textual at the top: :func:`build_app` starts opening the account (the store
and the first screen's data, in a thread of its own) before Textual is
imported, and the app draws its panes once, with that data in them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from tuicoach import paths

if TYPE_CHECKING:
    from tuicoach.backends.registry import BackendKind, Request
    from tuicoach.coach import CoachSettings
    from tuicoach.config import Config
    from tuicoach.ui.app import TuicoachApp
    from tuicoach.ui.session import Account

Clock = Callable[[], datetime]


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says ``moment`` (``--now``: screenshots, demos, tests)."""
    return lambda: moment


def backend_connect(
    kind: BackendKind, request: Request, *, rank_by_followers: bool = False
) -> Callable[[], Account] | None:
    """The backend's account for the app, or None when nobody is signed in.

    Deciding reads only what the backend needs to know who is signed in (for
    X: the environment and the account index); opening the store and the
    backend is left to the returned function, which the app runs in a worker
    after the first frame.
    """
    opener = kind.opener(request)
    if opener is None:
        return None

    def connect() -> Account:
        from tuicoach.ui.session import Account

        store, backend = opener()
        spend = backend.spend_today
        # A backend that bills nothing (spend None: the demo) shows no meter.
        meter = None if spend() is None else (lambda: spend() or "")
        return Account(
            store,
            backend,
            cost_meter=meter,
            rank_by_followers=rank_by_followers,
        )

    return connect


def demo_connect(
    data_dir: Path, clock: Clock, *, rank_by_followers: bool = False
) -> Callable[[], Account]:
    """Open (creating on first use) the demo account's own database, and its backend."""

    def connect() -> Account:
        # The demo's package (and the tweet-length tables it loads) is imported
        # here, in the app's worker, not before the first frame.
        from tuicoach.backends.registry import Request, load

        opened = backend_connect(
            load("demo"),
            Request(data_dir=data_dir, clock=clock),
            rank_by_followers=rank_by_followers,
        )
        assert opened is not None  # the demo is always signed in
        return opened()

    return connect


class AppSettings(NamedTuple):  # not a dataclass: cheaper to build before the first frame
    """What the app takes from the config file."""

    coach: CoachSettings | None = None  # None: the defaults
    theme: str | None = None
    keymap: Mapping[str, str] = MappingProxyType({})
    rank_by_followers: bool = False
    backend: str | None = None  # [account] backend
    sections: Mapping[str, object] = MappingProxyType({})  # every backend's tables
    config: Config | None = None  # the rest ([triage], [queue], [business_hours], [feedback])


def check_keymap_ids(config: Config) -> None:
    """Every ``[keymap]`` id must name a binding: a typo is a config error, not a silent no-op."""
    from tuicoach.config import ConfigError
    from tuicoach.ui.keys import BINDING_IDS

    for binding_id in config.keymap:
        if binding_id not in BINDING_IDS:
            import difflib

            close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(
                config.path,
                f"keymap.{binding_id}",
                f"no key binding has this id; {hint}press ? in the app to see them all",
            )


def read_settings(path: Path) -> AppSettings:
    """The config, checked before the app starts, so a mistake is an error naming the key.

    With no config file (a first run) there is nothing to read, and the
    coach's modules, which the config module imports, load later in a worker,
    after the first frame.
    """
    if not path.exists():
        return AppSettings()
    from tuicoach.config import load

    config = load(path)
    check_keymap_ids(config)
    return AppSettings(
        config.coach,
        config.theme,
        config.keymap,
        config.rank_by_followers,
        config.backend,
        config.sections,
        config,
    )


def build_app(args: argparse.Namespace) -> TuicoachApp:
    config_path = paths.config_file(getattr(args, "config", None))
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    settings = read_settings(config_path)
    now: datetime | None = getattr(args, "now", None)
    clock: Clock = fixed_clock(now) if now is not None else (lambda: datetime.now(UTC))
    demo = demo_connect(data_dir, clock, rank_by_followers=settings.rank_by_followers)
    if getattr(args, "demo", False):
        connect: Callable[[], Account] | None = demo
    else:
        connect = _selected_connect(args, data_dir, clock, settings)
    if settings.config is not None:
        connect = _with_config_triage(_with_sections(connect, settings.config), settings.config)
        demo = _with_config_triage(demo, settings.config) or demo
    exit_when = getattr(args, "exit_when", None)
    # The store is read while Textual loads: opening starts before the app's modules import.
    # In a reader process where it can fork (ui/reader.py), else in a thread of this one.
    opening = reading = None
    if connect is not None and exit_when != "ready":
        from tuicoach.ui.reader import start_reader

        reading = start_reader(connect, clock)
        if reading is None:
            from tuicoach.ui.view import start_opening

            opening = start_opening(connect, clock)

    from tuicoach.ui.app import TuicoachApp
    from tuicoach.ui.themes import DEFAULT_THEME

    app = TuicoachApp(
        connect=connect,
        opening=opening,
        reading=reading,
        demo=demo,
        coach_settings=settings.coach,
        clock=clock,
        theme=getattr(args, "theme", None) or settings.theme or DEFAULT_THEME,
        keymap=settings.keymap,
        theme_dirs=[paths.user_themes_dir(config_path)],
        # A fixed clock means a still picture: nothing new should arrive.
        sync=now is None,
        exit_when=exit_when,
        data_dir=data_dir,
        config_theme=settings.theme,
        theme_given=getattr(args, "theme", None) is not None,
    )
    if settings.config is not None:
        _configure(app, settings.config)
    return app


def _configure(app: TuicoachApp, config: Config) -> None:
    """The config's tables the panes read: posting and business hours, own tags."""
    app.posting_hours = config.queue.hours
    app.business_hours = config.business_hours
    app.own_tags = tuple(config.feedback_tags)


def _with_sections(
    connect: Callable[[], Account] | None, config: Config
) -> Callable[[], Account] | None:
    """``connect``, handing ``[listen]`` (the budget, the searches) and ``[team] name`` to the
    account it opens."""
    if connect is None:
        return None
    opener = connect

    def opened() -> Account:
        from tuicoach.backends.base import set_author

        account = opener()
        if hasattr(account.backend, "listen_settings"):  # a backend that reads [listen]
            account.backend.listen_settings = config.listen
        # [team] name: the outbox records who sent each reply (the traffic cop reads it),
        # and drafts and marks who made them.
        set_author(account.backend, config.team_name)
        account.store.author = config.team_name
        if config.team_signature:  # [team] signature: Compose's sign key appends it
            from dataclasses import replace

            account = replace(account, signature=config.team_signature)
        return account

    return opened


def _with_config_triage(
    connect: Callable[[], Account] | None, config: Config
) -> Callable[[], Account] | None:
    """``connect``, banding mentions with the config's ``[triage]`` where it has one."""
    from tuicoach.domain.triage import TriageSettings

    if connect is None or config.triage == TriageSettings():
        return connect
    opener = connect

    def opened() -> Account:
        from tuicoach.domain.triage import Triage  # built in the opening thread, not before

        account = opener()
        account.store.set_triage(Triage(config.triage))
        return account

    return opened


def _selected_connect(
    args: argparse.Namespace, data_dir: Path, clock: Clock, settings: AppSettings
) -> Callable[[], Account] | None:
    """The selected backend's signed-in account (``$TUICOACH_BACKEND``, ``[account] backend``)."""
    from tuicoach.backends import registry
    from tuicoach.backends.base import NotSignedIn

    kind = registry.load(registry.selected_name(settings.backend))  # UnknownBackend: a ValueError
    from tuicoach.config import store_password, store_url

    url = store_url(settings.config, getattr(args, "store", None))  # None: the SQLite file
    # The backends' tables as the file has them; the backend defaults what is missing.
    request = registry.Request(
        data_dir=data_dir,
        clock=clock,
        account=getattr(args, "account", None),
        sections=settings.sections,
        store_url=url,
        store_password=None if url is None else store_password(url),
    )
    try:
        return backend_connect(kind, request, rank_by_followers=settings.rank_by_followers)
    except NotSignedIn as exc:
        raise ValueError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Build and run the app. A ``ValueError`` (a config, theme, keymap or backend that cannot
    be used) is raised before anything is drawn; the CLI turns it into exit status 2."""
    app = build_app(args)
    app.run()
    return app.return_code or 0
