"""What the app tests share: the demo app on a fixed clock and theme, and ways to drive it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel
from textual.pilot import Pilot

from tuicoach.backends.base import Capabilities
from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.session import Account

if TYPE_CHECKING:
    from concurrent.futures import Future

    from tuicoach.ui.view import FirstScreen

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class RecordingApp(TuicoachApp):
    """The app, keeping every notice it showed (Textual's own list of them is private)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.notices: list[str] = []
        self.notice_titles: list[str] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append(message)
        self.notice_titles.append(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def make_app(data: Path, **options: Any) -> RecordingApp:
    """The app on the demo in ``data``, at :data:`NOW`, in the espresso theme, never syncing."""
    clock = fixed_clock(NOW)
    options.setdefault("connect", demo_connect(data, clock))
    options.setdefault("theme", "espresso")
    return RecordingApp(clock=clock, sync=False, **options)


class _Capable:
    """The demo's backend, declaring other capabilities (and, optionally, refusing replies)."""

    def __init__(self, inner: Any, capabilities: Capabilities, refusal: str | None) -> None:
        self.inner, self._capabilities, self._refusal = inner, capabilities, refusal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    def reply_refusal(self, tweet: Any) -> str | None:
        return self._refusal if self._refusal is not None else self.inner.reply_refusal(tweet)


def demo_that(
    data: Path, capabilities: Capabilities, *, refusal: str | None = None
) -> Callable[[], Account]:
    """The demo at :data:`NOW` as a backend with ``capabilities`` would be: one that can
    like (the demo mirrors X, which cannot), or one that cannot search or reply anywhere."""
    demo = demo_connect(data, fixed_clock(NOW))

    def connect() -> Account:
        account = demo()
        return Account(account.store, _Capable(account.backend, capabilities, refusal))  # type: ignore[arg-type]

    return connect


#: A backend that can like (and search, and reply to anything), as the demo did before X
#: stopped likes: the app's ``l``.
LIKES = Capabilities(like=True, search=True, reply_anywhere=True)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish, and the messages they posted be handled (twice: workers chain).

    The coach's worker lives as long as the app: it is left out of the wait, and its
    answers are waited for by polling what the panes show.
    """
    for _ in range(3):
        workers = [w for w in pilot.app.workers if w.group != "coach"]
        for worker in workers:
            with contextlib.suppress(Exception):  # a failed worker is the test's to judge
                await worker.wait()
        await pilot.pause()


async def coach_caught_up(pilot: Pilot[Any], text: str | None = None, seconds: float = 10) -> None:
    """Wait until the coach pane shows the full report of ``text`` (the draft's, if None)."""
    import time

    app = pilot.app
    assert isinstance(app, TuicoachApp)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await settle(pilot)
        wanted = app.main.composer.text if text is None else text
        report = app.main.coach.report
        caught_up = not wanted.strip() or (report is not None and report.text == wanted)
        if caught_up and app.main.coach.history_size is not None:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the coach did not catch up with {text!r}")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


def fork_reader(
    connect: Callable[[], Account], clock: Callable[[], datetime]
) -> Future[FirstScreen]:
    """A reader forked from the test process, as ``tuicoach`` forks one at start. The app
    forks only while it has one thread; pytest and earlier tests leave threads of their own
    (workers finishing, servers) that take no lock the reader needs, so the check is waived
    here (tests/integration/test_reader.py proves it holds in the app)."""
    from tuicoach.ui import reader

    reading = reader.start_reader(connect, clock, may_fork=reader.fork_safe_platform)
    assert reading is not None
    return reading
