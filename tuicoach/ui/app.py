"""The tuicoach app: themes, the keymap, opening the account, and routing between panes.

Everything it depends on is handed in, so tests run it on the demo with a fixed
clock and theme. Each pane in ``ui/panes`` owns its state and workers; what one
pane does that another must know arrives here as a message (``ui/messages.py``)
and is passed on.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tuicoach.backends.errors import BackendError
from tuicoach.ui import messages, themes, view
from tuicoach.ui.main_screen import MainScreen
from tuicoach.ui.opening import Opening
from tuicoach.ui.widgets.status import StatusBar

if TYPE_CHECKING:
    from textual.command import Provider

    from tuicoach.coach import CoachSettings

Clock = Callable[[], datetime]
Account = view.Account


def _commands() -> type[Provider]:
    """The palette's tuicoach commands, imported when the palette first opens."""
    from tuicoach.ui.commands import TuicoachCommands

    return TuicoachCommands


def utc_now() -> datetime:
    return datetime.now(UTC)


class TuicoachApp(App[None]):
    """Timeline, Mentions, Compose and Coach, over one account's store."""

    TITLE = "tuicoach"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS: ClassVar = App.COMMANDS | {_commands}  # Textual's own stay: themes, keys, quit

    def __init__(
        self,
        *,
        connect: Callable[[], view.Account] | None,
        opening: Future[view.Opened] | None = None,
        reading: Future[view.FirstScreen] | None = None,
        demo: Callable[[], view.Account] | None = None,
        coach_settings: CoachSettings | None = None,
        clock: Clock = utc_now,
        theme: str = themes.DEFAULT_THEME,
        keymap: Mapping[str, str] | None = None,
        theme_dirs: Sequence[Path] = (),
        sync: bool = True,
        sync_every: float | None = None,
        exit_when: Literal["ready", "loaded"] | None = None,
        data_dir: Path | None = None,
        config_theme: str | None = None,
        theme_given: bool = False,
    ) -> None:
        """``opening``: ``connect`` already under way (:func:`view.start_opening`), else the
        app starts it here. ``reading``: instead, the first screen read by a reader process
        (:func:`reader.start_reader`); the app then opens its own account after the first
        frame. ``data_dir``: where the palette's theme is remembered (None: not remembered).
        ``config_theme``: the config's [theme] name; ``theme_given``: ``--theme`` was used,
        which beats a remembered choice for this run."""
        super().__init__()
        self.connect, self.demo = connect, demo
        if opening is None and reading is None and connect is not None and exit_when != "ready":
            opening = view.start_opening(connect, clock)
        self.opening = Opening(self, connect, clock, opening=opening, reading=reading)
        # The config's hours and tags, for the panes that read them (launch._configure).
        self.posting_hours: object | None = None
        self.business_hours: object | None = None
        self.own_tags: tuple[str, ...] = ()
        self.coach_settings = coach_settings
        self.clock = clock
        self.keymap: dict[str, str] = dict(keymap or {})
        # Automatic syncs: every ``sync_every`` seconds if given, else at the backend's pace.
        self.sync, self.sync_every = sync, sync_every
        # "ready": exit at the first frame; "loaded": once the store's data is shown.
        self.exit_when = exit_when
        self.account: view.Account | None = None
        self.data_dir, self.config_theme = data_dir, config_theme

        loaded = themes.load_themes([themes.bundled_themes_dir(), *theme_dirs])
        for loaded_theme in loaded.themes:
            self.register_theme(loaded_theme)
        remembered = None if theme_given else themes.remembered_theme(data_dir, config_theme)
        if remembered is not None and remembered in self.available_themes:  # else: gone since
            theme = remembered
        choice = themes.choose_theme(theme, self.available_themes, loaded.errors)
        self.theme_notices = list(choice.notices)
        self._remembering = False  # from the first frame on, a change of theme is the user's
        self.theme = choice.name
        # The theme's colours, into the stylesheet before its first parse. Textual's theme
        # watcher queues a refresh_css, whose reparse (in a stylesheet of its own, without
        # the cache) would parse app.tcss and the App's CSS a second time before the first
        # frame; that one is skipped (refresh_css below).
        self.stylesheet.set_variables(self.get_css_variables())
        self._css_current = True

    # -- set-up -------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return themes.variable_defaults(self.current_theme)

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def refresh_css(self, animate: bool = True) -> None:
        if self._css_current:  # queued by the theme set in __init__, already in the stylesheet
            self._css_current = False
            return
        super().refresh_css(animate)

    async def on_mount(self) -> None:
        self._css_current = False  # from here on, every refresh is a real one
        self.set_keymap(self.keymap)
        for notice in self.theme_notices:  # file names and "[colors]" are text, not markup
            self.notify(notice, title="Theme", severity="warning", timeout=15, markup=False)

    async def first_data(self) -> None:
        """The account's data, into the panes before the first frame (ui/opening.py)."""
        await self.opening.first_data()

    async def on_ready(self) -> None:
        """The first frame is on screen."""
        self._remembering = True
        self.opening.after_frame()
        if not self.opening.holding:  # else once the account is open (let_keys_through)
            gc.enable()  # the CLI pauses the collector until now (cli._run_app)
        if self.exit_when == "ready":
            self.exit()
        elif self.connect is None:
            from tuicoach.ui.screens import NoAccountScreen

            demo = self.demo

            def chosen(choice: str | None) -> None:
                self.opening.open(demo) if choice == "demo" and demo else self.exit()

            await self.main.composer.attach_editor()
            self.push_screen(NoAccountScreen(), chosen)

    def watch_theme(self, theme: str) -> None:
        if self._remembering and self.data_dir is not None:  # the palette's choice, kept
            job = partial(themes.remember_theme, self.data_dir, theme, self.config_theme)
            self.run_worker(job, thread=True, group="theme", exclusive=True, exit_on_error=False)

    # -- opening the account ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not self.opening.hold(event):  # a key waits while the account opens (ui/opening.py)
            await super().on_event(event)

    async def let_keys_through(self) -> None:
        """The account is open, or could not be, or the wait is over: the held keys act."""
        if self.opening.holding:
            gc.enable()  # paused by the CLI until the account is open
            await self.opening.release(super().on_event)

    @on(messages.AccountOpened)
    def _opened(self, message: messages.AccountOpened) -> None:
        if not self.main.is_mounted:  # a fast open can beat the panes being built: wait
            self.call_after_refresh(self._opened, message)
            return
        self.show_opened(message.opened)

    def show_opened(self, opened: view.Opened) -> None:
        screen = self.main
        self.account = opened.account
        screen.open(opened)
        every = self.sync_every or opened.account.backend.poll_seconds
        screen.syncer.start(opened.account, every=float(every) if self.sync else None)
        self.set_interval(60, screen.tick)
        # The account's data lives as long as the app: freezing it keeps the collector's
        # full passes (150 ms pauses while typing) to what is new.
        gc.freeze()
        self.call_later(self.let_keys_through)  # the keys pressed while it opened, if any
        if self.exit_when == "loaded":
            self.call_after_refresh(self.exit)
        else:
            self.call_after_refresh(screen.after_data, self.coach_settings)

    @on(messages.Problem)
    def _problem(self, message: messages.Problem) -> None:
        self.notify(message.text, title=message.title, severity="error", timeout=15, markup=False)

    # -- sync (ui/sync.py), and failures: a word in the status bar and a notice with the way out

    def action_refresh(self) -> None:
        self.main.syncer.sync_now()

    @on(messages.BackendFailed)
    def show_backend_error(self, message: messages.BackendFailed) -> None:
        """A word in the status bar, and a notice in the backend's words with the way out."""
        error = message.error
        way_out = self.main.query_one(StatusBar).show_error(error)
        title = self.account.backend.error_title(error) if self.account else type(error).__name__
        text = f"{error} {way_out}".strip()
        self.notify(text, title=title, severity="warning", timeout=15, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        if isinstance(error, BackendError):
            self.post_message(messages.BackendFailed(error))
        elif worker.group == "open":
            self.open_failed(error)
        else:
            self.notify(f"{type(error).__name__}: {error}", severity="error", timeout=15,
                        title=f"Something went wrong ({worker.group})", markup=False)  # fmt: skip

    def open_failed(self, error: BaseException) -> None:
        self.call_later(self.let_keys_through)  # they act without an account: quit works
        if isinstance(error, BackendError):
            self.post_message(messages.BackendFailed(error))
            return
        status = self.main.query_one(StatusBar)
        status.sync_state, status.problem = "could not open", True
        title = "The account's store could not be opened"
        self.notify(str(error) or type(error).__name__, title=title, severity="error",
                    timeout=30, markup=False)  # fmt: skip

    # -- quitting -----------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.main.composer.flush()  # the one store write on this thread: nothing is lost
        self.exit()

    def on_unmount(self) -> None:
        """However the app ends: close the account, so the database file is whole on disk."""
        if self.account is not None:
            self.account.close()
