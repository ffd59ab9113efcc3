"""The Reports screen's per-person table: shown where there is a team (a ``[team] name``
on the backend, or teammates' replies on record), hidden for a solo user, and readable
at 80x24 (every line of it fits, the figures are the report's)."""

from __future__ import annotations

from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any

from screens_helpers import NOW, ScreenApp, demo
from textual.pilot import Pilot
from textual.widgets import Static

from tuicoach.backends.base import set_author
from tuicoach.domain.report import BusinessHours
from tuicoach.ui.reports import ReportsScreen, load_reports_view

UTC_HOURS = BusinessHours(tz=UTC)


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def app_for(store: Any, backend: Any) -> ScreenApp:
    loader = partial(load_reports_view, store, backend, None, now=lambda: NOW, hours=UTC_HOURS)
    return ScreenApp(lambda: ReportsScreen(loader))


async def test_a_team_sees_the_per_person_table_at_80x24(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        set_author(backend, "Jen")
        app = app_for(store, backend)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen) and screen.view is not None
            report = screen.view.report
            (jen,) = report.by_person
            assert jen.name == "Jen" and jen.replies > 0
            table = screen.query_one("#people", Static)
            heading = screen.query_one("#people-heading", Static)
            assert table.display and heading.display
            lines = str(table.render()).splitlines()
            assert lines[0].split() == ["replies", "answered", "median", "first", "reply"]
            assert lines[1].split()[:3] == [
                "Jen",
                str(jen.replies),
                str(report.first_reply.answered),
            ]
            # Readable at 80x24: no line wider than the screen, none cut short.
            assert table.region.width <= 80
            assert all(len(line) <= table.content_region.width for line in lines)
            screen.query_one("#reports-scroll").scroll_to_widget(heading, animate=False, top=True)
            await pilot.pause()
            seen = app.export_screenshot()  # what the terminal shows, once scrolled to it
            assert "By&#160;person" in seen and "Jen" in seen


async def test_a_solo_user_sees_no_per_person_table(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        app = app_for(store, backend)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen) and screen.view is not None
            assert not screen.view.report.has_team
            assert not screen.query_one("#people", Static).display
            assert not screen.query_one("#people-heading", Static).display
