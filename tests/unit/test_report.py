"""The report's figures against a small world whose answers were worked out by hand.

London business hours (9-17, Monday to Friday), across the spring-forward change
of 2026-03-29: a tweet at 08:30Z on Monday 30 March is 09:30 BST (open), one at
16:30Z is 17:30 BST (closed), while 16:30Z on Friday 27 March is 16:30 GMT (open).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuicoach.coach import Coach
from tuicoach.domain.models import Mention, Metrics, Tweet
from tuicoach.domain.owed import Mark, OwedTracker
from tuicoach.domain.report import BusinessHours, ReportError, build_report, percentile

ME = "1"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def mention(tid: str, author: str, when: str, text: str) -> Tweet:
    return Tweet(
        id=tid,
        text="@brand " + text,
        created_at=at(when),
        author_id=author,
        conversation_id=tid,
        mentions=(Mention("brand", 0, 6, ME),),
    )


def reply(tid: str, to: Tweet, when: str, text: str = "Thanks, we're on it") -> Tweet:
    return Tweet(
        id=tid,
        text=text,
        created_at=at(when),
        author_id=ME,
        conversation_id=to.conversation_id,
        in_reply_to_user_id=to.author_id,
        replied_to_id=to.id,
    )


def post(tid: str, when: str, text: str, *, likes: int, replies: int) -> Tweet:
    return Tweet(
        id=tid,
        text=text,
        created_at=at(when),
        author_id=ME,
        conversation_id=tid,
        metrics=Metrics(replies=replies, likes=likes),
    )


M1 = mention("101", "501", "2026-03-27T16:30:00", "where is my order?")
M2 = mention("102", "502", "2026-03-30T08:30:00", "love the beans")
M3 = mention("103", "503", "2026-03-30T16:30:00", "hello there")
M4 = mention("104", "504", "2026-03-28T12:00:00", "your shop is broken")
M5 = mention("105", "505", "2026-03-29T10:00:00", "buy followers cheap")
M6 = mention("106", "506", "2026-03-31T12:00:00", "any news?")
M7 = mention("107", "507", "2026-03-29T23:30:00", "thanks!")
MENTIONS = [M1, M2, M3, M4, M5, M6, M7]
REPLIES = [
    reply("201", M1, "2026-03-27T16:50:00"),
    reply("202", M2, "2026-03-30T10:30:00"),
    reply("203", M3, "2026-03-31T08:30:00"),
]
POSTS = [
    post("301", "2026-03-30T08:00:00", "20% off all beans today, shop now", likes=5, replies=1),
    post("302", "2026-03-27T08:00:00", "What are you brewing this weekend?", likes=10, replies=4),
    post("303", "2026-03-31T08:00:00", "Fresh roast on the shelves", likes=1, replies=0),
]
MARKS = {
    M5.id: Mark.no_reply("spam", at=at("2026-03-29T10:05:00")),
    M6.id: Mark.snoozed(at("2026-04-01T12:00:00"), at=at("2026-03-31T12:05:00")),
}
LONDON = BusinessHours.of(timezone="Europe/London")
SINCE, UNTIL = at("2026-03-27T00:00:00"), at("2026-04-01T00:00:00")


def world_report(**changes: object):  # type: ignore[no-untyped-def]
    tracker = OwedTracker(MENTIONS + REPLIES + POSTS, account_id=ME, account_username="brand")
    options: dict[str, object] = {
        "since": SINCE,
        "until": UNTIL,
        "now": UNTIL,
        "hours": LONDON,
        "marks": MARKS,
        "is_promotional": Coach().is_promotional,
    }
    options |= changes
    return build_report(tracker, REPLIES + POSTS, **options)  # type: ignore[arg-type]


def test_reply_rate_leaves_out_dismissed_and_keeps_snoozed() -> None:
    report = world_report()
    # M5 (no reply needed: spam) is out; M6 (snoozed) is in: 6 addressed, 3 answered.
    assert report.first_reply.addressed == 6
    assert report.first_reply.answered == 3
    assert report.reply_rate == pytest.approx(0.5)
    assert report.replied_within_hour == pytest.approx(1 / 6)  # only M1, in 20 minutes


def test_first_reply_median_and_p90() -> None:
    first = world_report().first_reply
    assert first.median_seconds == 7200  # 1200, 7200, 57600
    assert first.p90_seconds == 57600


def test_business_hours_follow_london_across_the_dst_change() -> None:
    report = world_report()
    # Open: M1 (16:30 GMT Fri), M2 (09:30 BST Mon), M6 (13:00 BST Tue).
    assert report.business_hours.addressed == 3
    assert report.business_hours.answered == 2
    assert report.business_hours.median_seconds == 4200
    assert report.business_hours.p90_seconds == 7200
    # Closed: M3 (17:30 BST), M4 (Saturday), M7 (00:30 BST Monday).
    assert report.off_hours.addressed == 3
    assert report.off_hours.answered == 1
    assert report.off_hours.median_seconds == 57600


def test_in_utc_the_same_tweets_fall_otherwise() -> None:
    report = world_report(hours=BusinessHours.of(timezone="UTC"))
    # 08:30Z Monday is closed in UTC, and 16:30Z Monday open.
    assert report.business_hours.addressed == 3  # M1, M3, M6
    assert report.business_hours.median_seconds == (1200 + 57600) / 2


def test_new_york_puts_a_utc_tuesday_on_monday_evening() -> None:
    late = mention("108", "508", "2026-03-03T02:00:00", "are you open tomorrow?")
    tracker = OwedTracker([late], account_id=ME, account_username="brand")
    report = build_report(
        tracker,
        [],
        since=at("2026-03-01T00:00:00"),
        until=at("2026-03-04T00:00:00"),
        now=at("2026-03-04T00:00:00"),
        hours=BusinessHours.of(
            start="20:00", end="23:00", days=["Mon"], timezone="America/New_York"
        ),
    )
    assert report.business_hours.addressed == 1  # 21:00 EST on Monday


def test_by_band() -> None:
    bands = world_report().by_band
    assert (bands["needs-answer"].addressed, bands["needs-answer"].answered) == (3, 1)
    assert bands["needs-answer"].median_seconds == 1200
    assert (bands["normal"].addressed, bands["normal"].answered) == (1, 1)
    assert (bands["thanks"].addressed, bands["thanks"].answered) == (2, 1)
    assert bands["thanks"].median_seconds == 7200


def test_backlog_at_the_end_of_each_london_day() -> None:
    backlog = dict(world_report().backlog)
    assert backlog == {
        date(2026, 3, 27): 0,  # M1 answered within the day
        date(2026, 3, 28): 1,  # M4
        date(2026, 3, 29): 1,  # M4; M5 dismissed; M7 came at 00:30 BST on the 30th
        date(2026, 3, 30): 3,  # M4, M3, M7
        date(2026, 3, 31): 2,  # M4, M7; M3 answered, M6 snoozed
        date(2026, 4, 1): 2,  # at now (01:00 BST): M6 still snoozed
    }


def test_backlog_counts_people_and_the_tweets_beside_them() -> None:
    """Issue 11: "N owed" counts people. M4's author writes again on the 30th: still one
    person owed (two tweets) until both are answered; answering one leaves them owed."""
    again = mention("109", M4.author_id, "2026-03-30T12:00:00", "hello?? still broken")
    answer = reply("204", M4, "2026-03-31T09:00:00")  # answers M4 only: 109 is its own thread
    tracker = OwedTracker(
        [*MENTIONS, again, *REPLIES, answer, *POSTS], account_id=ME, account_username="brand"
    )
    report = build_report(
        tracker, REPLIES + POSTS, since=SINCE, until=UNTIL, now=UNTIL, hours=LONDON, marks=MARKS
    )
    people = dict(report.backlog)
    tweets = dict(zip((d for d, _ in report.backlog), report.tweet_counts(), strict=True))
    day30, day31 = date(2026, 3, 30), date(2026, 3, 31)
    assert (people[day30], tweets[day30]) == (3, 4)  # M4 and 109 from one person; M3, M7
    # On the 31st the reply to M4 answers its author, and 109 came before it in another
    # conversation, so 109 is still owed: the person too.
    assert (people[day31], tweets[day31]) == (2, 2)  # 504 (for 109) and M7
    assert report.to_json()["backlog"][3] == {"day": "2026-03-30", "owed": 3, "tweets": 4}


def test_promo_share_per_week_uses_the_coach() -> None:
    report = world_report()
    weeks = [(w.week, w.tweets, w.promotional) for w in report.promo_weeks]
    assert weeks == [(date(2026, 3, 23), 2, 0), (date(2026, 3, 30), 4, 1)]
    assert report.promo_line == 0.25
    assert report.promo_share == pytest.approx(1 / 6)


def test_posts_by_local_hour_and_weekday() -> None:
    report = world_report()
    assert (report.by_hour[8].posts, report.by_hour[8].replies, report.by_hour[8].likes) == (
        1,
        4,
        10,
    )
    assert (report.by_hour[9].posts, report.by_hour[9].likes) == (2, 6)
    assert sum(s.posts for s in report.by_hour) == 3  # replies are not broadcasts
    assert [s.posts for s in report.by_weekday] == [1, 1, 0, 0, 1, 0, 0]
    assert report.heatmap[0][9] == 1 and report.heatmap[4][8] == 1
    assert report.best_hours() == [8, 9]


def test_json_shape() -> None:
    data = world_report().to_json()
    assert data["reply_rate"] == pytest.approx(0.5)
    assert data["first_reply"]["median_seconds"] == 7200
    assert data["first_reply"]["by_band"]["normal"]["answered"] == 1
    assert data["first_reply"]["business_hours"]["addressed"] == 3
    assert data["first_reply"]["off_hours"]["median_seconds"] == 57600
    assert data["backlog"][3] == {"day": "2026-03-30", "owed": 3, "tweets": 3}
    assert data["posts_heatmap"][0][9] == 1 and sum(map(sum, data["posts_heatmap"])) == 3


def test_a_reply_after_the_period_does_not_count() -> None:
    report = world_report(until=at("2026-03-31T00:00:00"), now=UNTIL)
    # M3's reply came at 08:30Z on the 31st, after this period ends.
    assert report.by_band["normal"].answered == 0


def test_bad_settings_say_what_to_do() -> None:
    with pytest.raises(ReportError, match="IANA"):
        BusinessHours.of(timezone="Mars/Olympus")
    with pytest.raises(ReportError, match="HH:MM"):
        BusinessHours.of(start="nine")
    with pytest.raises(ReportError, match="Mon, Tue"):
        BusinessHours.of(days=["Funday"])
    with pytest.raises(ReportError, match="before it starts"):
        world_report(since=UNTIL, until=SINCE)


def test_percentile_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([5], 0.9) == 5
    assert percentile([], 0.9) is None


BASE = at("2026-01-05T00:00:00")


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Tweet], int]:
    count = draw(st.integers(0, 25))
    tweets: list[Tweet] = []
    for i in range(count):
        minute = draw(st.integers(0, 60 * 24 * 20))
        m = mention(str(1000 + i), str(5000 + i % 4), "2026-01-05T00:00:00", "hi?")
        m = Tweet(**{**_fields(m), "created_at": BASE + timedelta(minutes=minute)})
        tweets.append(m)
        delay = draw(st.one_of(st.none(), st.integers(0, 60 * 24 * 3)))
        if delay is not None:
            r = reply(str(9000 + i), m, "2026-01-05T00:00:00")
            tweets.append(
                Tweet(**{**_fields(r), "created_at": m.created_at + timedelta(minutes=delay)})
            )
    return tweets, draw(st.integers(1, 20))


def _fields(tweet: Tweet) -> dict[str, object]:
    return {name: getattr(tweet, name) for name in Tweet.__slots__}  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None)
@given(worlds(), st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata"]))
def test_figures_stay_consistent(world: tuple[list[Tweet], int], zone: str) -> None:
    tweets, days = world
    tracker = OwedTracker(tweets, account_id=ME, account_username="brand")
    report = build_report(
        tracker,
        [t for t in tweets if t.author_id == ME],
        since=BASE,
        until=BASE + timedelta(days=days),
        now=BASE + timedelta(days=21),
        hours=BusinessHours.of(timezone=zone),
    )
    first = report.first_reply
    assert first.answered <= first.addressed
    assert first.within_hour <= first.answered
    if first.median_seconds is not None:
        assert first.p90_seconds is not None and first.median_seconds <= first.p90_seconds
    assert report.business_hours.addressed + report.off_hours.addressed == first.addressed
    assert sum(t.addressed for t in report.by_band.values()) == first.addressed
    assert sum(t.answered for t in report.by_band.values()) == first.answered
    assert all(owed >= 0 for _, owed in report.backlog)
    tweets = report.tweet_counts()
    assert len(tweets) == len(report.backlog)
    pairs = [(people, n) for (_, people), n in zip(report.backlog, tweets, strict=True)]
    assert all(0 <= people <= n and (people == 0) == (n == 0) for people, n in pairs)
    assert len(report.backlog) >= days


from hypothesis import example  # noqa: E402

from tuicoach.coach.text import DraftAnalysis, Lexicon, is_promotional  # noqa: E402

_LEXICON = Coach().lexicon
PIECES = st.sampled_from(
    ["shop now", "buy", " now", "20% off", "£5", "5€", "$5", "$AAPL", "#sale", "＃sale", "@shop",
     "＠shop", "http://x.co/buy-now", "example.com/shop-now", "x．com", "。", " ", "use code",
     "discount", "code", "Shop Now!", "’", "don't miss out", "don’t miss out", "order today", "a",
     "ten", "% off", "TEN% OFF", "buy-now", "BUY\tNOW", "sh", "op now", "¥3",
     "ſhop now", "\u212aode", "İ", "Ü", "ﬀ"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join), st.booleans())
@example("New roast! https://shop.example.com/buy-now", False)
@example("@shop now open", False)
def test_the_quick_promotional_test_is_the_coachs(text: str, reply: bool) -> None:
    assert isinstance(_LEXICON, Lexicon)
    full = DraftAnalysis(text, _LEXICON, is_reply=reply).promotional
    assert is_promotional(text, _LEXICON, is_reply=reply) == full


WORDS = st.text(alphabet=st.sampled_from("abcdefghopstuyABCDOPS'ſ\u212aİı ü%"), max_size=30)


def _needle_words(phrases: list[str]) -> list[str]:
    """The needles as :meth:`Lexicon.needles` documents them: each phrase's longest literal
    word (a number placeholder is no letter)."""
    words = []
    for phrase in phrases:
        literal = [w.replace("<n>", "") for w in phrase.replace("’", "'").split()]
        words.append(max((w for w in literal if w), key=len))
    return words


_HARD_SELL = list(Coach().settings.word_list("hard-sell"))


@settings(max_examples=400, deadline=None)
@given(WORDS | st.lists(PIECES, max_size=6).map("".join))
@example("ſale today")  # the long s folds to "s" under IGNORECASE: not ASCII, the slow path
@example("\u212aode")  # the Kelvin sign folds to "k"
@example("SHOP")
def test_cannot_match_is_no_needle_word_case_insensitively(text: str) -> None:
    words = _needle_words(_HARD_SELL)
    expected = not any(re.search(re.escape(w), text, re.IGNORECASE) for w in words)
    assert _LEXICON.cannot_match("hard-sell", text) == expected


def test_cannot_match_reads_the_lists_words() -> None:
    lexicon = Lexicon({"hard-sell": ["shop now", "<n>% off", "don't miss out", "BOGO", "offer"]})
    assert lexicon.cannot_match("hard-sell", "a plain hello")
    assert not lexicon.cannot_match("hard-sell", "Bogo Tuesday")  # case-insensitive
    assert not lexicon.cannot_match("hard-sell", "OFFERS")  # "off" or "offer": either
    assert not lexicon.cannot_match("hard-sell", "we DON'T stop")
    assert lexicon.cannot_match("hard-sell", "dont")  # the list's word has its apostrophe
    assert not lexicon.cannot_match("hard-sell", "ſhop")  # the long s is an s, as re folds it
    assert lexicon.cannot_match("hard-sell", "ſhip ü")  # not ASCII, still nothing there
    shouted = Lexicon({"hard-sell": ["İstanbul deal"]})  # a needle not ASCII: the slow path
    assert not shouted.cannot_match("hard-sell", "istanbul")
    assert not Lexicon({"hard-sell": ["ab", "<n>"]}).cannot_match("hard-sell", "x")  # no needle


def test_the_promotional_memo_follows_the_text_not_the_id() -> None:
    coach = Coach()
    plain = post("401", "2026-03-30T08:00:00", "Fresh roast on the shelves", likes=0, replies=0)
    edited = dataclasses.replace(plain, text="Fresh roast: 20% off today, shop now")
    assert not coach.is_promotional(plain)
    assert coach.is_promotional(edited)  # the same id, new words: judged afresh
    again = dataclasses.replace(plain, id="402")
    assert not coach.is_promotional(again)
    as_reply = dataclasses.replace(edited, id="403", replied_to_id="101")
    # A reply is judged as a reply (a price alone does not make it promotional; a sales
    # phrase does), whatever the same words said as a broadcast.
    assert coach.is_promotional(as_reply) == is_promotional(
        as_reply.text, coach.lexicon, is_reply=True
    )
    priced = post("404", "2026-03-30T08:00:00", "Beans are $5 a bag", likes=0, replies=0)
    assert coach.is_promotional(priced)
    assert not coach.is_promotional(dataclasses.replace(priced, id="405", replied_to_id="101"))
