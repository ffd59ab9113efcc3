"""Start-up: the first frame already holds the account's data; a slow store still opens.

The account opens in a thread started before the app (``view.start_opening``),
and the app waits for it, up to ``FIRST_DATA_WAIT``, before its first frame, so
the panes are drawn once, with the data. Past that wait, the empty panes show
first and fill in when the store has been read.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import NOW, RecordingApp, fork_reader, settle

from tuicoach.store import StoreError
from tuicoach.ui import opening as opening_module
from tuicoach.ui import reader, view
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.panes.mentions import MentionsPane
from tuicoach.ui.panes.timeline import TimelinePane
from tuicoach.ui.widgets.status import StatusBar


class FirstFrame(RecordingApp):
    """The app, noting what the panes held when the first frame was on screen."""

    at_ready: tuple[str, int, int] | None = None
    status_at_ready: str | None = None  # the status bar's sync state
    opened_at_ready: view.Account | None = None
    widgets_at_ready: dict[str, list[str]] | None = None  # each pane's children's ids

    async def on_ready(self) -> None:
        main = self.main
        self.widgets_at_ready = {
            pane: [str(child.id) for child in main.pane(pane).children]
            for pane in ("compose", "coach")
        }
        mentions, timeline = main.query_one(MentionsPane), main.query_one(TimelinePane)
        self.status_at_ready = main.query_one(StatusBar).sync_state
        self.opened_at_ready = self.account
        self.at_ready = (
            str(mentions.border_title),
            len(mentions.tweets.rows),
            len(timeline.tweets.rows),
        )
        await super().on_ready()


def assert_filled_and_open(app: FirstFrame) -> None:
    """The Mentions pane holds the owed count and rows, and the app's account is open."""
    pane = app.main.query_one(MentionsPane)
    assert " owed" in str(pane.border_title) and len(pane.tweets.rows) > 0
    assert app.account is not None


def _app(data: Path, connect: Any, **options: Any) -> FirstFrame:
    clock = fixed_clock(NOW)
    return FirstFrame(connect=connect, clock=clock, theme="espresso", sync=False, **options)


async def test_the_first_frame_has_the_data_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening_module, "FIRST_DATA_WAIT", 60.0)  # however loaded the machine
    clock = fixed_clock(NOW)
    connect = demo_connect(tmp_path, clock)
    opening = view.start_opening(connect, clock)  # as launch.build_app does, before the app
    app = _app(tmp_path, connect, opening=opening)
    async with app.run_test(size=(160, 45)):
        assert app.at_ready is not None
        title, mentions, timeline = app.at_ready
        assert " owed" in title and mentions > 0 and timeline > 0


