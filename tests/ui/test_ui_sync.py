"""The app's syncer (ui/sync.py) on the demo: syncs at the pace it is given, posts what the
queue has due once the app is open, and says so when a sync breaks in a way no backend
words."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from screens_helpers import demo
from textual.pilot import Pilot
from ui_helpers import NOW, RecordingApp, make_app, settle

from tuicoach.store import queue as q
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.session import Account
from tuicoach.ui.widgets.status import StatusBar
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE = (160, 45)


async def until(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await pilot.pause(0.05)
    return False


class Counting:
    """The demo backend, counting its syncs, and breaking the next one if told to."""

    def __init__(self, account: Account) -> None:
        self.inner = account.backend
        self.syncs = 0
        self.breaks: list[Exception] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def sync(self) -> Any:
        self.syncs += 1
        if self.breaks:
            raise self.breaks.pop(0)
        return self.inner.sync()


def counting_connect(data: Path) -> tuple[Callable[[], Account], list[Counting]]:
    demo_account = demo_connect(data, fixed_clock(NOW))
    made: list[Counting] = []

    def connect() -> Account:
        account = demo_account()
        made.append(Counting(account))
        return Account(account.store, made[-1])  # type: ignore[arg-type]

    return connect, made


async def test_the_app_syncs_by_itself_at_the_pace_it_is_given(tmp_path: Path) -> None:
    connect, made = counting_connect(tmp_path)
    app = RecordingApp(connect=connect, clock=fixed_clock(NOW), theme="espresso",
                       sync=True, sync_every=0.1)  # fmt: skip
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        status = app.main.query_one(StatusBar)
        assert await until(pilot, lambda: made[0].syncs >= 2), "no sync came by itself"
        assert await until(pilot, lambda: status.sync_state.startswith("synced "))
        assert status.sync_state == f"synced {NOW.astimezone():%H:%M}"


async def test_without_automatic_syncs_only_refresh_syncs(tmp_path: Path) -> None:
    connect, made = counting_connect(tmp_path)
    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        assert made[0].syncs == 0
        await pilot.press("R")
        await settle(pilot)
        assert made[0].syncs == 1


async def test_a_sync_that_breaks_unexpectedly_says_so_and_the_app_goes_on(
    tmp_path: Path,
) -> None:
    connect, made = counting_connect(tmp_path)
    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        made[0].breaks.append(RuntimeError("the fetch fell over"))
        await pilot.press("R")
        await settle(pilot)
        assert "RuntimeError: the fetch fell over" in app.notices
        assert "Something went wrong (sync)" in app.notice_titles
        await pilot.press("R")  # the next one works again
        await settle(pilot)
        assert app.main.query_one(StatusBar).sync_state.startswith("synced ")


async def test_a_queued_tweet_come_due_is_posted_once_the_app_is_open(tmp_path: Path) -> None:
    text = "Cardamom buns are out of the oven"
    with demo(tmp_path) as (store, _):
        item = q.enqueue(store, text, slot_at=NOW - timedelta(minutes=5), now=NOW - timedelta(1))
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert await until(pilot, lambda: "The queue posted 1 tweet." in app.notices)
        timeline = app.main.query_one("#timeline", TweetList)
        assert await until(pilot, lambda: text in [r.tweet.text for r in timeline.rows])
        assert app.account is not None
        posted = q.item(app.account.store, item.id)
        assert posted is not None and posted.state.value == "posted"
    assert app.notices.count("The queue posted 1 tweet.") == 1  # posted once, not per look
