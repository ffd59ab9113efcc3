"""The app, driven with the Pilot on the demo: a fixed clock, a fixed theme, a tmp data dir.

Each test runs the real demo backend over a real SQLite file, and checks what
the user would see (pane titles, what the coach says) and what the store keeps.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import (
    LIKES,
    NOW,
    RecordingApp,
    coach_caught_up,
    demo_that,
    make_app,
    settle,
    type_text,
)

from tuicoach.backends.base import Offline, RateLimited
from tuicoach.domain.models import Finding, Report, Severity, Tweet
from tuicoach.domain.owed import MarkKind
from tuicoach.store import Store
from tuicoach.ui.keys import keys_for
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.panes.base import ACTIVE_MARK
from tuicoach.ui.panes.coach import CoachPane
from tuicoach.ui.panes.compose import ComposePane
from tuicoach.ui.session import Account
from tuicoach.ui.widgets.coach_panel import FindingsView
from tuicoach.ui.widgets.status import StatusBar
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE = (160, 45)


def mentions(app: RecordingApp) -> TweetList:
    return app.main.query_one("#mentions", TweetList)


def store(app: RecordingApp) -> Any:
    assert app.account is not None
    return app.account.store


async def test_four_panes_side_by_side_with_their_titles(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        owed = snapshot.owed_people  # people, not tweets; the probably-spam band apart
        assert 0 < owed < len(snapshot.owed)
        spam = f" · {len(snapshot.spam)} probably spam" if snapshot.spam else ""
        titles = [
            app.main.pane(name).border_title
            for name in ("timeline", "mentions", "compose", "coach")
        ]
        # The focused pane (Mentions, at the start) is marked in its title, not only in colour.
        assert titles == [
            "Timeline",
            f"{ACTIVE_MARK}Mentions · {owed} owed{spam}",
            "Compose",
            "Coach",
        ]
        regions = [
            app.main.pane(name).region for name in ("timeline", "mentions", "compose", "coach")
        ]
        assert [r.y for r in regions] == [regions[0].y] * 4  # one row
        assert all(a.right <= b.x for a, b in itertools.pairwise(regions))
        assert regions[-1].right <= 160
        assert app.main.query_one("#timeline", TweetList).rows  # the timeline is filled


async def test_the_owed_filter_lists_owed_mentions_in_priority_order(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.mentions.snapshot is not None
        everything = len(mentions(app).rows)
        await pilot.press("slash")
        owed_rows = mentions(app).rows
        snapshot = app.main.mentions.snapshot
        # The probably-spam band comes last, after everything owed.
        assert snapshot.spam
        assert [r.tweet.id for r in owed_rows] == [
            r.tweet.id for r in (*snapshot.owed, *snapshot.spam)
        ]
        assert len(owed_rows) < everything
        assert all(r.band is not None and r.why for r in owed_rows)  # each says why
        bands = [r.band for r in owed_rows]
        order = ["needs-answer", "normal", "thanks", "spam"]
        assert bands == sorted(bands, key=order.index)
        await pilot.press("slash")
        assert len(mentions(app).rows) == everything
        # What is not owed says why: the demo mutes a troll and a spammer.
        muted = store(app).muted()
        assert muted
        from_muted = [r for r in mentions(app).rows if r.tweet.author_id in muted]
        assert from_muted and all(r.band is None and r.note == "muted" for r in from_muted)


async def test_replying_to_an_owed_mention_drops_the_count(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await coach_caught_up(pilot)
        assert app.main.mentions.snapshot is not None
        before = len(app.main.mentions.snapshot.owed)
        history = app.main.coach.history_size
        assert history is not None
        await pilot.press("slash")  # owed only: the first row is the most needed
        target = mentions(app).current
        assert target is not None and target.owed
        await pilot.press("r")
        compose = app.main.query_one(ComposePane)
        assert compose.text == f"{target.handle} "  # the handle is pre-filled
        shown = str(compose.query_one("#reply-text").render())
        assert target.handle in shown
        assert target.tweet.text in shown  # the mention being answered, whole, as written
        await type_text(
            pilot, "so sorry about that, we are on it. Could you DM us your order number?"
        )
        await settle(pilot)
        await pilot.press("alt+s")
        await settle(pilot)
        if app.screen is not app.main:  # the coach had a concern: confirm it
            await pilot.click("#go")
            await settle(pilot)
        assert app.screen is app.main
        after = app.main.mentions.snapshot.owed
        assert len(after) == before - 1
        assert target.tweet.id not in {r.tweet.id for r in after}
        snapshot = app.main.mentions.snapshot
        spam = f" · {len(snapshot.spam)} probably spam" if snapshot.spam else ""
        assert (
            app.main.pane("mentions").border_title
            == f"{ACTIVE_MARK}Mentions · {snapshot.owed_people} owed{spam}"
        )
        assert app.focused is mentions(app)  # back to the list the reply came from
        await pilot.press("slash")  # every mention again: the answered one says so
        answered = next(r for r in mentions(app).rows if r.tweet.id == target.tweet.id)
        assert answered.band is None
        assert answered.note is not None and answered.note.startswith("answered in ")
        await coach_caught_up(pilot)
        assert app.main.coach.history_size == history + 1
        replies = [t for t in store(app).stream("own") if t.replied_to_id == target.tweet.id]
        assert len(replies) == 1 and replies[0].text.startswith(target.handle)
        assert compose.text == ""  # the draft is gone, sent


async def test_quitting_closes_the_store_and_leaves_a_whole_database_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.mentions.snapshot is not None
        owed = len(app.main.mentions.snapshot.owed)
        await pilot.press("q")
    database = tmp_path / "demo.sqlite3"
    assert not Path(f"{database}-wal").exists()  # folded back in on close
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(database.read_bytes())  # what a backup of the one file gets
    with Store.open(copy) as backup:
        assert len(backup.owed(now=NOW)) == owed


async def test_the_owed_list_follows_the_config_s_follower_ranking(tmp_path: Path) -> None:
    connect = demo_connect(tmp_path, fixed_clock(NOW), rank_by_followers=True)
    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.mentions.snapshot is not None
        shown = [row.tweet.id for row in app.main.mentions.snapshot.owed]
        ranked = store(app).owed(now=NOW, rank_by_followers=True)
        assert shown == [o.tweet.id for o in ranked]
        assert shown != [o.tweet.id for o in store(app).owed(now=NOW)]


async def test_mark_no_reply_with_a_reason_then_undo_persists(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.mentions.snapshot is not None
        before = len(app.main.mentions.snapshot.owed)
        await pilot.press("slash")
        target = mentions(app).current
        assert target is not None
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second reason
        await settle(pilot)
        mark = store(app).mark(target.tweet.id)
        assert mark is not None and mark.kind is MarkKind.NO_REPLY
        assert mark.reason.startswith("Answered elsewhere")
        assert len(app.main.mentions.snapshot.owed) == before - 1
        await pilot.press("u")
        await settle(pilot)
        assert store(app).mark(target.tweet.id) is None
        assert len(app.main.mentions.snapshot.owed) == before


async def test_a_typed_reason_and_a_snooze_persist(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        first = mentions(app).current
        assert first is not None
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("tab")  # from the reasons to the text box
        await type_text(pilot, "talked on the phone")
        await pilot.press("enter")
        await settle(pilot)
        assert store(app).mark(first.tweet.id).reason == "talked on the phone"

        second = mentions(app).current
        assert second is not None and second.tweet.id != first.tweet.id
        await pilot.press("z")
        await pilot.pause()
        await pilot.press("down", "enter")  # 4 hours
        await settle(pilot)
        mark = store(app).mark(second.tweet.id)
        assert mark is not None and mark.kind is MarkKind.SNOOZED
        assert mark.until == NOW + timedelta(hours=4)
        assert second.tweet.id not in {r.tweet.id for r in app.main.mentions.snapshot.owed}


async def test_the_coach_flags_ask_to_promote_as_you_type(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Please RT our sale")
        await coach_caught_up(pilot, "Please RT our sale")
        report = app.main.coach.report
        assert report is not None and report.text == "Please RT our sale"
        assert report.by_rule("ask-to-promote")
        findings = app.main.query_one(FindingsView)
        shown = "\n".join(line.plain for line in findings.lines(60))
        assert "ask-to-promote" in shown
        assert "“Please RT”" in shown  # the part of the draft it points at
        assert app.main.query_one("#length").render().plain == "18/280"  # type: ignore[union-attr]


async def test_markup_in_a_tweet_shows_as_typed(tmp_path: Path) -> None:
    connect = demo_connect(tmp_path, fixed_clock(NOW))
    account = connect()
    text = "@northbeam is [b]this[/b] a [link=https://evil.example]link[/link]? $x"
    account.store.upsert_tweets(
        [Tweet(id="999999", text=text, created_at=NOW - timedelta(seconds=30), author_id="42")],
        stream="mentions",
    )
    account.store.close()
    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        tweets = mentions(app)
        assert tweets.select_tweet("999999")
        await pilot.pause()
        shown = " ".join(tweets.render_line(y).text[2:].strip() for y in range(tweets.size.height))
        assert "is [b]this[/b] a [link=https://evil.example]link[/link]? $x" in shown


async def test_a_remapped_key_does_the_action_and_the_old_one_does_not(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"reply": "e"})
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        mentions(app).focus()
        await pilot.press("r")
        await pilot.pause()
        assert app.main.composer.reply_to is None
        await pilot.press("e")
        await pilot.pause()
        assert app.main.composer.reply_to is not None
        assert keys_for(app.keymap, "reply") == "e"


async def test_a_broken_theme_gives_one_notice_and_the_default(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "sunset.toml").write_text("name = 'sunset'\n[colors]\nprimary = 'orangey'\n")
    app = make_app(tmp_path / "data", theme="sunset", theme_dirs=[themes])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.theme == "espresso"
        notices = app.notices
        about = [m for m in notices if "sunset.toml" in m]
        assert len(about) == 1
        assert "'orangey' is not a colour" in about[0] and "espresso" in about[0]


async def test_backend_failures_show_a_word_and_a_way_out(tmp_path: Path) -> None:
    clock = fixed_clock(NOW)
    demo = demo_connect(tmp_path, clock)
    failures: list[Exception] = []

    class Failing:
        """The demo backend, with the failure a real network gives next."""

        def __init__(self, account: Account) -> None:
            self.inner = account.backend

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def sync(self) -> Any:
            raise failures.pop(0)

    def connect() -> Account:
        account = demo()
        return Account(account.store, Failing(account))  # type: ignore[arg-type]

    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        status = app.main.query_one(StatusBar)
        until = NOW + timedelta(minutes=12)
        failures.append(RateLimited("X says: too many requests.", until))
        await pilot.press("R")
        await settle(pilot)
        assert status.sync_state == f"rate limited until {until.astimezone().strftime('%H:%M')}"
        failures.append(Offline("No network."))
        await pilot.press("R")
        await settle(pilot)
        assert status.sync_state == "offline"
        notices = app.notices
        assert any("No network." in m and "Showing what is stored" in m for m in notices)
        # The rest keeps working: the lists are still there and replying still works.
        assert mentions(app).rows
        await pilot.press("r")
        assert app.main.composer.reply_to is not None


async def test_without_an_account_the_demo_is_offered(tmp_path: Path) -> None:
    app = make_app(tmp_path, connect=None, demo=demo_connect(tmp_path, fixed_clock(NOW)))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "No account is signed in" in text
        assert "tuicoach login" in text
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is app.main
        assert app.account is not None and app.account.backend.is_demo


async def test_the_thread_opens_and_replying_from_it_works(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        target = mentions(app).current
        assert target is not None
        await pilot.press("enter")
        await settle(pilot)
        thread = app.screen.query_one(TweetList)
        assert target.tweet.id in {r.tweet.id for r in thread.rows}
        assert thread.current is not None and thread.current.tweet.id == target.tweet.id
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is app.main
        assert (
            app.main.composer.reply_to is not None
            and app.main.composer.reply_to.tweet.id == target.tweet.id
        )


async def test_copy_like_and_help(tmp_path: Path) -> None:
    app = make_app(tmp_path, connect=demo_that(tmp_path, LIKES))  # a backend that can like
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        target = mentions(app).current
        assert target is not None
        await pilot.press("y")
        assert app.clipboard == target.tweet.text
        await pilot.press("Y")
        assert app.clipboard.endswith(f"/status/{target.tweet.id}")
        await pilot.press("l")
        await settle(pilot)
        assert store(app).liked(target.tweet.id)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "mark-no-reply" in shown and "alt+s ctrl+enter" in shown
        await pilot.press("escape")
        assert app.screen is app.main


async def test_the_palette_offers_app_actions_and_keeps_themes(tmp_path: Path) -> None:
    from textual.command import CommandList

    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for query, expected in (
            ("owed", "Owed replies only"),
            ("theme", "Change the current theme"),
        ):
            await pilot.press("ctrl+p")
            await type_text(pilot, query)
            await settle(pilot)
            found = app.screen.query_one(CommandList)
            prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
            assert any(expected in p for p in prompts), prompts
            await pilot.press("escape")
            await pilot.pause()


async def test_the_palette_claims_the_highlighted_mention_or_says_how_to_join_a_team(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("1")  # the Timeline is the list last used: Claim still means Mentions
        await pilot.press("ctrl+p")
        await type_text(pilot, "Claim")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "[team]" in app.notices[-1], app.notices


@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "tab"])
async def test_at_80x24_every_pane_is_reachable_and_fits(tmp_path: Path, key: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen = set()
        for _ in range(5):
            await pilot.press(key)
            await pilot.pause()
            active = app.main.active
            seen.add(active)
            pane = app.main.listening if active == "listening" else app.main.pane(active)
            assert pane is not None
            assert pane.display and pane.region.right <= 80 and pane.region.bottom <= 24
            assert app.focused is not None and pane in app.focused.ancestors_with_self
            if key != "tab":
                break
        if key == "tab":
            assert seen == {"timeline", "mentions", "compose", "coach", "listening"}
        else:
            assert active == ["timeline", "mentions", "compose", "coach", "listening"][int(key) - 1]
        if active == "compose":  # the coach stays in view while writing
            assert app.main.query_one(CoachPane).region.bottom <= 24


def _report(*findings: tuple[str, Severity]) -> Report:
    return Report(
        text="draft",
        score=40,
        weighted_length=5,
        valid=True,
        promotional=False,
        findings=tuple(
            Finding(rule, sev, f"{rule} seen", "try another way") for rule, sev in findings
        ),
    )


@pytest.mark.parametrize(
    ("findings", "clicks_to_send"),
    [
        ((("ask-to-promote", Severity.WARNING),), 1),  # one confirmation
        ((("near-duplicate", Severity.ERROR), ("burst", Severity.WARNING)), 2),  # two steps
        ((("too-long", Severity.ERROR),), None),  # X would refuse it: no way through
    ],
)
async def test_sending_asks_once_for_warnings_twice_for_errors(
    findings: tuple[tuple[str, Severity], ...], clicks_to_send: int | None
) -> None:
    from textual.app import App
    from textual.widgets import Button

    from tuicoach.ui.screens import ConfirmSendScreen

    answers: list[bool | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ConfirmSendScreen(_report(*findings), reply=True), answers.append)

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        if clicks_to_send is None:
            assert not app.screen.query("#go")
            await pilot.press("escape")
            assert answers == [False]
            return
        go = app.screen.query_one("#go", Button)
        for _ in range(clicks_to_send):
            assert answers == []
            assert app.screen.focused is app.screen.query_one("#keep", Button)  # safe default
            while go.has_class("-active"):  # a button ignores a second click within 0.2 s
                await pilot.pause(0.05)
            await pilot.click("#go")
            await pilot.pause()
        assert answers == [True]


def test_the_account_strip_flags_by_the_coach_s_own_thresholds() -> None:
    from tuicoach.coach import Coach, CoachSettings
    from tuicoach.ui.session import account_stats

    history = [
        Tweet(str(i), text, NOW - timedelta(minutes=10 * i), "me")
        for i, text in enumerate(
            ["Fresh loaves at 8", "20% off all beans today, shop now", "Good morning!"], start=1
        )
    ]
    plain = account_stats(Coach(history=history), NOW, [])
    assert (plain.promotional_recent, plain.recent, plain.posts_last_hour) == (1, 3, 3)
    assert plain.promo_heavy and not plain.busy  # 1 in 3 is over 1 in 4; 3 posts, not 4
    settings = CoachSettings().with_thresholds(promo_share=0.5, burst_count=3)
    tuned = account_stats(Coach(settings, history=history), NOW, [])
    assert not tuned.promo_heavy and tuned.busy
