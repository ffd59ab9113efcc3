"""Opening the account for the app: the first screen's data into the first frame, then the account.

Two ways in (``launch.build_app`` picks one):

- **A reader process** read the first screen (ui/reader.py). It is shown before the
  first frame; this process opens its own account after the frame; keys typed until
  then are held and act, in order, once it is open (or ``FIRST_DATA_WAIT`` after the
  frame, or once it failed), so none is lost and none acts on no account.
- **A thread** opens the account and reads the first screen (:func:`view.start_opening`);
  the first frame waits for it up to ``FIRST_DATA_WAIT``, else the panes show empty and
  fill in when it is open.

Either way the app gets the result in :meth:`TuicoachApp.show_opened`, or the failure in
:meth:`TuicoachApp.open_failed` (a worker of group "open" that fails goes there too).
No widget lives here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import events

from tuicoach.ui import messages, view

if TYPE_CHECKING:
    from tuicoach.ui.app import TuicoachApp

#: How long the first frame waits for the account's data, so that the panes are drawn
#: once, with it; an account slower to open shows its panes empty first, then fills them.
FIRST_DATA_WAIT = 1.0


class Opening:
    """The app's account on its way: started before the app, finished after its first frame."""

    def __init__(
        self,
        app: TuicoachApp,
        connect: Callable[[], view.Account] | None,
        clock: Callable[[], datetime],
        *,
        opening: Future[view.Opened] | None,
        reading: Future[view.FirstScreen] | None,
    ) -> None:
        self.app, self.connect, self.clock = app, connect, clock
        self._opening, self._reading = opening, reading
        self._first_shown: view.FirstScreen | None = None  # the reader's, until the frame
        # Where a reader reads the first screen, keys wait from the start (this account
        # opens only after the first frame).
        self._held: list[events.Key] | None = [] if reading is not None else None

    @property
    def holding(self) -> bool:
        """Keys are waiting for the account (:meth:`hold`)."""
        return self._held is not None

    def hold(self, event: events.Event) -> bool:
        """Keep ``event`` for later if it is a key and keys wait; False: handle it now."""
        if self._held is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        self._held.append(event)
        return True

    async def release(self, dispatch: Callable[[events.Event], Awaitable[None]]) -> None:
        """The keys held, in order, to ``dispatch``; from then on, none waits."""
        held = self._held
        while held:  # a key pressed while these act joins them, in its turn
            await dispatch(held.pop(0))
        self._held = None

    async def first_data(self) -> None:
        """The account's data, into the panes before the first frame is drawn (the main
        screen awaits this in its ``on_mount``: Textual draws a screen once it is mounted)."""
        reading, self._reading = self._reading, None
        if reading is not None:
            await self._first_read(reading)
            return
        opening, self._opening = self._opening, None
        if opening is not None:
            await self._show_when_open(opening)

    def after_frame(self) -> None:
        """The first frame is on screen: the account for the reader's data opens now, and
        held keys wait at most ``FIRST_DATA_WAIT`` more."""
        first, self._first_shown = self._first_shown, None
        if first is not None and self.connect is not None:
            self._await(view.start_opening(self.connect, self.clock, first))
        if self.holding:
            self.app.set_timer(FIRST_DATA_WAIT, self.app.let_keys_through)

    def open(self, connect: Callable[[], view.Account]) -> None:
        """Open ``connect``'s account in a worker (the demo, chosen from the welcome)."""
        self._worker(partial(self._open_here, connect, None))

    async def _show_when_open(self, opening: Future[view.Opened]) -> None:
        """The opened account into the panes, waiting for it up to ``FIRST_DATA_WAIT``: the
        app's messages (keys among them) wait meanwhile. Past that (a slow store) the panes
        show without it, and a worker fills them when it is open."""
        try:
            opened = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(opening)),
                                            FIRST_DATA_WAIT)  # fmt: skip
        except TimeoutError:
            self._await(opening)
        except Exception as error:  # said once the panes (and the status bar) are up
            self.app.call_after_refresh(self.app.open_failed, error)
        else:
            self.app.show_opened(opened)

    async def _first_read(self, reading: Future[view.FirstScreen]) -> None:
        """The reader's first screen into the panes; the account opens after the frame."""
        try:
            first = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(reading)),
                                           FIRST_DATA_WAIT)  # fmt: skip
        except Exception:  # slow (TimeoutError) or failed: open here, once it has ended
            assert self.connect is not None
            self._worker(partial(self._open_here, self.connect, reading))
        else:
            self.app.main.show_first(first)
            self._first_shown = first

    def _await(self, opening: Future[view.Opened]) -> None:
        """The opening under way, shown when it is done (on the app's loop: no thread's hop)."""

        async def shown() -> None:
            opened = await asyncio.wrap_future(opening)
            if not self.app.main.is_mounted:
                self.app.call_after_refresh(self.app.show_opened, opened)
            else:
                self.app.show_opened(opened)

        self.app.run_worker(shown(), group="open", exclusive=True, exit_on_error=False)

    def _worker(self, job: Callable[[], None]) -> None:
        self.app.run_worker(job, thread=True, group="open", exclusive=True, exit_on_error=False)

    def _open_here(
        self, connect: Callable[[], view.Account], reading: Future[view.FirstScreen] | None
    ) -> None:
        """In a worker: the account, with the reader's first screen where it read one (if the
        reader failed, or there was none, the first screen is read here too)."""
        first: view.FirstScreen | None = None
        if reading is not None:
            try:
                first = reading.result()
            except Exception:  # ReaderFailed: it wrote nothing to the terminal, so no word
                first = None
        opened = view.open_session(connect(), self.clock(), first)
        self.app.post_message(messages.AccountOpened(opened))
