"""What a new user tripped on (issue 9), each driven with the Pilot on the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from ui_helpers import (
    LIKES,
    RecordingApp,
    coach_caught_up,
    demo_that,
    make_app,
    settle,
    type_text,
)

from tuicoach.backends.base import Capabilities
from tuicoach.ui.panes.base import ACTIVE_MARK
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE = (160, 45)


def listed(app: RecordingApp, pane: str) -> TweetList:
    return app.main.query_one(f"#{pane}", TweetList)


def header(tweets: TweetList, index: int) -> str:
    """The header line of row ``index``, as drawn (the list scrolled to it)."""
    tweets.cursor = index
    top = tweets.top_of(index) - round(tweets.scroll_offset.y)
    return tweets.render_line(top).text


async def send_and_confirm(pilot: Any) -> None:
    await coach_caught_up(pilot)
    await pilot.press("alt+s")
    await settle(pilot)
    app = pilot.app
    for _ in range(2):  # the coach may ask once (warnings) or twice (an error)
        if app.screen is app.main:
            break
        await pilot.click("#go")
        await settle(pilot)
    assert app.screen is app.main
    for _ in range(50):  # the post, then the reload of the lists
        await settle(pilot)
        if app.main.composer.text == "":
            return
        await pilot.pause(0.02)


async def test_focus_returns_to_the_list_the_reply_came_from_every_time(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        mentions = listed(app, "mentions")
        for n in range(4):  # many sends in a row, each from Mentions
            mentions.focus()
            await pilot.press("j")
            target = mentions.current
            assert target is not None
            await pilot.press("r")
            assert app.main.active == "compose"
            await type_text(pilot, f"thanks {n}")
            await send_and_confirm(pilot)
            assert app.focused is mentions, f"send {n}: the focus is on {app.focused}"
            assert app.main.active == "mentions"
            # and the cursor is still on the mention just answered, not back at the top
            assert mentions.current is not None
            assert mentions.current.tweet.id == target.tweet.id, f"send {n}"
        # And from the Timeline, back to the Timeline.
        timeline = listed(app, "timeline")
        timeline.focus()
        await pilot.press("j", "r")
        await type_text(pilot, "lovely")
        await send_and_confirm(pilot)
        assert app.focused is timeline


async def test_the_owed_filter_keeps_the_cursor_on_the_same_tweet(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        mentions = listed(app, "mentions")
        # An owed mention that is not first in the owed order.
        owed_ids = [row.tweet.id for row in snapshot.owed]
        wanted = owed_ids[2]
        assert mentions.select_tweet(wanted)
        await pilot.press("slash")
        assert mentions.current is not None and mentions.current.tweet.id == wanted
        assert mentions.cursor == 2
        await pilot.press("slash")  # all again: still the same tweet
        assert mentions.current is not None and mentions.current.tweet.id == wanted
        # A mention that is not owed is not in the owed list: then the top, the most needed.
        not_owed = next(r for r in snapshot.mentions if r.band is None)
        assert mentions.select_tweet(not_owed.tweet.id)
        await pilot.press("slash")
        assert mentions.cursor == 0 and mentions.current is not None
        assert mentions.current.tweet.id == owed_ids[0]


async def test_the_focused_pane_is_marked_in_its_title(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        names = ("timeline", "mentions", "compose", "coach")
        for key, expected in (("1", "timeline"), ("4", "coach"), ("3", "compose")):
            await pilot.press(key)
            await pilot.pause()
            marked = [
                n for n in names if str(app.main.pane(n).border_title).startswith(ACTIVE_MARK)
            ]
            assert marked == [expected]
            assert app.focused is not None and app.main.pane(expected) in app.focused.ancestors


async def test_at_120_columns_the_band_and_the_status_stay_whole(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.has_class("-medium")
        mentions = listed(app, "mentions")
        assert mentions.region.width >= 50  # one list, wide enough to read
        compose, coach = app.main.pane("compose"), app.main.pane("coach")
        assert compose.display and coach.display and compose.region.x == coach.region.x
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        whole = {"needs-answer": "needs answer", "normal": "owed", "thanks": "thanks"}
        checked = 0
        for index, row in enumerate(mentions.rows[:30]):
            await pilot.pause()
            line = header(mentions, index)
            said = whole[row.band] if row.band else row.note
            if said:
                assert f"· {said}" in line, line
                checked += 1
        assert checked >= 10
        assert any(r.note and r.note.startswith("answered in") for r in mentions.rows[:30])
        status = str(app.main.query_one("StatusBar").render())
        assert "up to date" in status and "? keys" in status
        await pilot.press("1")  # the tab bar brings the timeline in the list's place
        await pilot.pause()
        assert app.main.pane("timeline").display and not app.main.pane("mentions").display


async def test_the_mention_being_answered_is_shown_whole(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        mentions = listed(app, "mentions")
        longest = max(mentions.rows, key=lambda r: len(r.tweet.text))
        assert "\n" in longest.tweet.text or len(longest.tweet.text) > 100
        assert mentions.select_tweet(longest.tweet.id)
        mentions.focus()
        await pilot.press("r")
        await pilot.pause()
        shown = str(app.main.composer.query_one("#reply-text").render())
        assert longest.tweet.text in shown


async def test_like_shows_on_the_tweet_and_l_toggles_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, connect=demo_that(tmp_path, LIKES))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        mentions = listed(app, "mentions")
        target = mentions.current
        assert target is not None and not target.liked
        assert "♥" not in header(mentions, mentions.cursor)
        await pilot.press("l")
        await settle(pilot)
        assert store.liked(target.tweet.id)
        assert mentions.current is not None and mentions.current.liked
        assert "♥" in header(mentions, mentions.cursor)
        assert app.notices[-1].startswith("Liked ")
        await pilot.press("l")  # again: unlike
        await settle(pilot)
        assert not store.liked(target.tweet.id)
        assert mentions.current is not None and not mentions.current.liked
        assert app.notices[-1].startswith("Unliked ")

    # The state is the store's, not the screen's.
    again = make_app(tmp_path, connect=demo_that(tmp_path, LIKES))
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert store is not None
        mentions = listed(again, "mentions")
        await pilot.press("l")
        await settle(pilot)
        assert mentions.current is not None and mentions.current.liked


async def test_where_the_backend_cannot_like_l_says_why_and_does_nothing(tmp_path: Path) -> None:
    connect = demo_that(
        tmp_path,
        Capabilities(like=False),
        refusal="Only posts that mention the account can be answered here.",
    )

    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.account is not None
        target = listed(app, "mentions").current
        assert target is not None
        await pilot.press("l")
        await settle(pilot)
        assert not app.account.store.liked(target.tweet.id)
        assert "does not let tuicoach like" in app.notices[-1]
        await pilot.press("r")  # and a reply the backend refuses is not started
        await pilot.pause()
        assert app.main.composer.reply_to is None
        assert app.notices[-1] == "Only posts that mention the account can be answered here."


async def test_a_remapped_chord_is_not_typed_into_the_draft(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"send": "f5"})
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Fresh rye today")
        # What a terminal sends for alt+s: ESC s, read as the key alt+s with the text "s".
        app.post_message(events.Key("alt+s", "s"))
        await settle(pilot)
        assert app.main.composer.text == "Fresh rye today"
        assert app.screen is app.main  # nothing was sent or asked
        await pilot.press("f5")  # the new key sends
        await send_and_confirm(pilot)
        assert app.account is not None
        own = [t.text for t in app.account.store.stream("own")]
        assert own.count("Fresh rye today") == 1


async def test_the_palette_s_theme_is_remembered_across_restarts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data, data_dir=data, config_theme=None)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.theme == "espresso"
        app.theme = "oat"  # what choosing it in the palette does
        await settle(pilot)
    config_file = tmp_path / "config.toml"
    assert not config_file.exists()  # the user's config is not rewritten
    again = make_app(data, data_dir=data, config_theme=None)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.theme == "oat"
    # --theme wins for its run; a changed config theme wins over the old choice.
    given = make_app(data, data_dir=data, theme="midnight", theme_given=True)
    async with given.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert given.theme == "midnight"
    changed = make_app(data, data_dir=data, theme="midnight", config_theme="midnight")
    async with changed.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert changed.theme == "midnight"


async def test_a_theme_notice_shows_its_brackets(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "plain.toml").write_text("name = 'plain'\n")  # no [colors] table
    app = make_app(tmp_path / "data", theme="plain", theme_dirs=[themes])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        toasts = " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "needs a [colors] table" in toasts


async def test_the_drafts_list_says_when_it_is_empty(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        empty = app.screen.query_one("#drafts-empty")
        assert empty.display and "No saved drafts" in str(empty.render())
        assert not app.screen.query_one("#drafts").display
