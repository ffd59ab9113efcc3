"""The Coach pane: the draft's score and findings, live, and the account strip.

One worker owns the :class:`~tuicoach.coach.Coach`: it builds it (off the
start-up path), then serves requests from a queue, one at a time, so nothing
else ever touches the coach and no lock is needed. For each change of the
draft it sends the cheap report at once and the full one (the near-duplicate
search) when no newer text is waiting; the pane drops any report whose
generation is not the latest.
"""

from __future__ import annotations

import queue
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from tuicoach.ui import messages, view
from tuicoach.ui.panes.base import Pane
from tuicoach.ui.widgets.coach_panel import FindingsView, ScoreGauge, stats_content

if TYPE_CHECKING:
    from tuicoach.coach import Coach, CoachSettings
    from tuicoach.domain.models import Draft, Report, Tweet
    from tuicoach.ui.view import Account, AccountStats, Snapshot


# The coach worker's requests: NamedTuples, built at import about 8x faster than dataclasses
# (this module loads before the first frame).
class _Score(NamedTuple):
    generation: int
    draft: Draft
    owed_since: tuple[datetime, ...]


class _SendCheck(NamedTuple):
    draft: Draft
    owed_since: tuple[datetime, ...]


class _Stats(NamedTuple):
    waiting: tuple[timedelta, ...]
    people: int | None = None  # how many people those tweets are from


class _Add(NamedTuple):
    tweet: Tweet


class _CatchUp(NamedTuple):
    """Own tweets the store gained from elsewhere: a sync (this machine's or a teammate's),
    the queue, X's own app."""


WAITING = "The coach reads your draft as you type."

#: How far before the newest known own tweet a catch-up looks: a tweet posted elsewhere
#: shortly before it may arrive later.
CATCH_UP_MARGIN = timedelta(days=2)

_Request = _Score | _SendCheck | _Stats | _Add | _CatchUp | None  # None: stop


