"""What the app tests share: the demo app on a fixed clock and theme, and ways to drive it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import demo_connect, fixed_clock

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def make_app(data: Path, **options: Any) -> TuicoachApp:
    """The app on the demo in ``data``, at :data:`NOW`, in the espresso theme, never syncing."""
    clock = fixed_clock(NOW)
    options.setdefault("connect", demo_connect(data, clock))
    return TuicoachApp(clock=clock, theme="espresso", sync=False, **options)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish, and the messages they posted be handled (twice: workers chain)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])
