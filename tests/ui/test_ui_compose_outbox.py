"""Compose on the exactly-once outbox: the app on the X backend against the fake X API.

A 201 cut short after X stored the tweet leaves the draft "unconfirmed", never "not
sent"; Send then only explains (nothing goes twice), a restart shows the same state,
and once a sync finds the tweet the draft clears. "Post as a new tweet" is the one
deliberate way to send it again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_x_api import FakeX, World, make_world
from textual.pilot import Pilot
from ui_helpers import RecordingApp, coach_caught_up, settle, type_text
from x_helpers import Clock, backend_for

from tuicoach.backends.registry import Request, load
from tuicoach.backends.x.config import XSection
from tuicoach.backends.x.credentials import ENV_VARS
from tuicoach.paths import account_db
from tuicoach.store import UNCONFIRMED, Store
from tuicoach.ui.launch import backend_connect
from tuicoach.ui.screens import ConfirmSendScreen
from tuicoach.ui.widgets.compose import PostAsNewScreen

WIDE = (160, 45)
TEXT = "Fresh rye loaves at 8 tomorrow morning"


@pytest.fixture
def world(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("TUICOACH_X_SETTLE_MARGIN", "2")  # time is the test's clock anyway
    with FakeX(clock=clock.epoch) as fake:
        world = make_world(fake)
        fake.add_tweet(world.friends[0], "Market stall news")
        for name, value in zip(ENV_VARS, world.secrets, strict=True):
            monkeypatch.setenv(name, value)
        yield world


def make_app(world: World, data: Path, clock: Clock) -> RecordingApp:
    x = XSection(api_base=world.fake.url, timeout=0.5, retries=1)
    request = Request(data_dir=data, clock=clock, sections={"x": x})
    connect = backend_connect(load("x"), request)
    assert connect is not None
    return RecordingApp(connect=connect, clock=clock, theme="espresso", sync=False)


def copies(world: World, text: str = TEXT) -> int:
    return sum(t["text"] == text for t in world.fake.tweets_by(world.me))


def creates(world: World) -> int:
    return len(world.fake.requests("create_tweet"))


def state(app: RecordingApp) -> str:
    return app.main.composer._state


async def until(pilot: Pilot[None], check: object, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        await pilot.pause(0.05)
    return False


async def send(pilot: Pilot[None]) -> None:
    """alt+s, then past the coach's question if it has one."""
    app = pilot.app
    assert isinstance(app, RecordingApp)
    await coach_caught_up(pilot)
    await pilot.press("alt+s")
    await settle(pilot)
    if isinstance(app.screen, ConfirmSendScreen):
        await pilot.click("#go")
        await settle(pilot)
        if isinstance(app.screen, ConfirmSendScreen):  # an error asks twice
            await pilot.click("#go")
    await settle(pilot)


async def write_and_send_cut_short(pilot: Pilot[None], app: RecordingApp, world: World) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, TEXT)
    world.fake.mangle("create_tweet", how="cut")  # X stores it; its 201 arrives cut short
    world.fake.own_lag = 3.0  # and the own-tweets list does not show it yet
    await send(pilot)
    assert await until(pilot, lambda: state(app) == UNCONFIRMED), state(app)


async def test_a_cut_short_201_is_unconfirmed_sent_once_and_clears_when_found(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await write_and_send_cut_short(pilot, app, world)
        assert "not sent" not in state(app)
        assert app.main.composer.text == TEXT  # the draft is kept
        assert copies(world) == 1 and creates(world) == 1
        assert app.account is not None
        (draft,) = app.account.store.drafts()
        assert draft.text == TEXT

        # Send again only explains: what was found, and a choice; keeping it sends nothing.
        await pilot.press("alt+s")
        await settle(pilot)
        assert isinstance(app.screen, PostAsNewScreen)
        assert UNCONFIRMED in app.screen.found
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PostAsNewScreen)
        assert copies(world) == 1 and creates(world) == 1
        assert app.main.composer.text == TEXT

    # A restart: the draft comes back, saying what became of it.
    again = make_app(world, tmp_path, clock)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert await until(pilot, lambda: again.main.composer.text == TEXT)
        assert await until(pilot, lambda: state(again) == UNCONFIRMED), state(again)
        await pilot.press("c")  # to the draft
        await pilot.press("alt+s")
        await settle(pilot)
        assert isinstance(again.screen, PostAsNewScreen)
        await pilot.press("escape")
        await settle(pilot)

        # Past the lag and the settle margin a sync finds the tweet: the draft is done.
        clock.now += timedelta(minutes=5)
        await pilot.press("escape")  # back to the list, where R refreshes
        assert again.main.composer.text == TEXT
        await pilot.press("R")
        await settle(pilot)
        assert await until(pilot, lambda: again.main.composer.text == ""), state(again)
        assert state(again).startswith("sent "), state(again)
        assert again.account is not None
        assert again.account.store.drafts() == []
        assert copies(world) == 1 and creates(world) == 1

    (path,) = tmp_path.rglob("*.sqlite3")
    with Store.open(path) as store:
        assert store.drafts() == []


