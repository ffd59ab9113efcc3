"""The Reports screen's heatmap: posts by weekday and local hour, in shade characters with
their numbers beside (issue 13: "line, bar and heatmap", "readable at 80x24")."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from screens_helpers import NOW, ScreenApp, demo
from textual.pilot import Pilot
from textual.widgets import Static

from tuicoach.domain.models import Metrics, Tweet
from tuicoach.domain.owed import OwedTracker
from tuicoach.domain.report import BusinessHours, build_report
from tuicoach.ui.reports import ReportsScreen, heat_grid, heat_text, load_reports_view

UTC_HOURS = BusinessHours(tz=UTC)


def post(tid: str, when: str, likes: int = 0) -> Tweet:
    return Tweet(
        tid, "Fresh roast", datetime.fromisoformat(when), "1", tid, metrics=Metrics(likes=likes)
    )


def test_each_cell_sits_under_its_hour_and_shades_by_count() -> None:
    posts = [post(str(i), "2026-03-02T09:10:00+00:00", likes=4) for i in range(4)]  # Mon 09h
    posts.append(post("9", "2026-03-08T20:05:00+00:00", likes=1))  # Sun 20h
    report = build_report(
        OwedTracker(account_id="1"),
        posts,
        since=datetime(2026, 3, 1, tzinfo=UTC),
        until=datetime(2026, 3, 9, tzinfo=UTC),
        now=datetime(2026, 3, 9, tzinfo=UTC),
        hours=UTC_HOURS,
    )
    lines = str(heat_grid(report)).split("\n")
    ticks = lines[1]
    rows = {line[:3]: line[4:] for line in lines[2:9]}
    assert ticks[4 + 9 : 4 + 11] == "09" and ticks[4 + 21 : 4 + 23] == "21"
    assert rows["Mon"][9] == "█" and rows["Mon"].count("·") == 23
    assert rows["Sun"][20] == "░"  # 1 of the busiest cell's 4
    assert set(rows["Wed"]) == {"·"}
    assert "█ 4 (the most)" in lines[-1]
    numbers = str(heat_text(report))
    assert "Mon 09h    4 posts" in numbers and "Sun 20h    1 post" in numbers
    assert "09h    4.0  (4 posts)" in numbers  # 16 likes over 4 posts


async def test_the_heatmap_is_on_the_screen_at_80x24(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        loader = partial(load_reports_view, store, backend, None, now=lambda: NOW, hours=UTC_HOURS)
        app = ScreenApp(lambda: ReportsScreen(loader))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen) and screen.view is not None
            grid = str(screen.query_one("#heat-plot", Static).render())
            assert grid.startswith("Posts by weekday and local hour")
            report = screen.view.report
            busiest = max(n for row in report.heatmap for n in row)
            assert busiest > 0 and f"█ {busiest} (the most)" in grid
            assert "Busiest" in str(screen.query_one("#heat-numbers", Static).render())
            # Nothing wraps or is cut at 80 columns: every line fits the grid's own width.
            width = screen.query_one("#heat-plot", Static).content_size.width
            assert 0 < max(len(line) for line in grid.split("\n")) <= width


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
