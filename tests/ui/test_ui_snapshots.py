"""What the demo looks like, compared with approved SVG snapshots (pytest-textual-snapshot).

A fixed clock, a fixed theme, sync off and a steady text cursor make every run
draw the same picture. After a deliberate change of look, review the new
pictures and accept them with ``pytest tests/test_ui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_helpers import coach_caught_up, make_app, settle, type_text

from tuicoach.ui.widgets.draft_area import DraftArea

DRAFT = "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com"

SnapCompare = Callable[..., bool]


def steps(*keys: str, text: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.query_one(DraftArea).cursor_blink = False
        await pilot.press(*keys)
        if text:
            await type_text(pilot, text)
        for _ in range(100):  # the draft is saved half a second after the last key
            await settle(pilot)
            if pilot.app.main.composer.draft_saved:
                break
            await pilot.pause(0.05)
        await coach_caught_up(pilot)
        await pilot.pause()

    return run_before


def test_main_screen_wide(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(160, 45), run_before=steps())


def test_owed_filter(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(160, 45), run_before=steps("slash"))


def test_coach_with_findings(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=(160, 45), run_before=steps("n", text=DRAFT)
    )


def test_narrow_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=steps())


def test_narrow_80x24_composing_with_the_coach(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=(80, 24), run_before=steps("r", text="thanks, on it")
    )
