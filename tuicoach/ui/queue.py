"""The Queue view, and the functions Compose's queue key and the app's timer call.

- :func:`queue_draft`: what Compose's queue key does: the next free slot (or the
  time the user picked), the coach's report at that slot, and the item stored.
  Blocking (store I/O, the coach): call it from a worker.
- :func:`run_queue`: post what is due (the app's timer, while it is open);
  exactly once even with ``tuicoach queue run`` going at the same moment.
- :class:`QueueScreen`: what is queued and when; ``e`` edit, ``m`` move, ``s``
  send now, ``d`` delete. It is given a :class:`QueueActions` whose methods run
  in workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from tuicoach.domain.models import Draft, Report
from tuicoach.domain.slots import PostingHours
from tuicoach.store.queue import QueueItem
from tuicoach.ui.keys import CANCEL, QUEUE_BINDINGS

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.backends.queue_runner import QueueSettings, RunResult
    from tuicoach.coach.settings import CoachSettings
    from tuicoach.store import Store


@dataclass(frozen=True, slots=True)
class Queued:
    item: QueueItem
    report: Report
    problems: tuple[str, ...] = ()  # what is wrong with a time the user picked


def queue_draft(
    store: Store,
    draft: Draft,
    *,
    now: datetime,
    at: datetime | None = None,
    settings: CoachSettings | None = None,
    hours: PostingHours | None = None,
) -> Queued:
    """Queue ``draft`` for the next free slot (or ``at``); the coach reads it as at its slot.

    The item is stored whatever the coach says: the caller shows the report and
    may delete the item (:func:`tuicoach.store.queue.delete`) if the user backs out.
    """
    from tuicoach.coach.queued import queued_tweet, report_at_slot
    from tuicoach.coach.settings import CoachSettings
    from tuicoach.domain.slots import next_slot, slot_problems
    from tuicoach.store import queue as q

    settings = settings or CoachSettings()
    hours = hours or PostingHours()
    gap = timedelta(minutes=settings.thresholds.burst_minutes)
    own = store.stream("own", since=now - timedelta(days=2))
    items = q.items(store)
    busy = [t.created_at for t in own if t.replied_to_id is None and t.retweeted_id is None]
    busy += [i.slot_at for i in items]
    problems: tuple[str, ...] = ()
    if at is None:
        slot = next_slot(now=now, busy=busy, hours=hours, gap=gap)
    else:
        slot = at
        problems = tuple(slot_problems(at, now=now, busy=busy, gap=gap, hours=hours))
    account = store.account()
    queued = [queued_tweet(i.id, i.text, i.slot_at, account.id if account else "") for i in items]
    report = report_at_slot(
        draft, slot=slot, history=store.stream("own", limit=2000), queued=queued, settings=settings
    )
    reply_to_id = draft.reply_to.id if draft.reply_to is not None else None
    item = q.enqueue(store, draft.text, slot_at=slot, now=now, reply_to_id=reply_to_id)
    return Queued(item, report, problems)


def run_queue(
    store: Store, backend: Backend, *, now: datetime, settings: QueueSettings | None = None
) -> RunResult:
    """Post what is due (blocking; the app's timer calls it in a worker)."""
    from tuicoach.backends.queue_runner import run_due

    return run_due(store, backend, now=now, settings=settings)


class QueueActions(Protocol):
    """What the Queue view asks for; each runs in a worker thread."""

    def items(self) -> list[QueueItem]: ...

    def edit(self, item_id: int, text: str) -> None: ...

    def move(self, item_id: int, at: datetime) -> None: ...

    def send_now(self, item_id: int) -> str:
        """Post it now; returns a line for the user (the link, or what went wrong)."""
        ...

    def delete(self, item_id: int) -> None: ...


class StoreQueueActions:
    """:class:`QueueActions` over a store and a backend."""

    def __init__(self, store: Store, backend: Backend, *, now: Callable[[], datetime]) -> None:
        self._store, self._backend, self._now = store, backend, now

    def items(self) -> list[QueueItem]:
        from tuicoach.store import queue as q

        return q.items(self._store)

    def edit(self, item_id: int, text: str) -> None:
        from tuicoach.store import queue as q

        q.edit(self._store, item_id, text=text)

    def move(self, item_id: int, at: datetime) -> None:
        from tuicoach.store import queue as q

        q.edit(self._store, item_id, slot_at=at)

    def send_now(self, item_id: int) -> str:
        from tuicoach.backends.queue_runner import run_due
        from tuicoach.store import queue as q

        q.edit(self._store, item_id)  # held or failed: back in the queue first
        result = run_due(self._store, self._backend, now=self._now(), post_now=item_id)
        for item, tweet in result.posted:
            if item.id == item_id:
                return f"Posted: {self._backend.tweet_link(tweet, self._backend.account)}"
        for item, reason in result.failed:
            if item.id == item_id:
                return f"Not posted: {reason}"
        if result.stopped is not None:
            return f"Not yet: {result.stopped}"
        return "Not posted: another tuicoach is posting it"

    def delete(self, item_id: int) -> None:
        from tuicoach.store import queue as q

        q.delete(self._store, item_id)


def parse_when(text: str, now: datetime) -> datetime | None:
    """``HH:MM`` (today, or tomorrow if past), ``YYYY-MM-DD HH:MM`` or ISO 8601, local time."""
    text = text.strip()
    try:
        if len(text) == 5 and text[2] == ":":
            hour, minute = int(text[:2]), int(text[3:])
            here = now.astimezone()
            moment = here.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return moment if moment > here else moment + timedelta(days=1)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.astimezone()


class AskScreen(ModalScreen[str | None]):
    """One line of input: new text, or a new time."""

    DEFAULT_CSS = """
    AskScreen { align: center middle; }
    AskScreen > Vertical { width: 70; max-width: 100%; height: auto; border: round $primary;
                           background: $surface; padding: 0 1; }
    AskScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(self, title: str, value: str, hint: str) -> None:
        super().__init__()
        self._title, self._value, self._hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, markup=False)
            yield Input(self._value)
            yield Static(self._hint, classes="hint", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QueueScreen(Screen[None]):
    """Queue: what goes out when; edit, move, send now, delete."""

    DEFAULT_CSS = """
    QueueScreen {
        #queue-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        #queue-status { height: auto; padding: 0 1; color: $text-muted; }
        DataTable { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(QUEUE_BINDINGS)

    class Loaded(Message):
        def __init__(self, items: list[QueueItem], status: str = "") -> None:
            super().__init__()
            self.items = items
            self.status = status

    def __init__(self, actions: QueueActions, *, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.actions = actions
        self._now = now
        self.items: list[QueueItem] = []

    def compose(self) -> ComposeResult:
        yield Static("Queue · loading…", id="queue-title", markup=False)
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_column("#", width=4, key="id")
        table.add_column("when", width=16, key="when")
        table.add_column("state", width=7, key="state")
        table.add_column("post", width=280, key="post")
        yield table
        yield Static("", id="queue-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._do(lambda: "")

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def _do(self, change: Callable[[], str]) -> None:
        try:
            status = change()
        except Exception as exc:  # shown, not raised
            status = f"{type(exc).__name__}: {exc}"
        self.post_message(self.Loaded(self.actions.items(), status))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.items = message.items
        table = self.query_one(DataTable)
        table.clear()
        for item in message.items:
            state = "" if item.state.value == "queued" else item.state.value
            when = item.slot_at.astimezone().strftime("%a %d %b %H:%M")
            table.add_row(str(item.id), when, state, " ".join(item.text.split()), key=str(item.id))
        count = len(message.items)
        self.query_one("#queue-title", Static).update(
            f"Queue · {count} waiting" if count else "Queue · nothing queued (queue from Compose)"
        )
        self.query_one("#queue-status", Static).update(message.status)

    def _current(self) -> QueueItem | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_edit(self) -> None:
        item = self._current()
        if item is None:
            return

        def done(text: str | None) -> None:
            if text and text.strip() and text != item.text:

                def change() -> str:
                    self.actions.edit(item.id, text)
                    return "Edited."

                self._do(change)

        self.app.push_screen(AskScreen("Edit the post", item.text, "enter saves"), done)

    def action_move(self) -> None:
        item = self._current()
        if item is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            moment = parse_when(text, self._now())
            if moment is None:
                self.query_one("#queue-status", Static).update(
                    f"{text!r} is not a time: write HH:MM, or YYYY-MM-DD HH:MM"
                )
                return

            def change() -> str:
                self.actions.move(item.id, moment)
                return f"Moved to {moment.astimezone():%a %d %b %H:%M}."

            self._do(change)

        when = item.slot_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.app.push_screen(AskScreen("Move to", when, "HH:MM or YYYY-MM-DD HH:MM"), done)

    def action_send(self) -> None:
        item = self._current()
        if item is not None:
            self._do(lambda: self.actions.send_now(item.id))

    def action_delete(self) -> None:
        item = self._current()
        if item is None:
            return

        def change() -> str:
            self.actions.delete(item.id)
            return f"Deleted {item.id}."

        self._do(change)

    def action_close(self) -> None:
        self.dismiss()
