"""Keeping the open account current: syncs (on the backend's pace and on ``R``) and the
queue's due posts, each in its own thread worker.

:class:`Syncer` is a widget with nothing to draw, on the main screen, so that its timers
and workers live and end with the screen. What it learns goes to the status bar and the
lists; a backend failure goes up as :class:`messages.BackendFailed`, which the App words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tuicoach.backends.errors import BackendError
from tuicoach.ui import messages, view
from tuicoach.ui.widgets.status import StatusBar

if TYPE_CHECKING:
    from tuicoach.ui.main_screen import MainScreen

#: Seconds between two looks at the queue for what has come due.
QUEUE_EVERY = 60.0


class Syncer(Widget):
    """Syncs the account and posts what the queue has due, while the app is open."""

    DEFAULT_CSS = "Syncer { display: none; }"

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__(id="syncer")
        self.clock = clock
        self.account: view.Account | None = None

    def start(self, account: view.Account, *, every: float | None) -> None:
        """Sync every ``every`` seconds (None: only when asked), and run the queue every
        minute, first once the data is drawn (its worker's imports would hold up the
        first frame)."""
        self.account = account
        if every is not None:
            self.set_interval(every, self.sync_now)
        self.set_interval(QUEUE_EVERY, self._run_queue)
        self.call_after_refresh(self._run_queue)

    def sync_now(self) -> None:
        if self.account is not None:
            self._sync(self.account)

    @property
    def _main(self) -> MainScreen:
        return cast("MainScreen", self.screen)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self, account: view.Account) -> None:
        new, failure, by = 0, None, None
        try:
            result = account.backend.sync()
            new, by = result.total_new, result.synced_by
        except BackendError as error:  # what did arrive is stored: show it, then the problem
            failure = error
        self.post_message(messages.Synced(new, failure, view.spend(account), by))

    @on(messages.Synced)
    def _synced(self, message: messages.Synced) -> None:
        status = self._main.query_one(StatusBar)
        status.cost = message.cost
        if message.failure is not None:
            self.post_message(messages.BackendFailed(message.failure))
        else:
            status.problem = False
            by = f" by {message.synced_by}" if message.synced_by else ""  # who fetched it
            status.sync_state = f"synced{by} {self.clock().astimezone():%H:%M}"
        if message.new or message.synced_by:  # a teammate's fetch shows only in the store
            self._main.coach.catch_up()  # before the reload below counts the strip again
            self._main.timeline.reload_head()
        self._main.mentions.reload(announce=True)

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def _run_queue(self) -> None:
        from tuicoach.ui.queue import run_queue

        account = self.account
        if account is None:
            return
        result = run_queue(account.store, account.backend, now=self.clock())
        if result.posted:
            self.post_message(messages.QueuePosted(len(result.posted)))

    @on(messages.QueuePosted)
    def _queue_posted(self, message: messages.QueuePosted) -> None:
        self.notify(f"The queue posted {message.count} tweet{'s' * (message.count > 1)}.")
        self._main.coach.catch_up()
        self._main.timeline.reload_head()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if isinstance(error, BackendError):
            self.post_message(messages.BackendFailed(error))
        else:
            title = f"Something went wrong ({event.worker.group})"
            self.post_message(messages.Problem(title, f"{type(error).__name__}: {error}"))
