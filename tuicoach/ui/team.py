"""The team in the app: this person's presence, the teammates' changes heard, and assigning.

:class:`TeamLink` (the main screen holds one) tells the store which mention is
the reply target in Compose (``store/presence.py``): "replying" once the
draft says more than the @handles it starts with, "open" before; a heartbeat
every :data:`~tuicoach.store.presence.HEARTBEAT_SECONDS` keeps the row alive
and ``leave`` goes when the reply target does, and on quit. Only with a
``[team] name``. Every store write runs in a short thread worker that writes
what is wanted *then* (under a lock), so two workers never undo each other.

It also hears the team: on PostgreSQL a :class:`~tuicoach.store.presence.Listener`
thread calls ``on_change`` for each notify, and a slow poll (:data:`TEAM_POLL`)
covers SQLite and a dropped connection; ``on_change`` only posts a message (the
Mentions pane reads the team again in its own worker).

:class:`AssignScreen` asks whom to give a mention to: the teammates the store
has seen, or a name typed.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tuicoach.ui.keys import CANCEL

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.timer import Timer
    from textual.widgets import Input, OptionList

    from tuicoach.domain.models import Draft
    from tuicoach.store import Store
    from tuicoach.store.presence import Listener

log = logging.getLogger(__name__)

#: Seconds between reads of the team when nothing is heard (SQLite, or a lost connection).
TEAM_POLL = 5.0
#: What to say when a team key is pressed without a ``[team] name``.
NO_NAME = (
    'Claims and assignments need your name: add [team] name = "Jen" to the config '
    "(tuicoach config prints where it is), and the same [store] url as your teammates."
)

_ADDRESS = re.compile(r"^(?:\s*@\w+)+")


def draft_state(text: str) -> str:
    """ "replying" once the draft says something beyond the @handles it starts with."""
    return "replying" if _ADDRESS.sub("", text).strip() else "open"


class TeamLink:
    """This app's presence on the team's store, and the teammates' changes heard."""

    def __init__(self, host: DOMNode, store: Store, clock: Callable[[], datetime]) -> None:
        self._host, self._store, self._clock = host, store, clock
        self.me = " ".join((store.author or "").split())
        self._lock = threading.Lock()
        self._want: tuple[str, str] | None = None  # (tweet id, state) this app has open
        self._sent: tuple[str, str] | None = None  # what the store was last told
        self._stopped = False
        self._listener: Listener | None = None
        self._timers: list[Timer] = []

    def start(self, on_change: Callable[[], None]) -> None:
        """Heartbeats, and hearing the team: LISTEN on PostgreSQL, and the slow poll."""
        from tuicoach.store import presence

        def heard(_what: str) -> None:  # on the listener's thread: only hand it over
            with contextlib.suppress(RuntimeError):  # the app's loop has closed
                on_change()

        self._listener = presence.listen(self._store, heard)
        self._timers.append(self._host.set_interval(TEAM_POLL, on_change))
        if self.me:
            beat = presence.HEARTBEAT_SECONDS
            self._timers.append(self._host.set_interval(beat, self._heartbeat))

    @property
    def listening(self) -> bool:
        """LISTEN is in effect (PostgreSQL, connected)."""
        return self._listener is not None and self._listener.listening.is_set()

    # -- presence ---------------------------------------------------------------------------

    def draft_changed(self, draft: Draft) -> None:
        """Compose's draft or reply target changed: tell the team at once if that is news."""
        if not self.me:
            return
        target = draft.reply_to
        want = None if target is None else (target.id, draft_state(draft.text))
        if want != self._want:
            self._want = want
            self._write(force=False)

    def _heartbeat(self) -> None:
        if self._want is not None:
            self._write(force=True)

    def _write(self, *, force: bool) -> None:
        self._host.run_worker(
            lambda: self._sync(force),
            thread=True,
            group="presence",
            exit_on_error=False,
        )

    def _sync(self, force: bool) -> None:
        """Tell the store what is wanted now (not what was wanted when this was started)."""
        from tuicoach.store import presence

        with self._lock:
            want = self._want
            if self._stopped or (want == self._sent and not force):
                return
            try:
                if want is None:
                    presence.leave(self._store, who=self.me)
                else:
                    tweet_id, state = want
                    presence.heartbeat(
                        self._store, who=self.me, tweet_id=tweet_id, state=state, now=self._clock()
                    )
            except Exception as exc:  # the store is away: the next heartbeat tries again
                log.info("presence not written (%s); trying again", exc)
                self._sent = None if want is not None else self._sent
                return
            self._sent = want

    def stop(self) -> None:
        """On quit: no more heartbeats or listening, and the teammates see this one gone."""
        from tuicoach.store import presence

        for timer in self._timers:
            timer.stop()
        if self._listener is not None:
            self._listener.stop()
        with self._lock:
            self._stopped = True
            if self._sent is not None and self.me:
                try:
                    presence.leave(self._store, who=self.me)
                except Exception as exc:  # quitting anyway: the row expires by itself
                    log.info("presence not cleared on quit (%s)", exc)
                self._sent = None


class AssignScreen(ModalScreen[str | None]):
    """Whom to give a mention to: a teammate the store has seen, or a name typed.

    Dismisses with the name, or ``None`` (Escape).
    """

    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]
    DEFAULT_CSS = """
    AssignScreen { align: center middle; }
    AssignScreen > Vertical {
        width: 60; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    AssignScreen #assign-title { text-style: bold; margin-bottom: 1; }
    AssignScreen OptionList { height: auto; max-height: 10; margin-bottom: 1; }
    AssignScreen #assign-hint { color: $text-muted; }
    """

    def __init__(self, handle: str, teammates: Sequence[str], me: str) -> None:
        super().__init__()
        self.handle = handle
        self.teammates = tuple(dict.fromkeys(t for t in (me, *teammates) if t))
        self.me = me

    def compose(self) -> ComposeResult:
        # Imported here: the main screen opens a TeamLink before the first frame, and
        # nobody needs these widgets until the dialog opens.
        from textual.widgets import Input, OptionList
        from textual.widgets.option_list import Option

        with Vertical():
            yield Static(f"Assign {self.handle}'s mention to", id="assign-title", markup=False)
            if self.teammates:
                yield OptionList(
                    *[
                        Option(f"{name} (you)" if name == self.me else name, id=name)
                        for name in self.teammates
                    ],
                    id="assign-teammates",
                )
            yield Input(placeholder="or type a teammate's name", id="assign-name")
            yield Static(
                "enter picks the highlighted name or the one typed · escape cancels",
                id="assign-hint",
            )

    def on_mount(self) -> None:
        lists = self.query("#assign-teammates")
        (lists.first() if lists else self.query_one("#assign-name")).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.notify("Type a teammate's name, or escape to cancel.", severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