async def test_post_as_new_sends_it_again_only_when_chosen(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await write_and_send_cut_short(pilot, app, world)
        assert copies(world) == 1
        # Edited (X refuses the very same words twice): still Send only explains first.
        await type_text(pilot, " with seeds")
        await coach_caught_up(pilot)
        await pilot.press("alt+s")
        await settle(pilot)
        assert isinstance(app.screen, PostAsNewScreen)
        assert creates(world) == 1
        await pilot.click("#post-as-new")
        await settle(pilot)
        if isinstance(app.screen, ConfirmSendScreen):  # the coach may ask too
            await pilot.click("#go")
            await settle(pilot)
        assert await until(pilot, lambda: state(app) == "posted"), state(app)
        assert app.main.composer.text == ""
        assert creates(world) == 2  # the user's choice, made once
        assert copies(world) == 1 and copies(world, TEXT + " with seeds") == 1
        assert app.account is not None
        assert app.account.store.drafts() == []


def owed(app: RecordingApp) -> int | None:
    snapshot = app.main.mentions.snapshot
    return None if snapshot is None else len(snapshot.owed)


async def test_an_unconfirmed_reply_survives_a_restart_and_clears_when_another_process_finds_it(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    question = world.fake.add_tweet(world.friends[0], "@acme_bakery is there rye tomorrow?")
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        clock.now += timedelta(minutes=5)
        await pilot.press("R")  # the first sync brings the mention
        assert await until(pilot, lambda: owed(app) == 1), owed(app)
        await pilot.press("2", "g", "r")  # Mentions, the newest, reply
        await settle(pilot)
        reply_to = app.main.composer.reply_to
        assert reply_to is not None and reply_to.tweet.id == question["id"]
        await type_text(pilot, "yes, from 8")
        world.fake.mangle("create_tweet", how="cut")  # X stores it; its 201 arrives cut short
        world.fake.own_lag = 3.0  # and the own-tweets list does not show it yet
        await send(pilot)
        assert await until(pilot, lambda: state(app) == UNCONFIRMED), state(app)
        assert owed(app) == 1  # not answered until X is known to have it
        assert copies(world, "@friend_0 yes, from 8") == 1

    # A restart: the reply comes back, unconfirmed, still answering the question.
    again = make_app(world, tmp_path, clock)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert await until(pilot, lambda: state(again) == UNCONFIRMED), state(again)
        assert again.main.composer.text == "@friend_0 yes, from 8"
        restored = again.main.composer.reply_to
        assert restored is not None and restored.tweet.id == question["id"]
        assert owed(again) == 1

        # Another process (a second backend on the same file, as `tuicoach sync` is) finds
        # the tweet once X's list shows it: this app learns it from the store alone.
        clock.now += timedelta(minutes=5)
        with Store.open(account_db(tmp_path, "acme_bakery")) as other:
            await asyncio.to_thread(backend_for(world, other, clock).sync)
        assert await until(pilot, lambda: again.main.composer.text == ""), state(again)
        assert state(again).startswith("sent "), state(again)
        assert again.account is not None and again.account.store.drafts() == []
        assert await until(pilot, lambda: owed(again) == 0), owed(again)
        assert copies(world, "@friend_0 yes, from 8") == 1 and creates(world) == 1