@pytest.mark.skipif(not reader.fork_safe_platform(), reason="no fork on this platform")
async def test_the_readers_first_screen_is_in_the_first_frame_then_the_account_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``tuicoach`` starts where it can fork: a reader process reads the first screen,
    the first frame shows it (the status bar says "opening…" until the app's own account
    is open), and the panes act on that account."""
    monkeypatch.setattr(opening_module, "FIRST_DATA_WAIT", 60.0)
    clock = fixed_clock(NOW)
    connect = demo_connect(tmp_path, clock)
    reading = fork_reader(connect, clock)
    app = _app(tmp_path, connect, reading=reading)
    async with app.run_test(size=(160, 45)) as pilot:
        assert app.at_ready is not None
        title, mentions, timeline = app.at_ready
        assert " owed" in title and mentions > 0 and timeline > 0
        # The reader's own values are on screen (not a second read); the account opens
        # beside the first frame, so it may or may not be open by then.
        main = app.main
        assert main.shown_first is reading.result()
        assert app.status_at_ready == ("opening…" if app.opened_at_ready is None else "up to date")
        await settle(pilot)
        assert app.account is not None and main.query_one(StatusBar).sync_state == "up to date"
        pane = main.query_one(MentionsPane)
        assert pane.account is app.account and main.query_one(TimelinePane).account is app.account
        highlighted = pane.tweets.current
        assert highlighted is not None and pane.snapshot is not None
        assert highlighted.tweet.id in {row.tweet.id for row in pane.snapshot.owed}
        await pilot.press("m")  # no reply needed: a mark in the store, by this app's account
        await pilot.pause()
        await pilot.press("enter")  # the first reason
        await settle(pilot)
        assert highlighted.tweet.id not in {row.tweet.id for row in pane.snapshot.owed}


@pytest.mark.skipif(not reader.fork_safe_platform(), reason="no fork on this platform")
async def test_a_key_pressed_while_the_account_opens_waits_for_it(tmp_path: Path) -> None:
    """The reader's data is on screen before the app's own account is open; a key pressed
    in between is not lost: it waits, then acts on the account."""
    clock = fixed_clock(NOW)
    demo = demo_connect(tmp_path, clock)
    reading = fork_reader(demo, clock)

    def slow() -> view.Account:  # the app's own opening, slower than the first frame
        time.sleep(0.3)
        return demo()

    app = _app(tmp_path, slow, reading=reading)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.main.query_one(MentionsPane)
        highlighted = pane.tweets.current
        assert highlighted is not None and app.account is None
        await pilot.press("m")  # no reply needed: the reasons ask once the account is open
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.account is not None
        assert app.account.store.mark(highlighted.tweet.id) is not None


async def test_a_reader_that_failed_leaves_the_opening_to_the_app(tmp_path: Path) -> None:
    clock = fixed_clock(NOW)
    failed: Future[view.FirstScreen] = Future()
    failed.set_exception(reader.ReaderFailed("the reader handed over nothing"))
    app = _app(tmp_path, demo_connect(tmp_path, clock), reading=failed)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert_filled_and_open(app)


async def test_a_failed_reader_and_a_broken_store_say_the_store_could_not_open(
    tmp_path: Path,
) -> None:
    def broken() -> view.Account:
        raise StoreError("demo.sqlite3 is not a database", tmp_path / "demo.sqlite3")

    failed: Future[view.FirstScreen] = Future()
    failed.set_exception(reader.ReaderFailed("the reader handed over nothing"))
    app = _app(tmp_path, broken, reading=failed)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.main.query_one(StatusBar).sync_state == "could not open"
        assert any("not a database" in notice for notice in app.notices)


async def test_compose_and_coach_draw_one_line_first_then_their_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bars, the Send button, the gauge and the findings follow the first frame (they
    cost it a third of its widgets); then each is there, with the account's figures."""
    monkeypatch.setattr(opening_module, "FIRST_DATA_WAIT", 60.0)
    clock = fixed_clock(NOW)
    connect = demo_connect(tmp_path, clock)
    app = _app(tmp_path, connect, opening=view.start_opening(connect, clock))
    async with app.run_test(size=(160, 45)) as pilot:
        assert app.widgets_at_ready == {
            "compose": ["draft-placeholder"],
            "coach": ["coach-placeholder"],
        }
        await settle(pilot)
        main = app.main
        ids = {pane: [str(c.id) for c in main.pane(pane).children] for pane in ("compose", "coach")}
        assert ids == {
            "compose": ["reply-context", "draft", "compose-bar"],
            "coach": ["gauge", "findings-scroll", "account-strip"],
        }
        assert main.query_one("#length").render().plain == "0/280"  # type: ignore[union-attr]
        await pilot.pause(0.5)  # the coach's worker counts the account
        strip = str(main.query_one("#account-strip").render())
        assert "people waiting" in strip


async def test_a_slow_store_shows_the_panes_first_then_fills_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening_module, "FIRST_DATA_WAIT", 0.05)
    clock = fixed_clock(NOW)
    demo = demo_connect(tmp_path, clock)
    release = threading.Event()

    def slow() -> view.Account:
        assert release.wait(30), "the test never let the store open"
        return demo()

    app = _app(tmp_path, slow)
    async with app.run_test(size=(160, 45)) as pilot:
        assert app.at_ready is not None
        title, mentions, timeline = app.at_ready
        assert (title, mentions, timeline) == ("▶ Mentions", 0, 0)
        release.set()
        await settle(pilot)  # the worker that waits for the opening, and its message
        assert_filled_and_open(app)


async def test_the_collector_paused_for_start_up_runs_again_from_the_first_frame(
    tmp_path: Path,
) -> None:
    """``tuicoach`` pauses garbage collection while it starts (cli._run_app); the app turns
    it back on once its first frame is drawn, or a long session would never collect."""
    import gc

    app = _app(tmp_path, demo_connect(tmp_path, fixed_clock(NOW)))
    gc.disable()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert app.at_ready is not None
            assert gc.isenabled()
    finally:
        gc.enable()


def test_the_cli_turns_the_collector_back_on_when_the_app_cannot_start(
    tmp_path: Path,
) -> None:
    import gc

    from tuicoach import cli

    bad = tmp_path / "config.toml"
    bad.write_text("[theme]\nname = 3\n")
    assert cli.main(["--config", str(bad), "--data-dir", str(tmp_path), "--demo"]) == 2
    assert gc.isenabled()


@pytest.mark.parametrize("first", ["espresso", "textual-dark"])
async def test_the_theme_colours_the_first_frame_and_a_later_change_recolours_it(
    tmp_path: Path, first: str
) -> None:
    """The theme given at start is in the stylesheet before its first parse (the reparse
    Textual's theme watcher queues is skipped); a theme chosen later, from the palette,
    still recolours everything. ``textual-dark`` is Textual's default: no watcher runs."""
    from textual.color import Color

    clock = fixed_clock(NOW)
    app = FirstFrame(connect=demo_connect(tmp_path, clock), clock=clock, theme=first, sync=False)

    def surface() -> Color:
        return Color.parse(app.get_css_variables()["surface"])

    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.main.query_one(MentionsPane)
        assert app.theme == first
        assert pane.styles.background == surface()
        other = "textual-light" if first == "espresso" else "espresso"
        before = pane.styles.background
        app.theme = other
        await settle(pilot)
        assert pane.styles.background == surface() != before
