"""What the demo looks like, compared with approved SVG snapshots (pytest-textual-snapshot).

A fixed clock, a fixed theme, sync off and a steady text cursor make every run
draw the same picture. After a deliberate change of look, review the new
pictures and accept them with ``pytest tests/test_ui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.widgets.draft_area import DraftArea

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DRAFT = "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com"

SnapCompare = Callable[..., bool]


def demo_app(data: Path) -> TuicoachApp:
    clock = fixed_clock(NOW)
    return TuicoachApp(connect=demo_connect(data, clock), clock=clock, theme="espresso", sync=False)


def steps(*keys: str, text: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        pilot.app.query_one(DraftArea).cursor_blink = False
        await pilot.press(*keys)
        if text:
            await pilot.press(*[{" ": "space"}.get(c, c) for c in text])
        for _ in range(100):  # the draft is saved half a second after the last key
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if pilot.app.draft_saved:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    return run_before


def test_main_screen_wide(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(160, 45), run_before=steps())


def test_owed_filter(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(160, 45), run_before=steps("slash"))


def test_coach_with_findings(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        demo_app(tmp_path), terminal_size=(160, 45), run_before=steps("n", text=DRAFT)
    )


def test_narrow_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=steps())


def test_narrow_80x24_composing_with_the_coach(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        demo_app(tmp_path), terminal_size=(80, 24), run_before=steps("r", text="thanks, on it")
    )
