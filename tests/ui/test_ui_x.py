"""The app on a real account: the X backend, signed in from the environment, against
the fake X API on 127.0.0.1. Sync, the cost meter, a rate limit, losing the network,
and opening again with no network, from the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_x_api import FakeX, World, make_world
from textual.pilot import Pilot
from ui_helpers import RecordingApp, coach_caught_up, settle, type_text
from x_helpers import Clock  # the clock fixture is conftest's

from tuicoach.backends.registry import Request, load
from tuicoach.backends.x.config import XSection
from tuicoach.backends.x.credentials import ENV_VARS
from tuicoach.ui.launch import backend_connect
from tuicoach.ui.widgets.status import StatusBar
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE = (160, 45)


@pytest.fixture
def world(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with FakeX(clock=clock.epoch) as fake:
        world = make_world(fake)
        for i in range(6):
            fake.add_tweet(world.friends[i % len(world.friends)], f"Market stall news {i}")
        ours = fake.add_tweet(world.me, "Rye sourdough is back on Saturdays")
        fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
        fake.add_tweet(world.strangers[1], "@acme_bakery is it vegan?", reply_to=ours)
        for name, value in zip(ENV_VARS, world.secrets, strict=True):
            monkeypatch.setenv(name, value)
        yield world


def make_app(world: World, data: Path, clock: Clock) -> RecordingApp:
    x = XSection(api_base=world.fake.url, timeout=0.5, retries=1)
    request = Request(data_dir=data, clock=clock, sections={"x": x})
    connect = backend_connect(load("x"), request)
    assert connect is not None, "the environment's credentials sign an account in"
    return RecordingApp(connect=connect, clock=clock, theme="espresso", sync=False)


async def refresh(pilot: Pilot[None], clock: Clock) -> None:
    clock.now += timedelta(minutes=5)  # past the pace X's limits set
    await pilot.press("R")
    await settle(pilot)


def texts(app: RecordingApp, list_id: str) -> list[str]:
    return [row.tweet.text for row in app.main.query_one(list_id, TweetList).rows]


async def test_a_signed_in_account_syncs_meters_and_rides_out_failures(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        status = app.main.query_one(StatusBar)
        assert (status.account, status.demo) == ("@acme_bakery", False)

        await refresh(pilot, clock)
        assert status.sync_state.startswith("synced"), status.sync_state
        assert "Market stall news 5" in texts(app, "#timeline")
        assert app.main.mentions.snapshot is not None
        owed = {row.tweet.text for row in app.main.mentions.snapshot.owed}
        assert owed == {"@acme_bakery do you have rye today?", "@acme_bakery is it vegan?"}
        assert app.main.mentions.title_text == "Mentions · 2 owed"
        assert status.cost is not None and status.cost.startswith("X today $")

        until = clock.now + timedelta(minutes=20)
        world.fake.rate_limit("mentions", reset=int(until.timestamp()))
        await refresh(pilot, clock)
        assert status.sync_state == f"rate limited until {until.astimezone():%H:%M}"
        assert "Market stall news 5" in texts(app, "#timeline")  # the rest keeps working

        world.fake.stop()
        await refresh(pilot, clock)
        assert status.sync_state == "offline" and status.problem
        assert "Market stall news 5" in texts(app, "#timeline")
        assert len(app.main.mentions.snapshot.owed) == 2
        seen = app.export_screenshot() + "".join(app.notices)

    # Opening again with no network: the last data, from the store.
    again = make_app(world, tmp_path, clock)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "Market stall news 5" in texts(again, "#timeline")
        assert (
            again.main.mentions.snapshot is not None and len(again.main.mentions.snapshot.owed) == 2
        )
        await refresh(pilot, clock)
        assert again.main.query_one(StatusBar).sync_state == "offline"

    # Nothing secret on the screen, in a notice, or in any file the app wrote.
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert "rate limited" in seen and written  # the search looks at real material
    for secret in world.secrets:
        assert secret not in seen
        assert secret.encode() not in written


async def test_own_tweets_posted_elsewhere_reach_the_coach_at_the_next_sync(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    """A tweet posted from X's own app, or by a teammate's machine, is in the store after a
    sync: the coach compares drafts with it and counts it, without a restart."""
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await refresh(pilot, clock)
        known = app.main.coach.history_size
        assert known is not None
        elsewhere = "Spring sale: 20% off every loaf this weekend, order at acme.example"
        world.fake.add_tweet(world.me, elsewhere)
        clock.now += timedelta(minutes=1)
        await refresh(pilot, clock)
        for _ in range(100):  # the strip is counted again after the sync's reload
            await settle(pilot)
            if app.main.coach.history_size != known:
                break
            await pilot.pause(0.02)
        assert app.main.coach.history_size == known + 1
        await pilot.press("n")
        await type_text(pilot, elsewhere.replace("weekend", "week"))
        await coach_caught_up(pilot)
        report = app.main.coach.report
        assert report is not None
        assert report.by_rule("near-duplicate"), report.findings
