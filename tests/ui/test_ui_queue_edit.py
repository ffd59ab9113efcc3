"""Issue 13's Queue view: "items can be edited" ('e'), beside moved, sent now or deleted
(those are in test_ui_feedback_queue). The new words are stored and shown, the slot and
state stay; a blank answer changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screens_helpers import NOW, ScreenApp, demo
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tuicoach.domain.models import Draft
from tuicoach.domain.slots import PostingHours
from tuicoach.store import queue as q
from tuicoach.ui.queue import QueueScreen, StoreQueueActions, queue_draft

UTC_HOURS = PostingHours.of(timezone="UTC")


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_edit_changes_the_queued_words_and_nothing_else(tmp_path: Path) -> None:
    with demo(tmp_path) as (store, backend):
        queued = queue_draft(store, Draft("Doors open at 8 tomorow"), now=NOW, hours=UTC_HOURS)
        actions = StoreQueueActions(store, backend, now=lambda: NOW)
        app = ScreenApp(lambda: QueueScreen(actions, now=lambda: NOW))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            field = app.screen.query_one(Input)
            assert field.value == "Doors open at 8 tomorow"
            field.value = "Doors open at 8 tomorrow"
            await pilot.press("enter")
            await settle(pilot)
            item = q.item(store, queued.item.id)
            assert item is not None and item.text == "Doors open at 8 tomorrow"
            assert item.slot_at == queued.item.slot_at and item.state.value == "queued"
            assert str(app.screen.query_one("#queue-status", Static).render()) == "Edited."
            table = app.screen.query_one(DataTable)
            assert "Doors open at 8 tomorrow" in str(table.get_row_at(0))
            # A blank answer keeps the words.
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one(Input).value = "   "
            await pilot.press("enter")
            await settle(pilot)
            item = q.item(store, queued.item.id)
            assert item is not None and item.text == "Doors open at 8 tomorrow"
