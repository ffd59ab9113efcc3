"""Compose's queue key (alt+q) on the demo: the draft goes to the queue, at a slot in the
posting hours, the notice names the slot and what the coach says there, and the draft
leaves Compose and Drafts (it lives in the queue now)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import NOW, coach_caught_up, make_app, settle, type_text

from tuicoach.coach.settings import CoachSettings
from tuicoach.domain.slots import PostingHours
from tuicoach.store import queue as q
from tuicoach.ui import view

TEXT = "Fresh rye loaves at 8 tomorrow morning"


async def until(pilot: Pilot[None], check: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        await pilot.pause(0.05)
    return False


async def test_the_queue_key_queues_the_draft_at_a_slot_in_posting_hours(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        await pilot.press("n")
        await type_text(pilot, TEXT)
        await coach_caught_up(pilot)
        await pilot.press("alt+q")
        await settle(pilot)
        assert await until(pilot, lambda: bool(q.items(store))), app.main.composer._state

        (item,) = q.items(store)
        assert item.text == TEXT and item.reply_to_id is None
        assert item.slot_at > NOW
        window = PostingHours().window(item.slot_at)
        assert window is not None and window[0] <= item.slot_at <= window[1]
        assert item.slot_at.minute != 0  # a varied minute, not on the hour

        when = view.slot_text(item.slot_at)
        assert await until(pilot, lambda: any(f"Queued for {when}" in n for n in app.notices))
        (notice,) = [n for n in app.notices if "Queued for" in n]
        assert "The coach at that slot" in notice
        assert app.main.composer.text == ""
        assert app.main.composer._state == f"queued for {when}"
        assert store.drafts() == []  # it lives in the queue, not in Drafts

        # A second one takes another slot, never within the burst window of the first.
        await type_text(pilot, "Seeded rye too")
        await coach_caught_up(pilot)
        await pilot.press("alt+q")
        await settle(pilot)
        assert await until(pilot, lambda: len(q.items(store)) == 2)
        first, second = sorted(q.items(store), key=lambda i: i.id)
        assert second.text == "Seeded rye too"
        gap = timedelta(minutes=CoachSettings().thresholds.burst_minutes)
        assert abs(second.slot_at - first.slot_at) >= gap
        own = store.stream("own", since=NOW - timedelta(days=2))
        posts = [t.created_at for t in own if t.replied_to_id is None and t.retweeted_id is None]
        assert all(abs(slot - p) >= gap for slot in (first.slot_at, second.slot_at) for p in posts)


async def test_an_empty_draft_is_not_queued(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        await pilot.press("n")
        await pilot.press("alt+q")
        await settle(pilot)
        assert q.items(app.account.store) == []
        assert app.main.composer._state.startswith("nothing to queue")


async def test_alt_t_queues_at_the_time_the_user_picks_and_a_bad_time_keeps_the_draft(
    tmp_path: Path,
) -> None:
    from tuicoach.ui.queue import parse_when

    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        await pilot.press("n")
        await type_text(pilot, TEXT)
        await pilot.press("alt+t")
        await settle(pilot)
        await type_text(pilot, "half past four")  # not a time: said, nothing queued
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a time" in app.notices[-1] and "the draft is kept" in app.notices[-1]
        assert q.items(store) == [] and app.main.composer.text == TEXT

        await pilot.press("alt+t")
        await settle(pilot)
        await type_text(pilot, "16:40")
        await pilot.press("enter")
        await settle(pilot)
        assert await until(pilot, lambda: bool(q.items(store)))
        (item,) = q.items(store)
        assert item.text == TEXT
        assert item.slot_at == parse_when("16:40", NOW)  # the time picked, not the next slot
        assert app.main.composer.text == ""
