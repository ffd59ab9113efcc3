"""The team inbox in the app: two teammates' apps (Jen, Sam) on one real PostgreSQL database.

Presence from Compose ("Jen is replying" on Sam's row, pushed by LISTEN/NOTIFY:
the slow poll is switched off here, so only the notify can bring it), claims
(``i``; the loser is told who has it), assignment (``a`` and its dialog), the
mine and unassigned filters (``f``), and a teammate's draft. The X backend runs
against the fake X API on 127.0.0.1, as in ``test_ui_store_pg``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import test_ui_x
from fake_x_api import World
from test_ui_store_pg import jen_synced_then_sam, teammate
from test_ui_x import world  # noqa: F401  (its fixture, used here too)
from textual.geometry import Region
from textual.pilot import Pilot
from ui_helpers import RecordingApp, settle, type_text
from x_helpers import Clock

from tuicoach.store import Store, presence, team
from tuicoach.ui import team as ui_team
from tuicoach.ui.team import AssignScreen
from tuicoach.ui.widgets.tweet_list import TweetList


@pytest.fixture(autouse=True)
def no_slow_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only LISTEN/NOTIFY carries a teammate's change in these tests (the poll: an hour)."""
    monkeypatch.setattr(ui_team, "TEAM_POLL", 3600.0)


def shown(app: RecordingApp, list_id: str = "#mentions") -> str:
    """The list's lines as drawn on the screen now."""
    tweets = app.main.query_one(list_id, TweetList)
    lines = tweets.render_lines(Region(0, 0, tweets.size.width, tweets.size.height))
    return "\n".join(strip.text for strip in lines)


