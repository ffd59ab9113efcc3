"""Listening in the app on a real account: the X backend against the fake X API on
127.0.0.1. No likes offered, the budget stopping listening and the pane saying so, a search
added in the app with its estimate from X, and a reply X would refuse never sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_x_api import FakeX, World, make_world
from textual.widgets import Input, OptionList, Static
from ui_helpers import RecordingApp, settle
from x_helpers import Clock  # the clock fixture is conftest's

from tuicoach.backends.registry import Request, load
from tuicoach.backends.x.config import XSection
from tuicoach.backends.x.credentials import ENV_VARS
from tuicoach.domain.listen import ListenSettings, SavedSearch
from tuicoach.store.listen import ListenStore
from tuicoach.ui.launch import backend_connect
from tuicoach.ui.screens import SearchEditorScreen

WIDE = (160, 45)
SHOP = SavedSearch("shop", ("acme bakery",))


@pytest.fixture
def world(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with FakeX(clock=clock.epoch) as fake:
        world = make_world(fake)
        fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
        for name, value in zip(ENV_VARS, world.secrets, strict=True):
            monkeypatch.setenv(name, value)
        yield world


def make_app(world: World, data: Path, clock: Clock) -> RecordingApp:
    x = XSection(api_base=world.fake.url, timeout=0.5, retries=1)
    request = Request(data_dir=data, clock=clock, sections={"x": x})
    connect = backend_connect(load("x"), request)
    assert connect is not None
    return RecordingApp(connect=connect, clock=clock, theme="espresso", sync=False)


def say(world: World, n: int) -> None:
    for i in range(n):
        world.fake.add_tweet(world.strangers[i % 2], f"acme bakery sold out of rye again {i}")


async def test_on_x_l_is_not_offered_and_says_why(
    world: World, tmp_path: Path, clock: Clock
) -> None:
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "like" not in actions
        await pilot.press("2", "l")
        await settle(pilot)
        assert "X does not let tuicoach like or unlike tweets" in app.notices[-1]
        assert world.fake.requests("like") == [] and app.main.listening is not None


async def test_the_budget_stops_listening_and_the_pane_says_so(
    world: World, tmp_path: Path, clock: Clock
) -> None:
    say(world, 30)
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        backend: Any = app.account.backend
        # A page of 10 can cost $0.15: a $0.20 budget allows one page today.
        backend.listen_settings = ListenSettings(daily_budget=0.20, searches=(SHOP,))
        pane = app.main.listening
        assert pane is not None
        await pilot.press("5")
        pane.refresh_listening(poll=True)
        await settle(pilot)
        assert pane.view.open_count == 10 and pane.title_text == "Listening · 10 open"
        status = str(pane.query_one("#listen-status", Static).render())
        assert "listening stopped for today" in status and "daily_budget" in status
        assert len(world.fake.requests("search_recent")) == 1
        pane.refresh_listening(poll=True)  # polled again: nothing is asked
        await settle(pilot)
        assert len(world.fake.requests("search_recent")) == 1
        assert "listening stopped for today" in str(
            pane.query_one("#listen-status", Static).render()
        )


async def test_a_search_added_in_the_app_shows_x_s_estimate_first_and_a_reply_is_never_sent(
    world: World, tmp_path: Path, clock: Clock
) -> None:
    say(world, 3)
    app = make_app(world, tmp_path, clock)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pane = app.main.listening
        assert pane is not None
        await pilot.press("5")
        await settle(pilot)
        pane.query_one("#listen-list", OptionList).focus()
        await pilot.press("a")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, SearchEditorScreen)
        editor.query_one("#search-name", Input).value = "shop"
        editor.query_one("#search-terms", Input).value = "acme bakery"
        await pilot.press("enter")
        await settle(pilot)
        words = str(editor.query_one("#search-cost", Static).render())
        assert "shop: about" in words and "the volume of a first page of results" in words
        assert ListenStore(app.account.store).search("shop") is None  # not before it is seen
        assert len(world.fake.requests("search_recent")) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert ListenStore(app.account.store).search("shop") == SHOP
        pane.refresh_listening(poll=True)
        await settle(pilot)
        assert pane.view.open_count == 3
        billed = world.fake.billed_reads("post")
        assert billed == 3  # the estimate's page was read once today; the poll's was free

        pane.query_one("#listen-list", OptionList).focus()
        assert pane.current_search() == "shop" and pane.current() is None  # its title line
        await pilot.press("j")
        item = pane.current()
        assert item is not None
        await pilot.press("r")
        await pilot.pause()
        answering = str(pane.query_one("#listen-answering", Static).render())
        assert "X will not take this reply through its API" in answering
        await pilot.press("S", "o", "r", "r", "y")
        await pilot.press("escape", "y")
        assert app.clipboard.endswith("Sorry")
        assert world.fake.requests("create_tweet") == []
