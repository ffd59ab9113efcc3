"""Owed replies: every clause of the rulebook's definition, the bands, the order, the stats."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tuicoach.domain.models import Mention, Metrics, Tweet
from tuicoach.domain.owed import (
    Band,
    Mark,
    OwedTracker,
    classify,
    compute_owed,
    derive_conversation_ids,
    owed_stats,
)

ME = "100"
ME_NAME = "roastery"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)


def tweet(
    tweet_id: str,
    text: str = "hello",
    *,
    author: str = "7",
    hours_ago: float = 5,
    **fields: object,
) -> Tweet:
    return Tweet(id=tweet_id, text=text, created_at=at(hours_ago), author_id=author, **fields)


def mention_me(tweet_id: str, text: str = "@roastery hello", **fields: object) -> Tweet:
    return tweet(tweet_id, text, mentions=(Mention(ME_NAME, 0, 9, ME),), **fields)


def owed_ids(tweets: list[Tweet], **options: object) -> list[str]:
    options.setdefault("account_username", ME_NAME)
    result = compute_owed(tweets, account_id=ME, now=NOW, **options)
    return [o.tweet.id for o in result]


# --- Addressed: who spoke to the user ------------------------------------------


OWN_POST = tweet("1", "Fresh beans today. What are you brewing?", author=ME, hours_ago=48)
OTHER_POST = tweet("2", "Anyone tried the new café on Elm St?", author="8", hours_ago=48)


@pytest.mark.parametrize(
    ("case", "candidate", "addressed"),
    [
        ("mention entity by id", tweet("10", "hi @x", mentions=(Mention("x", 3, 5, ME),)), True),
        (
            "mention entity by username, any case",
            tweet("10", "hi @RoAstery", mentions=(Mention("RoAstery", 3, 12),)),
            True,
        ),
        ("@name in text, no entities", tweet("10", "Hey @Roastery, open Sunday?"), True),
        ("@name at the very start", tweet("10", "@roastery open Sunday?"), True),
        ("fullwidth at sign", tweet("10", "＠roastery open Sunday?"), True),
        ("inside an email address", tweet("10", "mail orders@roastery.com"), False),
        ("a longer handle", tweet("10", "@roastery_uk open Sunday?"), False),
        ("someone else mentioned", tweet("10", "@bakery open Sunday?"), False),
        (
            "reply to own tweet, by user id",
            tweet("10", "oat milk", in_reply_to_user_id=ME, replied_to_id="999"),
            True,
        ),
        (
            "reply to own tweet, by tweet id only",
            tweet("10", "oat milk", replied_to_id=OWN_POST.id),
            True,
        ),
        ("reply to someone else", tweet("10", "yes!", replied_to_id=OTHER_POST.id), False),
        ("quote of own tweet", tweet("10", "this!", quoted_id=OWN_POST.id), True),
        ("quote of someone else", tweet("10", "this!", quoted_id=OTHER_POST.id), False),
        (
            "retweet of own tweet",
            tweet(
                "10",
                "RT @roastery: Fresh beans today.",
                retweeted_id=OWN_POST.id,
                mentions=(Mention(ME_NAME, 3, 12, ME),),
            ),
            False,
        ),
        (
            "own tweet mentioning itself",
            tweet("10", "@roastery team rocks", author=ME, mentions=(Mention(ME_NAME, 0, 9, ME),)),
            False,
        ),
        ("a tweet about nothing of ours", tweet("10", "lovely weather"), False),
    ],
)
def test_addressed(case: str, candidate: Tweet, addressed: bool) -> None:
    got = owed_ids([OWN_POST, OTHER_POST, candidate])
    assert (got == ["10"]) is addressed, case


def test_text_mention_needs_the_username() -> None:
    candidate = tweet("10", "Hey @roastery, open Sunday?")
    assert owed_ids([candidate], account_username=None) == []
    assert owed_ids([candidate], account_username="ROASTERY") == ["10"]


# --- Owed: not answered, not dismissed ----------------------------------------


def reply_from_me(tweet_id: str, to: Tweet, *, hours_ago: float, **fields: object) -> Tweet:
    return tweet(
        tweet_id,
        "@someone thanks!",
        author=ME,
        hours_ago=hours_ago,
        replied_to_id=to.id,
        in_reply_to_user_id=to.author_id,
        **fields,
    )


def test_answered_directly_is_not_owed() -> None:
    ask = mention_me("10", conversation_id="10", hours_ago=5)
    assert owed_ids([ask]) == ["10"]
    assert owed_ids([ask, reply_from_me("11", ask, hours_ago=4, conversation_id="10")]) == []


def test_a_direct_reply_counts_whatever_its_timestamp() -> None:
    ask = mention_me("10", hours_ago=5)
    early = reply_from_me("11", ask, hours_ago=6)  # clocks disagree; it still answers
    assert owed_ids([ask, early]) == []


def thread() -> tuple[Tweet, Tweet, Tweet]:
    """A customer asks, the brand answers, the customer writes twice more."""
    first = mention_me(
        "10", "@roastery is the shop open Sunday?", conversation_id="10", hours_ago=9
    )
    again = tweet(
        "12",
        "and Monday?",
        conversation_id="10",
        replied_to_id="11",
        in_reply_to_user_id=ME,
        hours_ago=7,
    )
    more = tweet(  # a reply to themselves that still names the brand, as X fills it in
        "13",
        "@roastery also, oat milk?",
        conversation_id="10",
        replied_to_id="12",
        in_reply_to_user_id="7",
        hours_ago=6,
        mentions=(Mention(ME_NAME, 0, 9, ME),),
    )
    return first, again, more


def test_a_later_reply_to_that_person_in_the_conversation_answers_them() -> None:
    first, again, more = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    assert owed_ids([first, answer, again, more]) == ["12", "13"]
    # One reply to the last tweet answers everything the person said before it.
    later = reply_from_me("14", more, hours_ago=5, conversation_id="10")
    assert owed_ids([first, answer, again, more, later]) == []


def test_answered_says_when_each_addressed_tweet_was_first_answered() -> None:
    first, again, more = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    later = reply_from_me("14", more, hours_ago=5, conversation_id="10")
    stranger = tweet("30", "nice weather", hours_ago=3)
    tracker = OwedTracker(
        [first, answer, again, more, later, stranger], account_id=ME, account_username=ME_NAME
    )
    ids = ["10", "12", "13", "30", "99"]  # 30 is not addressed, 99 is unknown
    assert tracker.answered(ids, now=NOW) == {"10": at(8), "12": at(5), "13": at(5)}
    # Before the second reply was written, only the first question was answered.
    assert tracker.answered(ids, now=at(6)) == {"10": at(8)}


@pytest.mark.parametrize(
    "speaks_to",
    [
        {"in_reply_to_user_id": "7"},
        {"mentions": (Mention("sam", 0, 4, "7"),)},
    ],
    ids=["in_reply_to_user_id", "mention entity"],
)
def test_speaking_to_the_person_later_answers_them(speaks_to: dict[str, object]) -> None:
    first, again, _ = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    fields: dict[str, object] = {"conversation_id": "10", "replied_to_id": "11"} | speaks_to
    note = tweet("20", "@sam see you then", author=ME, hours_ago=1, **fields)
    assert owed_ids([first, answer, again, note]) == []


def test_a_text_mention_answers_when_the_name_is_known() -> None:
    first, again, _ = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    note = tweet("20", "@Sam see you then", author=ME, hours_ago=1, conversation_id="10")
    tweets = [first, answer, again, note]
    assert owed_ids(tweets) == ["12"]  # who is @Sam? unknown: still owed
    assert owed_ids(tweets, usernames={"7": "sam"}) == []


def test_an_earlier_own_tweet_does_not_answer() -> None:
    first, again, _ = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    # "again" came at 7 hours ago; the brand's only words to Sam were before it.
    assert owed_ids([first, answer, again]) == ["12"]


def test_a_reply_to_that_person_in_another_conversation_does_not_count() -> None:
    first, again, _ = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    elsewhere_root = mention_me("30", "@roastery love the mugs", conversation_id="30", hours_ago=3)
    elsewhere = reply_from_me("31", elsewhere_root, hours_ago=1, conversation_id="30")
    assert owed_ids([first, answer, again, elsewhere_root, elsewhere]) == ["12"]


def test_a_later_reply_to_someone_else_in_the_conversation_does_not_count() -> None:
    first, again, _ = thread()
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    other = tweet(
        "40",
        "@roastery me too!",
        author="8",
        conversation_id="10",
        hours_ago=2,
        replied_to_id="10",
        mentions=(Mention(ME_NAME, 0, 9, ME),),
    )
    to_other = reply_from_me("41", other, hours_ago=1, conversation_id="10")
    assert owed_ids([first, answer, again, other, to_other]) == ["12"]


@pytest.mark.parametrize(
    ("mark", "owed"),
    [
        (None, True),
        (Mark.no_reply("spam", at=at(1)), False),
        (Mark.snoozed(NOW + timedelta(hours=1), at=at(1)), False),
        (Mark.snoozed(NOW - timedelta(minutes=1), at=at(2)), True),
        (Mark.snoozed(NOW, at=at(2)), True),  # "until" has come
    ],
    ids=["unmarked", "no-reply", "snoozed-future", "snoozed-past", "snoozed-until-now"],
)
def test_marks(mark: Mark | None, owed: bool) -> None:
    marks = {} if mark is None else {"10": mark}
    assert (owed_ids([mention_me("10")], marks=marks) == ["10"]) is owed


def test_muted_authors_are_owed_nothing() -> None:
    tweets = [mention_me("10", author="7"), mention_me("11", author="8")]
    assert owed_ids(tweets, muted=frozenset({"7"})) == ["11"]


def test_tweets_after_now_are_not_yet_owed() -> None:
    assert owed_ids([mention_me("10", hours_ago=-1), mention_me("11", hours_ago=1)]) == ["11"]


def test_waiting_and_conversation_are_reported() -> None:
    (item,) = compute_owed(
        [mention_me("10", hours_ago=5, conversation_id="9")], account_id=ME, now=NOW
    )
    assert item.waiting == timedelta(hours=5)
    assert item.conversation_id == "9"
    assert item.to_json() == {
        "id": "10",
        "author_id": "7",
        "text": "@roastery hello",
        "created_at": "2026-03-01T07:00:00Z",
        "waiting_seconds": 5 * 3600,
        "band": "normal",
        "conversation_id": "9",
        "reasons": [],
    }


# --- Conversations without conversation_id -------------------------------------


def test_conversation_ids_are_derived_through_reply_chains() -> None:
    ask = mention_me("10", hours_ago=9)
    answer = reply_from_me("11", ask, hours_ago=8)
    again = tweet(
        "12", "@roastery and Monday?", replied_to_id="11", in_reply_to_user_id=ME, hours_ago=7
    )
    later = tweet(
        "13",
        "@sam yes, 8 to 4",
        author=ME,
        replied_to_id="11",
        in_reply_to_user_id="7",
        hours_ago=6,
    )
    tweets = [ask, answer, again, later]
    assert derive_conversation_ids({t.id: t for t in tweets}) == dict.fromkeys(
        ["10", "11", "12", "13"], "10"
    )
    # "later" replies to the brand's own tweet, not to "again", yet answers Sam in the thread.
    assert owed_ids(tweets) == []


def test_a_named_conversation_is_inherited_down_the_chain() -> None:
    root = tweet("10", conversation_id="c-1")
    child = tweet("11", replied_to_id="10")
    grandchild = tweet("12", replied_to_id="11")
    assert derive_conversation_ids({t.id: t for t in (root, child, grandchild)}) == {
        "10": "c-1",
        "11": "c-1",
        "12": "c-1",
    }


def test_a_missing_middle_splits_the_thread() -> None:
    ask = mention_me("10", hours_ago=9)
    # "11" (the brand's first answer) was never fetched.
    again = tweet(
        "12", "@roastery and Monday?", replied_to_id="11", in_reply_to_user_id=ME, hours_ago=7
    )
    more = tweet("13", "hello?", replied_to_id="12", hours_ago=6)
    later = tweet(
        "14", "@sam yes", author=ME, replied_to_id="10", in_reply_to_user_id="7", hours_ago=5
    )
    tweets = [ask, again, more, later]
    assert derive_conversation_ids({t.id: t for t in tweets}) == {
        "10": "10",
        "12": "11",
        "13": "11",
        "14": "10",
    }
    # The reply in the known half cannot be shown to answer the other half.
    assert owed_ids(tweets) == ["12"]


def test_reply_cycles_end() -> None:
    a = tweet("5", replied_to_id="7")
    b = tweet("7", replied_to_id="6")
    c = tweet("6", replied_to_id="5")
    tail = tweet("8", replied_to_id="7")
    assert derive_conversation_ids({t.id: t for t in (a, b, c, tail)}) == dict.fromkeys(
        ["5", "6", "7", "8"], "5"
    )


def test_long_chains_need_no_recursion() -> None:
    chain = [tweet("1")] + [tweet(str(i), replied_to_id=str(i - 1)) for i in range(2, 20_000)]
    derived = derive_conversation_ids({t.id: t for t in chain})
    assert set(derived.values()) == {"1"}


# --- Bands and order ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("@roastery where is my order? It was due Tuesday", Band.NEEDS_ANSWER),
        ("@roastery where is my order", Band.NEEDS_ANSWER),  # no question mark
        ("@roastery any update on my refund", Band.NEEDS_ANSWER),
        ("@roastery thanks, but where's my order?", Band.NEEDS_ANSWER),
        ("@roastery thanks but where’s my order", Band.NEEDS_ANSWER),
        ("@roastery my grinder arrived broken", Band.NEEDS_ANSWER),
        ("@roastery still waiting on that parcel", Band.NEEDS_ANSWER),
        ("@roastery 😡😡", Band.NEEDS_ANSWER),
        ("@roastery Check https://example.com/x?y=1 out", Band.NORMAL),  # a "?" in a link
        ("@roastery Just tried the new blend with oat milk", Band.NORMAL),
        ("@roastery see you at the market on Saturday", Band.NORMAL),
        ("@roastery Thank you so much!", Band.THANKS),
        ("@roastery thx 🙏", Band.THANKS),
        ("@roastery 🙏🙏", Band.THANKS),
        ("@roastery ❤️", Band.THANKS),
        ("@roastery 🔥🔥!", Band.THANKS),  # emoji only
        ("@roastery problem solved, thanks!", Band.THANKS),
        ("@roastery Loved the new blend", Band.THANKS),
    ],
)
def test_bands(text: str, band: Band) -> None:
    assert classify(text) is band


def test_order_is_band_then_oldest_first() -> None:
    tweets = [
        mention_me("1", "@roastery thank you!", hours_ago=50),
        mention_me("2", "@roastery saw your stall today", hours_ago=3),
        mention_me("3", "@roastery where is my order?", hours_ago=2),
        mention_me("4", "@roastery my parcel is late", hours_ago=20),
        mention_me("5", "@roastery see you Saturday", hours_ago=30),
        mention_me("6", "@roastery 🙏", hours_ago=1),
    ]
    result = compute_owed(tweets, account_id=ME, now=NOW)
    assert [(o.tweet.id, o.band) for o in result] == [
        ("4", Band.NEEDS_ANSWER),
        ("3", Band.NEEDS_ANSWER),
        ("5", Band.NORMAL),
        ("2", Band.NORMAL),
        ("1", Band.THANKS),
        ("6", Band.THANKS),
    ]


def test_followers_change_nothing_unless_asked() -> None:
    tweets = [
        mention_me("1", "@roastery is it decaf?", author="small", hours_ago=9),
        mention_me("2", "@roastery is it organic?", author="big", hours_ago=2),
        mention_me("3", "@roastery is it fair trade?", author="mid_a", hours_ago=8),
        mention_me("4", "@roastery is it local?", author="mid_b", hours_ago=3),
        mention_me("5", "@roastery is it roasted today?", author="unknown", hours_ago=10),
        mention_me("6", "@roastery thank you", author="big", hours_ago=1),
    ]
    followers = {"small": 8, "big": 250_000, "mid_a": 120, "mid_b": 150}
    assert owed_ids(tweets, followers=followers) == ["5", "1", "3", "4", "2", "6"]
    ranked = owed_ids(tweets, followers=followers, rank_by_followers=True)
    # Bands first; then by order of magnitude (120 and 150 are equals: oldest first).
    assert ranked == ["2", "3", "4", "1", "5", "6"]


# --- Stats -----------------------------------------------------------------------


def test_stats() -> None:
    answered_fast = mention_me("1", "@roastery open today?", hours_ago=10, conversation_id="1")
    answered_slow = mention_me("2", "@roastery open Sunday?", hours_ago=20, conversation_id="2")
    waiting = mention_me("3", "@roastery decaf?", hours_ago=30, conversation_id="3")
    dismissed = mention_me("4", "@roastery buy followers!", hours_ago=5, conversation_id="4")
    muted = mention_me("5", "@roastery hey", author="troll", hours_ago=5, conversation_id="5")
    old_answered = mention_me("6", "@roastery hi", hours_ago=24 * 40, conversation_id="6")
    old_waiting = mention_me("7", "@roastery hi again", hours_ago=24 * 45, conversation_id="7")
    tweets = [
        answered_fast,
        reply_from_me("11", answered_fast, hours_ago=9, conversation_id="1"),
        answered_slow,
        reply_from_me("12", answered_slow, hours_ago=17, conversation_id="2"),
        waiting,
        dismissed,
        muted,
        old_answered,
        reply_from_me("16", old_answered, hours_ago=24 * 39, conversation_id="6"),
        old_waiting,
    ]
    stats = owed_stats(
        tweets,
        account_id=ME,
        now=NOW,
        marks={"4": Mark.no_reply("spam", at=at(4))},
        muted=frozenset({"troll"}),
    )
    # In the last 30 days: 1, 2 and 3 (4 dismissed, 5 muted, 6 and 7 too old).
    assert (stats.addressed, stats.answered) == (3, 2)
    assert stats.reply_rate == pytest.approx(2 / 3)
    assert stats.median_first_reply == timedelta(hours=2)  # median of 1h and 3h
    # 3, and 7 which is old but still waiting: two tweets from one person, who counts once.
    assert (stats.owed, stats.owed_tweets) == (1, 2)
    assert stats.oldest_owed == timedelta(days=45)


def test_stats_with_nobody_writing() -> None:
    stats = owed_stats([tweet("1", author=ME)], account_id=ME, now=NOW)
    assert stats.reply_rate is None
    assert stats.median_first_reply is None
    assert stats.oldest_owed is None
    assert stats.to_json()["reply_rate"] is None


def test_first_reply_time_takes_the_earliest_answer() -> None:
    ask = mention_me("1", "@roastery open?", hours_ago=10, conversation_id="1")
    tweets = [
        ask,
        reply_from_me("3", ask, hours_ago=2, conversation_id="1"),
        reply_from_me("2", ask, hours_ago=6, conversation_id="1"),
    ]
    stats = owed_stats(tweets, account_id=ME, now=NOW)
    assert stats.median_first_reply == timedelta(hours=4)


# --- The tracker keeps up --------------------------------------------------------


def test_tracker_answers_again_as_tweets_arrive() -> None:
    first, again, more = thread()
    tracker = OwedTracker([first], account_id=ME, account_username=ME_NAME)
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["10"]
    answer = reply_from_me("11", first, hours_ago=8, conversation_id="10")
    tracker.add([answer, again])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["12"]
    tracker.add([more])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["12", "13"]
    tracker.add([reply_from_me("14", more, hours_ago=1, conversation_id="10")])
    assert tracker.owed(now=NOW) == []


def test_a_refetched_tweet_replaces_the_old_one() -> None:
    ask = mention_me("10", "@roastery open?")
    tracker = OwedTracker([ask], account_id=ME)
    tracker.owed(now=NOW)
    tracker.add([replace(ask, metrics=Metrics(likes=3))])
    (item,) = tracker.owed(now=NOW)
    assert item.tweet.metrics.likes == 3