async def until(pilot: Pilot[None], seen: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until ``seen()`` (a teammate's change travels through the database)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if seen():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not seen in time: {shown(pilot.app)}")  # type: ignore[arg-type]


def row_words(app: RecordingApp, text: str) -> str | None:
    snapshot = app.main.mentions.snapshot
    assert snapshot is not None
    return next(row.team for row in snapshot.mentions if text in row.tweet.text)


def tweet_id(app: RecordingApp, text: str) -> str:
    snapshot = app.main.mentions.snapshot
    assert snapshot is not None
    return next(row.tweet.id for row in snapshot.mentions if text in row.tweet.text)


async def highlight(pilot: Pilot[None], text: str) -> None:
    """Go to Mentions and move the cursor onto the mention saying ``text``."""
    app = pilot.app
    assert isinstance(app, RecordingApp)
    if app.main.active == "compose":
        await pilot.press("escape")  # out of the draft, or "2" would be typed in it
    await pilot.press("2", "home")
    tweets = app.main.mentions.tweets
    for _ in range(len(tweets.rows)):
        if tweets.current is not None and text in tweets.current.tweet.text:
            return
        await pilot.press("j")
    raise AssertionError(f"no mention says {text!r}")


RYE, VEGAN = "do you have rye today?", "is it vegan?"


async def test_sam_sees_jen_open_and_reply_to_a_mention_and_leave_it(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    async with jen_synced_then_sam(world, tmp_path, clock, pg_url) as (jen, jp, sam, sp):
        assert sam.main.team is not None
        await until(sp, lambda: sam.main.team is not None and sam.main.team.listening)
        assert "Jen" not in shown(sam)
        await highlight(jp, RYE)
        await jp.press("r")  # Jen opens it in Compose: only "@handle " so far
        await settle(jp)
        await until(sp, lambda: row_words(sam, RYE) == "Jen has it open")
        await type_text(jp, "Yes, from 8")
        await until(sp, lambda: "Jen is replying" in shown(sam))
        assert row_words(sam, RYE) == "Jen is replying"
        assert row_words(sam, VEGAN) is None
        assert "Jen" not in (row_words(jen, RYE) or "")  # her own presence is not news
        # She sets it aside for a new tweet: the reply is a draft of hers now.
        await jp.press("alt+n")
        await settle(jp)
        await until(sp, lambda: row_words(sam, RYE) == "Jen has a draft")
        assert "Jen has a draft" in shown(sam)
        # Back to it, then quitting: her presence goes with her app.
        await highlight(jp, RYE)
        await jp.press("r")
        await settle(jp)
        await until(sp, lambda: "Jen has it open" in (row_words(sam, RYE) or ""))
        with Store.connect(pg_url) as shared:
            assert [p.who for p in presence.present(shared, now=clock.now)] == ["Jen"]
    with Store.connect(pg_url) as shared:
        assert presence.present(shared, now=clock.now) == []  # Jen's app left on quit


async def test_jen_claims_sam_is_told_she_has_it_and_the_filters_follow(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    async with jen_synced_then_sam(world, tmp_path, clock, pg_url) as (jen, jp, sam, sp):
        await until(sp, lambda: sam.main.team is not None and sam.main.team.listening)
        rye = tweet_id(jen, RYE)
        await highlight(jp, RYE)
        await jp.press("i")
        await settle(jp)
        assert any("is yours" in notice for notice in jen.notices)
        assert row_words(jen, RYE) == "you have it"
        await until(sp, lambda: "Jen has it" in shown(sam))
        # Sam claims it too: he loses, and is told who has it.
        await highlight(sp, RYE)
        await sp.press("i")
        await settle(sp)
        assert any(notice.startswith("Jen has it") for notice in sam.notices)
        with Store.connect(pg_url) as shared:
            held = team.holder(shared, rye)
            assert held is not None and held.by == "Jen"

        # Sam's filters: mine holds nothing of his; unassigned is the vegan one.
        await sp.press("f", "f")  # all -> owed -> mine
        assert sam.main.mentions.filter == "mine"
        assert sam.main.mentions.tweets.rows == []
        assert "mine" in str(sam.main.mentions.border_subtitle)
        await sp.press("f")
        assert sam.main.mentions.filter == "unassigned"
        assert [r.tweet.text for r in sam.main.mentions.tweets.rows] == [f"@acme_bakery {VEGAN}"]
        # Jen's mine is the rye one.
        await jp.press("f", "f")
        assert [r.tweet.text for r in jen.main.mentions.tweets.rows] == [f"@acme_bakery {RYE}"]

        # Jen assigns the vegan one to Sam, in the dialog (typing his name).
        await jp.press("f", "f")  # round to all
        assert jen.main.mentions.filter == "all"
        await highlight(jp, VEGAN)
        await jp.press("a")
        await settle(jp)
        assert isinstance(jen.screen, AssignScreen)
        assert "Sam" not in jen.screen.teammates  # he has not done anything yet
        await jp.press("tab")
        await type_text(jp, "Sam")
        await jp.press("enter")
        await settle(jp)
        assert any("Assigned" in n and "to Sam" in n for n in jen.notices)
        assert row_words(jen, VEGAN) == "assigned to Sam by Jen"
        # On Sam's screen: his unassigned list empties, his mine lists it.
        await until(sp, lambda: sam.main.mentions.tweets.rows == [])
        await sp.press("f", "f", "f")  # unassigned -> all -> owed -> mine
        assert sam.main.mentions.filter == "mine"
        assert [r.tweet.text for r in sam.main.mentions.tweets.rows] == [f"@acme_bakery {VEGAN}"]
        assert "assigned to you by Jen" in shown(sam)
        # Jen lets go of the rye one (i again): Sam sees nobody on it.
        await highlight(jp, RYE)
        await jp.press("i")
        await settle(jp)
        assert any("let go" in notice for notice in jen.notices)
        await sp.press("f")  # mine -> unassigned
        await until(
            sp,
            lambda: (
                [r.tweet.text for r in sam.main.mentions.tweets.rows] == [f"@acme_bakery {RYE}"]
            ),
        )


async def test_without_a_team_name_the_team_keys_say_how_to_set_one(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    solo = teammate(world, tmp_path / "solo", clock, pg_url)
    async with solo.run_test(size=test_ui_x.WIDE) as pilot:
        await settle(pilot)
        await test_ui_x.refresh(pilot, clock)
        await highlight(pilot, RYE)
        for key in ("i", "a", "f"):
            await pilot.press(key)
            await settle(pilot)
            assert solo.notices[-1] == ui_team.NO_NAME
        assert solo.main.mentions.filter == "all"
        assert not isinstance(solo.screen, AssignScreen)
        await pilot.press("r")
        await type_text(pilot, "Yes")
        await settle(pilot)
        with Store.connect(pg_url) as shared:
            assert team.claims(shared) == {}
            assert presence.present(shared, now=clock.now) == []  # nobody to be