class CoachPane(Pane):
    """Gauge on top, findings in the middle (scrollable, focusable), the account strip below."""

    pane = "coach"
    pane_title = "Coach"

    DEFAULT_CSS = """
    CoachPane {
        #findings-scroll, #coach-placeholder { height: 1fr; padding: 0 1; background: $surface; }
        #findings { width: 1fr; }
        #account-strip {
            height: auto;
            padding: 0 1;
            border-top: dashed $panel-lighten-2;
            color: $text-muted;
        }
    }
    """

    generation = 0
    _built = False  # the gauge, findings and strip are mounted (build)
    report: Report | None = None  # the full report of the current text, once it has caught up
    report_shown_at = 0.0  # when it was shown (benchmarks/ui_coach_latency.py)
    history_size: int | None = None  # own tweets the coach knows, once it has said

    def compose(self) -> ComposeResult:
        # The first frame shows one line; the gauge, the findings and the account strip
        # follow just after it (build), with the coach.
        yield Static(Content.styled(WAITING, "dim"), id="coach-placeholder")

    async def build(self) -> None:
        """The gauge, the findings and the account strip, in the placeholder's place (once)."""
        if self._built:
            return
        self._built = True
        placeholder = self.query_one("#coach-placeholder")
        findings = VerticalScroll(FindingsView(id="findings"), id="findings-scroll", can_focus=True)
        strip = Static(stats_content(self._stats_shown), id="account-strip")
        await self.mount(ScoreGauge(id="gauge"), findings, strip, before=placeholder)
        await placeholder.remove()

    def __init__(self, clock: Callable[[], datetime], *, active: bool = False) -> None:
        super().__init__(clock, active=active)
        self._requests: queue.Queue[_Request] = queue.Queue()
        self._owed_since: tuple[datetime, ...] = ()
        # The worker's own: the account it reads and the own tweets its coach knows.
        self._account: Account | None = None
        self._known: set[str] = set()
        self._stats_shown: AccountStats | None = None

    # -- what the other panes ask (through the App) -------------------------------------------

    def start(self, account: Account, settings: CoachSettings | None) -> None:
        self._serve(account, settings, self.clock)

    def score(self, draft: Draft) -> None:
        """A new text: the cheap report soon, the full one after; older ones are dropped."""
        self.generation += 1
        self.report = None
        if not draft.text.strip():
            self._show(None)
            return
        self._requests.put(_Score(self.generation, draft, self._owed_since))

    def check_for_sending(self, draft: Draft) -> None:
        self._requests.put(_SendCheck(draft, self._owed_since))

    def owed_changed(self, snapshot: Snapshot) -> None:
        self._owed_since = snapshot.owed_since_per_person
        self._requests.put(_Stats(snapshot.waiting, snapshot.owed_people))

    def learn(self, tweet: Tweet) -> None:
        """A tweet the account just posted: part of the history the coach compares with."""
        self._requests.put(_Add(tweet))

    def catch_up(self) -> None:
        """The store may hold own tweets the coach has not seen (a sync, the queue): the
        worker reads them in before it next scores or counts."""
        self._requests.put(_CatchUp())

    def on_unmount(self) -> None:
        self._requests.put(None)

    # -- the one worker that owns the coach ----------------------------------------------------

    @work(thread=True, exclusive=True, group="coach", exit_on_error=False)
    def _serve(
        self, account: Account, settings: CoachSettings | None, clock: Callable[[], datetime]
    ) -> None:
        from tuicoach.coach import Coach

        worker = get_current_worker()
        history = account.store.stream("own")
        coach = Coach(settings, history=history)
        self._known = {t.id for t in history}
        self._account = account
        pending: deque[_Request] = deque()
        while not worker.is_cancelled:
            if not pending:
                try:
                    pending.append(self._requests.get(timeout=0.2))
                except queue.Empty:
                    continue
            self._drain(pending)
            # Only the newest text is worth scoring: skip the older ones.
            newest = max((i for i, r in enumerate(pending) if isinstance(r, _Score)), default=-1)
            for index, request in enumerate(list(pending)):
                pending.popleft()
                if request is None:
                    return
                if isinstance(request, _Score) and index != newest:
                    continue
                try:
                    self._answer(coach, request, clock(), pending)
                except Exception as exc:  # one bad request must not silence the coach
                    self.post_message(messages.Problem("The coach stumbled", f"{exc!r}"))
                if isinstance(request, _Score) and any(isinstance(r, _Score) for r in pending):
                    break  # newer text arrived meanwhile: start over with it

    def _drain(self, pending: deque[_Request]) -> None:
        while True:
            try:
                pending.append(self._requests.get_nowait())
            except queue.Empty:
                return

    def _answer(self, coach: Coach, request: Any, now: datetime, pending: deque[_Request]) -> None:
        if isinstance(request, _Score):
            cheap = coach.report(
                request.draft, now=now, owed_since=request.owed_since, near_duplicates=False
            )
            self.post_message(messages.CoachReport(request.generation, cheap, full=False))
            self._drain(pending)
            if any(isinstance(r, _Score) for r in pending):
                return  # the full search would be stale before it ends
            full = coach.report(
                request.draft, now=now, owed_since=request.owed_since, near_duplicates=True
            )
            self.post_message(messages.CoachReport(request.generation, full, full=True))
        elif isinstance(request, _SendCheck):
            report = coach.report(
                request.draft, now=now, owed_since=request.owed_since, near_duplicates=True
            )
            self.post_message(messages.SendChecked(report))
        elif isinstance(request, _Stats):
            stats = view.account_stats(coach, now, request.waiting, people=request.people)
            self.post_message(messages.StatsRead(stats, len(coach.history)))
        elif isinstance(request, _Add):
            self._learn(coach, [request.tweet])
        elif isinstance(request, _CatchUp):
            latest = coach.history.latest(until=datetime.max.replace(tzinfo=now.tzinfo))
            since = None if latest is None else latest.created_at - CATCH_UP_MARGIN
            if self._account is not None:
                self._learn(coach, self._account.store.stream("own", since=since))

    def _learn(self, coach: Coach, tweets: list[Tweet]) -> None:
        """Add the tweets the coach does not know yet (by id: a post this app made comes
        back in the next sync)."""
        for tweet in tweets:
            if tweet.id not in self._known:
                self._known.add(tweet.id)
                coach.add_to_history(tweet)

    # -- showing what it says ------------------------------------------------------------------

    @on(messages.CoachReport)
    def _reported(self, message: messages.CoachReport) -> None:
        if message.generation != self.generation:
            return  # stale: the text changed since
        if message.full:
            self.report = message.report
            self.report_shown_at = time.perf_counter()
        self._show(message.report, pending=not message.full)

    def _show(self, report: Report | None, *, pending: bool = False) -> None:
        """The pending mark is a "…" at the end of the gauge, not a line among the findings:
        a line that comes and goes with every key would re-lay-out the whole screen."""
        if not self._built:
            return
        empty = report is None or not report.text.strip()
        score = None if empty or report is None else report.score
        self.query_one(ScoreGauge).show_score(score, pending=pending and score is not None)
        self.query_one(FindingsView).show(report)

    @on(messages.StatsRead)
    def _stats(self, message: messages.StatsRead) -> None:
        self.history_size = message.history_size
        self._stats_shown = message.stats
        if self._built:  # else build shows them
            self.query_one("#account-strip", Static).update(stats_content(message.stats))
