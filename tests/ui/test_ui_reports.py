"""The Reports screen on the demo, pushed on a bare app: Pilot and snapshots."""

from __future__ import annotations

from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any

from screens_helpers import NOW, ScreenApp, demo
from textual.pilot import Pilot
from textual.widgets import Static

from tuicoach.domain.report import BusinessHours
from tuicoach.ui.reports import ReportsScreen, ReportsView, load_reports_view

UTC_HOURS = BusinessHours(tz=UTC)


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_for(store: Any, backend: Any) -> ReportsScreen:
    loader = partial(load_reports_view, store, backend, None, now=lambda: NOW, hours=UTC_HOURS)
    return ReportsScreen(loader)


def text_of(screen: ReportsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_reports_load_in_a_worker_and_change_period(tmp_path: Path) -> None:
    calls: list[int] = []
    with demo(tmp_path) as (store, backend):

        def loader(days: int) -> ReportsView:
            calls.append(days)
            return load_reports_view(store, backend, None, days, now=lambda: NOW, hours=UTC_HOURS)

        app = ScreenApp(lambda: ReportsScreen(loader))
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen)
            assert screen.view is not None and screen.view.days == 30
            assert "last 30 days" in text_of(screen, "#reports-title")
            assert "Reply rate" in text_of(screen, "#replies-numbers")
            checkup = text_of(screen, "#checkup")
            assert "profile-link" in checkup and "reply-rate" in checkup
            owed_now = screen.view.report.backlog[-1][1]
            assert f"Owed now   {owed_now}" in text_of(screen, "#backlog-numbers")
            await pilot.press("7")
            await settle(pilot)
            assert screen.view.days == 7 and "last 7 days" in text_of(screen, "#reports-title")
            assert calls == [30, 7]
            await pilot.press("escape")
            assert not isinstance(app.screen, ReportsScreen)


async def test_a_failing_loader_is_shown_not_raised(tmp_path: Path) -> None:
    def loader(days: int) -> ReportsView:
        raise OSError("disk gone")

    app = ScreenApp(lambda: ReportsScreen(loader))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "could not be computed: OSError: disk gone" in text_of(app.screen, "#reports-title")  # type: ignore[arg-type]


def test_reports_snapshot_wide(snap_compare: Any, tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        app = ScreenApp(lambda: screen_for(store, backend))
        assert snap_compare(app, terminal_size=(160, 45), run_before=settle)


def test_reports_snapshot_80x24(snap_compare: Any, tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        app = ScreenApp(lambda: screen_for(store, backend))
        assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


async def test_at_80x24_the_check_up_is_reached_by_keyboard_and_mouse(tmp_path: Path) -> None:
    from textual.containers import VerticalScroll
    from textual.events import MouseScrollDown

    with demo(tmp_path) as (store, backend):
        app = ScreenApp(lambda: screen_for(store, backend))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportsScreen)
            page = screen.query_one("#reports-scroll", VerticalScroll)
            checkup = screen.query_one("#checkup", Static)

            def in_view() -> bool:
                top = checkup.region.y
                return checkup.region.height > 0 and 0 < top < 24 - 1

            assert page.max_scroll_y > 0 and not in_view()  # below the plots at first
            await pilot.press("c")
            await pilot.pause()
            assert in_view() and "reply-rate" in text_of(screen, "#checkup")
            await pilot.press("g")
            await pilot.pause()
            assert page.scroll_y == 0 and not in_view()
            await pilot.press("j")
            await pilot.pause()
            assert page.scroll_y == 1
            await pilot.press("G")
            await pilot.pause()
            assert page.scroll_y == page.max_scroll_y and in_view()
            await pilot.press("k", "g")
            await pilot.pause()
            # The wheel, over a plot, scrolls the page too.
            assert page.scroll_y == 0
            under = app.get_widget_at(10, 5)[0]
            assert under is screen.query_one("#replies-plot")
            for _ in range(20):
                await pilot._post_mouse_events([MouseScrollDown], offset=(10, 5))
            assert page.scroll_y > 1


def test_reports_snapshot_80x24_check_up(snap_compare: Any, tmp_path: Path) -> None:
    """At 80x24, c brings the check-up into view under the plots."""
    with demo(tmp_path) as (store, backend):
        app = ScreenApp(lambda: screen_for(store, backend))

        async def to_checkup(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("c")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(80, 24), run_before=to_checkup)
