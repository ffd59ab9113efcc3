"""The round-2 wiring in the real app, on the demo: the probably-spam band and its keys, why
each mention is in its band, tags, the Reports/Feedback/Queue screens, Listening, and likes
where the backend cannot like."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList
from ui_helpers import LIKES, demo_that, make_app, settle

from tuicoach.backends.base import Capabilities
from tuicoach.domain.listen import State
from tuicoach.domain.owed import MarkKind
from tuicoach.store import feedback
from tuicoach.store.listen import ListenStore
from tuicoach.ui.feedback import FeedbackScreen, TagScreen
from tuicoach.ui.panes.listening import ListeningPane
from tuicoach.ui.queue import QueueScreen
from tuicoach.ui.reports import ReportsScreen
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE = (160, 45)


def mentions(app: Any) -> TweetList:
    return app.main.query_one("#mentions", TweetList)


async def _select(pilot: Any, app: Any, handle: str, band: str | None = None) -> Any:
    listed = mentions(app)
    rows = [r for r in listed.rows if r.handle == handle and (band is None or r.band == band)]
    assert listed.select_tweet(rows[0].tweet.id)
    await pilot.pause()
    return listed.current


async def test_spam_is_listed_last_not_counted_and_confirmed_with_undo(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        spam_handles = [row.handle for row in snapshot.spam]
        assert "@promo_guru_x" in spam_handles
        assert "@promo_guru_x" not in {row.handle for row in snapshot.owed}
        rows = mentions(app).rows
        assert [r.handle for r in rows[-len(snapshot.spam) :]] == spam_handles  # its own group
        title = app.main.pane("mentions").border_title
        assert f"{snapshot.owed_people} owed · {len(snapshot.spam)} probably spam" in title
        target = await _select(pilot, app, "@promo_guru_x", "spam")
        assert target.band == "spam" and target.why and "spam-wording" in target.why
        await pilot.press("s")
        await settle(pilot)
        mark = app.account.store.mark(target.tweet.id)
        assert mark is not None and mark.kind is MarkKind.NO_REPLY and mark.reason == "spam"
        snapshot = app.main.mentions.snapshot
        assert target.tweet.id not in {r.tweet.id for r in snapshot.spam}
        await pilot.press("u")  # back to probably spam
        await settle(pilot)
        assert app.account.store.mark(target.tweet.id) is None
        assert target.tweet.id in {r.tweet.id for r in app.main.mentions.snapshot.spam}


async def test_not_spam_makes_it_owed_and_undo_takes_it_back(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = app.main.mentions.snapshot.owed_people
        target = await _select(pilot, app, "@promo_guru_x", "spam")
        await pilot.press("S")
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert target.tweet.id in {r.tweet.id for r in snapshot.owed}
        assert snapshot.owed_people == before + 1
        await pilot.press("u")
        await settle(pilot)
        assert app.main.mentions.snapshot.owed_people == before
        # A mention that is not taken for spam is not touched by either key.
        owed = await _select(pilot, app, "@boise_brews")
        await pilot.press("s")
        await settle(pilot)
        assert app.account.store.mark(owed.tweet.id) is None
        assert "not in the probably-spam band" in app.notices[-1]


async def test_every_owed_mention_says_why(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert all(row.why and row.why.startswith("why: ") for row in snapshot.owed)
        boise = next(r for r in snapshot.owed if r.handle == "@boise_brews")
        assert "waiting '11 days'" in boise.why
        await _select(pilot, app, "@boise_brews")
        shown = "\n".join(
            strip.text for strip in mentions(app)._render_row(mentions(app).cursor, 70)
        )
        assert "why: waiting '11 days'" in shown  # on screen, under the text


async def test_tag_key_asks_and_stores_the_tag(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        target = await _select(pilot, app, "@boise_brews")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagScreen)
        assert app.screen.suggestions  # a complaint: the cue suggests, nothing is applied
        assert feedback.tags_of(app.account.store, target.tweet.id) == ()
        await pilot.press("b")  # bug
        await settle(pilot)
        assert app.screen is app.main
        assert feedback.tags_of(app.account.store, target.tweet.id) == ("bug",)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagScreen) and app.screen.current == {"bug"}
        await pilot.press("b")  # again: off
        await settle(pilot)
        assert feedback.tags_of(app.account.store, target.tweet.id) == ()


async def test_reports_feedback_and_queue_open_on_their_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for key, screen in (("A", ReportsScreen), ("F", FeedbackScreen), ("Q", QueueScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen), key
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.main


async def test_reports_from_the_palette(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        for char in "Reports":
            await pilot.press(char)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


async def test_listening_drafted_copied_and_handled(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pane = app.main.listening
        assert isinstance(pane, ListeningPane)
        assert not pane.display or not pane.region.width  # a tab: hidden until chosen
        await pilot.press("5")
        await settle(pilot)
        assert app.main.active == "listening" and pane.region.width > 0
        assert not app.main.mentions.region.width  # in Mentions' place
        pane.refresh_listening(poll=True)  # the app's clock is fixed: it polls only when asked
        await settle(pilot)
        assert pane.title_text.startswith("Listening · ") and pane.view.open_count > 0
        item = pane.current()
        assert item is not None
        await pilot.press("r")
        await pilot.pause()
        for char in " happy to help, our decaf is on the menu all day":
            await pilot.press("space" if char == " " else char)
        await pilot.pause()
        await pilot.press("escape")
        pane.query_one("#listen-list", OptionList).focus()
        listed = pane.current()
        assert listed is not None and listed.tweet.id == item.tweet.id
        await pilot.press("y")
        assert app.clipboard.endswith("our decaf is on the menu all day")
        assert app.clipboard.startswith(f"@{item.author.username}")
        # The link is the backend's own, and the words around it name no service.
        link = app.account.backend.tweet_link(item.tweet, item.author)
        assert app.notices[-1] == f"Reply copied. Paste it at {link}, then mark it handled (h)."
        await pilot.press("h")
        await settle(pilot)
        opportunity = ListenStore(app.account.store).opportunity(item.tweet.id)
        assert opportunity is not None and opportunity.state is State.HANDLED


async def test_where_the_backend_cannot_like_l_is_not_offered(tmp_path: Path) -> None:
    """Not on a backend that cannot like, nor in the demo, which mirrors X; on one that can."""
    bare = demo_that(tmp_path / "bare", Capabilities(like=False))
    liking = demo_that(tmp_path / "likes", LIKES)
    for connect, offered in ((bare, False), (None, False), (liking, True)):
        options = {"connect": connect} if connect else {}
        app = make_app(tmp_path / "demo", **options)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            actions = {b.binding.action for b in app.screen.active_bindings.values()}
            assert ("like" in actions) is offered
            assert (app.main.listening is None) is (connect is bare)  # no search: no Listening
            if not offered:
                await pilot.press("l")
                await settle(pilot)
                assert "does not let tuicoach like" in app.notices[-1]
                assert app.notices[-1][0].isupper()  # "The demo does not ...", a sentence


def test_why_line_names_each_cue_once_and_briefly() -> None:
    from tuicoach.domain.triage import Reason
    from tuicoach.ui.view import WHY_SHOWN, why_line

    text = "waited 11 days, is it lost?"
    reasons = (
        Reason("waiting", "11 days", 7, 14),
        Reason("waiting", "days", 10, 14),  # inside "11 days": not repeated
        Reason("question", "is it", 16, 21),
        Reason("question", "?", 26, 27),  # a bare "?" beside question words: left out
    )
    assert all(text[r.start : r.end] == r.words for r in reasons)
    assert why_line(reasons) == "why: waiting '11 days', question 'is it'"
    assert why_line((Reason("question", "?", 26, 27),)) == "why: question '?'"  # all there is
    assert why_line(()) is None
    long = why_line((Reason("spam-account", "profile: " + "x" * 80, None, None),))
    assert long is not None and long.endswith("…'") and len(long) < 70
    many = tuple(Reason("complaint", f"w{i}", i, i + 1) for i in range(WHY_SHOWN + 2))
    assert why_line(many) is not None and why_line(many).endswith("(+2)")  # type: ignore[union-attr]
