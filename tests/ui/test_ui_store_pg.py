"""The app on a store in PostgreSQL: two teammates' apps (separate data folders) on one database.

The X backend against the fake X API on 127.0.0.1, both apps driven by Pilot at
once. One syncs; the other opens on the same mentions from the database without
asking X anything; a mark made on the shared store is seen on the next refresh.
"""

from __future__ import annotations

import contextlib
import getpass
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import test_ui_x
from fake_x_api import World
from test_ui_compose_outbox import send
from test_ui_x import world  # noqa: F401  (its fixture, used here too)
from textual.pilot import Pilot
from ui_helpers import RecordingApp, settle, type_text
from x_helpers import Clock

from tuicoach.backends.registry import Request, load
from tuicoach.backends.x.config import XSection
from tuicoach.config import Config
from tuicoach.store import Store
from tuicoach.ui.launch import _with_sections, backend_connect
from tuicoach.ui.widgets.compose import TeammateAnsweredScreen
from tuicoach.ui.widgets.status import StatusBar


def teammate(
    on: World, data: Path, time: Clock, url: str, *, as_name: str | None = None
) -> RecordingApp:
    x = XSection(api_base=on.fake.url, timeout=0.5, retries=1)
    request = Request(data_dir=data, clock=time, sections={"x": x}, store_url=url)
    connect = backend_connect(load("x"), request)
    assert connect is not None
    if as_name is not None:
        # as the app does with the config's [team] name
        team = Config(data / "config.toml", team_name=as_name)
        connect = _with_sections(connect, team)
        assert connect is not None
    return RecordingApp(connect=connect, clock=time, theme="espresso", sync=False)


@contextlib.asynccontextmanager
async def jen_synced_then_sam(
    on: World, data: Path, time: Clock, url: str, *, named: bool = True
) -> AsyncIterator[tuple[RecordingApp, Pilot[None], RecordingApp, Pilot[None]]]:
    """Jen's app opens and syncs (holding the lease), then Sam's opens on the same database:
    both running (Jen's pilot, then Sam's), named in ``[team]`` unless ``named`` is False."""
    jen = teammate(on, data / "jen", time, url, as_name="Jen" if named else None)
    async with jen.run_test(size=test_ui_x.WIDE) as jp:
        await settle(jp)
        await test_ui_x.refresh(jp, time)
        sam = teammate(on, data / "sam", time, url, as_name="Sam" if named else None)
        async with sam.run_test(size=test_ui_x.WIDE) as sp:
            await settle(sp)
            yield jen, jp, sam, sp


def owed_texts(app: RecordingApp) -> set[str]:
    snapshot = app.main.mentions.snapshot
    assert snapshot is not None
    return {row.tweet.text for row in snapshot.owed}


async def test_two_apps_share_one_postgresql_store(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    jen = teammate(world, tmp_path / "jen", clock, pg_url)
    both = {"@acme_bakery do you have rye today?", "@acme_bakery is it vegan?"}
    async with jen.run_test(size=test_ui_x.WIDE) as jp:
        await settle(jp)
        await test_ui_x.refresh(jp, clock)  # Jen's app syncs
        assert owed_texts(jen) == both
        fetched = len(world.fake.requests())
        # Sam starts his app now (an app opens its account as it is made, before it runs).
        sam = teammate(world, tmp_path / "sam", clock, pg_url)
        async with sam.run_test(size=test_ui_x.WIDE) as sp:
            await settle(sp)
            # Sam's app opened on what Jen's fetched, from the database: it asked X only
            # whose the credentials are (once per data folder), no tweets.
            assert owed_texts(sam) == both
            assert {s.route for s in world.fake.requests()[fetched:]} <= {"me"}
            # Jen answers one in person and marks it; Sam's next refresh shows it gone.
            vegan = next(
                r.tweet for r in jen.main.mentions.snapshot.owed if "vegan" in r.tweet.text
            )  # type: ignore[union-attr]
            with Store.connect(pg_url) as shared:
                shared.mark_no_reply(vegan.id, "answered in person", now=clock.now)
            await test_ui_x.refresh(sp, clock)
            assert owed_texts(sam) == {"@acme_bakery do you have rye today?"}
    assert not list(tmp_path.rglob("*.sqlite3"))  # neither app made a file of its own


async def reply_to_top(pilot: Pilot[None], text: str) -> None:
    await pilot.press("2", "home", "r")
    await settle(pilot)
    await type_text(pilot, text)
    await send(pilot)


async def test_the_traffic_cop_stops_a_second_answer_to_one_mention(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    async with jen_synced_then_sam(world, tmp_path, clock, pg_url) as (jen, jp, sam, sp):
        assert owed_texts(sam) == owed_texts(jen) != set()
        await reply_to_top(jp, "Yes! Rye at 8 tomorrow ^JD")
        assert len(world.fake.requests("create_tweet")) == 1
        # Sam answers the same mention a moment later: nothing goes to X; he is shown
        # Jen's reply and chooses.
        await reply_to_top(sp, "We do, from 8 ^SM")
        assert isinstance(sam.screen, TeammateAnsweredScreen)
        assert sam.screen.error.by == "Jen"
        assert "Rye at 8" in sam.screen.error.text
        assert len(world.fake.requests("create_tweet")) == 1
        await sp.click("#discard")
        await settle(sp)
        assert sam.main.composer.text == ""
        assert "Jen answered" in sam.main.composer._state
        assert len(world.fake.requests("create_tweet")) == 1


async def test_the_teammate_without_the_sync_lease_sees_what_the_other_fetched(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    async with jen_synced_then_sam(world, tmp_path, clock, pg_url, named=False) as (_, jp, sam, sp):
        world.fake.add_tweet(world.friends[0], "New oven arriving Thursday")
        await test_ui_x.refresh(jp, clock)  # Jen's machine fetches it, renewing its lease
        asked = len(world.fake.requests())
        await sp.press("R")  # at once: Sam's asks X nothing, and shows it from the store
        await settle(sp)
        assert {s.route for s in world.fake.requests()[asked:]} <= {"me"}
        assert "New oven arriving Thursday" in test_ui_x.texts(sam, "#timeline")
        status = sam.main.query_one(StatusBar)
        machine = f"{getpass.getuser()}@{socket.gethostname()}"  # Jen's, with no [team]
        assert status.sync_state.startswith(f"synced by {machine} "), status.sync_state
