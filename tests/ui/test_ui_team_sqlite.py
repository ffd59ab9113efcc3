"""The team on SQLite, where nothing is pushed: the slow poll brings a teammate's change.

The demo app as Sam (``[team] name`` through launch's own wiring) on its real
SQLite file; "Jen" is a second connection to that file, writing as Jen's app
would (presence, a claim). Sam's own presence goes to the same file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import NOW, RecordingApp, make_app, settle, type_text
from x_helpers import Clock

from tuicoach.config import Config
from tuicoach.store import Store, presence, team
from tuicoach.ui import team as ui_team
from tuicoach.ui.launch import _with_sections, demo_connect, fixed_clock
from tuicoach.ui.team import AssignScreen, draft_state

WIDE = (160, 45)


def as_sam(data: Path) -> RecordingApp:
    connect = _with_sections(
        demo_connect(data, fixed_clock(NOW)), Config(data / "c.toml", team_name="Sam")
    )
    return make_app(data, connect=connect)


async def until(pilot: Pilot[None], seen: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if seen():
            return
        await pilot.pause(0.05)
    raise AssertionError("not seen in time")


def demo_file(data: Path) -> Path:
    (found,) = data.rglob("*.sqlite3")
    return found


async def test_a_teammate_on_sqlite_shows_at_the_next_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui_team, "TEAM_POLL", 0.2)
    app = as_sam(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None and len(snapshot.owed) >= 2
        first, second = snapshot.owed[0].tweet.id, snapshot.owed[1].tweet.id
        with Store.open(demo_file(tmp_path)) as jen:
            presence.heartbeat(jen, who="Jen", tweet_id=first, state="replying", now=NOW)
            team.claim(jen, second, by="Jen", now=NOW)

        def words(tweet_id: str) -> str | None:
            shown = app.main.mentions.snapshot
            assert shown is not None
            return next(r.team for r in shown.mentions if r.tweet.id == tweet_id)

        await until(pilot, lambda: words(first) == "Jen is replying")
        assert words(second) == "Jen has it"

        # Sam's own presence reaches the file too: he opens the second one and writes.
        await pilot.press("2", "home", "j", "r")
        await type_text(pilot, "On it")
        await settle(pilot)
        with Store.open(demo_file(tmp_path)) as jen:
            assert {(p.who, p.tweet_id, p.state) for p in presence.present(jen, now=NOW)} == {
                ("Jen", first, "replying"),
                ("Sam", app.main.composer.reply_to.tweet.id, "replying"),  # type: ignore[union-attr]
            }


async def test_the_heartbeat_keeps_presence_alive_and_leaving_compose_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 0.1)
    clock = Clock()
    clock.now = NOW
    connect = _with_sections(
        demo_connect(tmp_path, clock), Config(tmp_path / "c.toml", team_name="Sam")
    )
    app = RecordingApp(connect=connect, clock=clock, theme="espresso", sync=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2", "home", "r")
        await settle(pilot)

        def beat() -> datetime | None:
            with Store.open(demo_file(tmp_path)) as other:
                found = presence.present(other, now=clock.now)
            return found[0].heartbeat_at if found else None

        assert beat() == NOW
        # Past the TTL: without a heartbeat the row would be read as gone; the app sends one.
        clock.advance(presence.TTL.total_seconds() + 5)
        await until(pilot, lambda: beat() == clock.now)
        await pilot.press("alt+n")  # a new tweet: no reply target any more
        await settle(pilot)
        assert beat() is None


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("", "open"),
        ("@customer_0 ", "open"),
        ("@customer_0 @acme  ", "open"),
        ("@customer_0 sorry!", "replying"),
        ("Thanks", "replying"),
    ],
)
def test_a_draft_is_replying_once_it_says_more_than_its_handles(text: str, state: str) -> None:
    assert draft_state(text) == state


async def test_the_assign_dialog_cancels_with_escape_and_assigns_to_whom_is_picked(
    tmp_path: Path,
) -> None:
    app = as_sam(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2", "home", "a")
        await settle(pilot)
        assert isinstance(app.screen, AssignScreen)
        assert app.screen.teammates == ("Sam",)  # nobody else has done anything here yet
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AssignScreen)
        with Store.open(demo_file(tmp_path)) as other:
            assert team.claims(other) == {}  # cancelled: nothing changed
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the highlighted name: Sam, himself
        await settle(pilot)
        top = app.main.mentions.tweets.rows[0].tweet.id
        with Store.open(demo_file(tmp_path)) as other:
            held = team.holder(other, top)
        assert held is not None and (held.by, held.assigned_by) == ("Sam", "Sam")
        assert app.main.mentions.tweets.rows[0].team == "assigned to you"
        # i on one's own lets go of it.
        await pilot.press("i")
        await settle(pilot)
        assert app.main.mentions.tweets.rows[0].team is None
        assert "You let go" in app.notices[-1]


async def test_a_teammates_reply_stops_the_mention_being_owed_here_at_the_next_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jen's machine stores her reply in the shared store (as her app does when it posts):
    Sam's list drops it from the owed ones at the next poll, without waiting for a sync."""
    from datetime import timedelta

    from tuicoach.domain.models import Tweet

    monkeypatch.setattr(ui_team, "TEAM_POLL", 0.2)
    app = as_sam(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None and app.account is not None
        owed = snapshot.owed[0].tweet
        me = app.account.backend.account
        reply = Tweet(
            id="990000000000000001",
            text="Yes, from 8 ^JD",
            created_at=NOW - timedelta(minutes=1),
            author_id=me.id,
            replied_to_id=owed.id,
            conversation_id=owed.conversation_id,
        )
        with Store.open(demo_file(tmp_path)) as jen:
            jen.upsert_tweets([reply], stream="own")

        def still_owed() -> bool:
            shown = app.main.mentions.snapshot
            return shown is None or owed.id in {r.tweet.id for r in shown.owed}

        await until(pilot, lambda: not still_owed())
