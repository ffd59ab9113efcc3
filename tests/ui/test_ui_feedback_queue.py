"""The Feedback, Tag and Queue screens on the demo, pushed on a bare app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from screens_helpers import NOW, ScreenApp, demo
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from tuicoach.domain.models import Draft
from tuicoach.domain.slots import PostingHours
from tuicoach.store import feedback
from tuicoach.store import queue as q
from tuicoach.ui.feedback import FeedbackScreen, TagScreen, load_feedback_view
from tuicoach.ui.queue import QueueScreen, StoreQueueActions, queue_draft

UTC_HOURS = PostingHours.of(timezone="UTC")


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The Queue view shows local times: make local UTC, so every machine draws the same."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_feedback_shows_tags_counts_and_recurring_words(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, _):
        owed = store.owed(now=NOW)
        decaf = [o.tweet for o in owed if "decaf" in o.tweet.text.lower()]
        for tweet in [o.tweet for o in owed[:3]] + decaf:
            feedback.add_tag(store, tweet.id, "complaint", now=NOW)
        feedback.add_tag(store, owed[5].tweet.id, "idea", now=NOW)
        loader = partial(load_feedback_view, store, now=lambda: NOW)
        app = ScreenApp(lambda: FeedbackScreen(loader))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, FeedbackScreen) and screen.view is not None
            complaints = screen.view.figures[0]
            assert complaints.tag == "complaint" and complaints.count == len(
                {t.id for t in [o.tweet for o in owed[:3]] + decaf}
            )
            tags = screen.query_one(OptionList)
            assert tags.option_count == 2
            detail = text(app, "#feedback-tweets")
            assert "Recurring:" in detail
            if len(decaf) >= 2:
                assert '"decaf" in' in detail
            await pilot.press("down")
            await settle(pilot)
            assert "idea · 1 tweets" in text(app, "#feedback-tweets")


async def test_the_tag_picker_suggests_and_waits_for_the_user(tmp_path: Path) -> None:
    chosen: list[str | None] = []

    class PickerApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(
                TagScreen("@shop the app crashes at checkout", own_tags=["decaf"]), chosen.append
            )

    app = PickerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TagScreen)
        assert screen.suggestions[0].tag == "bug"
        assert "The cues suggest bug" in str(screen.query(Static).last().render())
        options = screen.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "bug"
        assert chosen == []  # nothing applied by itself
        await pilot.press("c")
        await pilot.pause()
    assert chosen == ["complaint"]


async def test_queue_view_lists_sends_moves_and_deletes(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        first = queue_draft(store, Draft("What are you brewing today?"), now=NOW, hours=UTC_HOURS)
        second = queue_draft(
            store, Draft("Decaf is back: Colombian, sugarcane process"), now=NOW, hours=UTC_HOURS
        )
        assert abs(second.item.slot_at - first.item.slot_at).total_seconds() >= 30 * 60
        actions = StoreQueueActions(store, backend, now=lambda: NOW)
        app = ScreenApp(lambda: QueueScreen(actions, now=lambda: NOW))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            assert table.row_count == 2
            assert "2 waiting" in text(app, "#queue-title")
            await pilot.press("s")  # send the first now
            await settle(pilot)
            assert text(app, "#queue-status").startswith(
                "Posted: https://x.com/larkspurcoffee/status/"
            )
            assert table.row_count == 1
            posted = q.item(store, first.item.id)
            assert posted is not None and posted.state.value == "posted"
            assert store.tweet(posted.tweet_id or "") is not None
            await pilot.press("m")
            await pilot.pause()
            field = app.screen.query_one("Input")
            field.value = "2026-03-03 14:13"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            moved = q.item(store, second.item.id)
            assert (
                moved is not None
                and moved.slot_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-03-03 14:13"
            )
            await pilot.press("d")
            await settle(pilot)
            assert table.row_count == 0
            assert "nothing queued" in text(app, "#queue-title")


def test_a_queued_promotion_is_scored_with_the_queue_ahead(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, _):
        for n in range(5):
            queue_draft(
                store,
                Draft(f"Spring sale {n}: 20% off all beans, shop now"),
                now=NOW,
                hours=UTC_HOURS,
            )
        last = queue_draft(
            store, Draft("Spring sale: 20% off grinders, shop now"), now=NOW, hours=UTC_HOURS
        )
        assert "promo-balance" in {f.rule for f in last.report.findings}
        with_none = queue_draft(
            store, Draft("Spring sale: 20% off mugs, shop now"), now=NOW, at=NOW, hours=UTC_HOURS
        )
        # at NOW, nothing queued is ahead of it, so only the real history counts
        assert with_none.report.promotional


def test_queue_snapshot_80x24(snap_compare: Any, tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        queue_draft(store, Draft("What are you brewing today?"), now=NOW, hours=UTC_HOURS)
        queue_draft(store, Draft("Decaf is back on the shelves"), now=NOW, hours=UTC_HOURS)
        actions = StoreQueueActions(store, backend, now=lambda: NOW)
        app = ScreenApp(lambda: QueueScreen(actions, now=lambda: NOW))
        assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
