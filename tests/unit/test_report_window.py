"""A report built over the window's tweets (``tweets_for_window``) equals the one built
over every tweet, field by field, for many windows of seeded worlds and of the demo.

The worlds are small and dense with the window's edge cases: a tweet addressed before
the window and answered inside it; an own reply dated before the tweet it answers (a
reply before the window to a tweet in it); answers by the conversation rule (a later
own tweet to the same person in the same conversation), by ``@name`` only, by a post of
only @mentions (which answers nobody); tweets that do not name their conversation, whose
parents lie before the window; mentions of the account under an old name (only the
mention's id says it is the account's); replies to and quotes of old own tweets without
``in_reply_to_user_id``; marks (no reply, spam, snoozes, moved back from spam) and mutes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tuicoach.coach import Coach
from tuicoach.domain.models import Mention, Tweet
from tuicoach.domain.owed import Mark, OwedTracker, tweets_for_window
from tuicoach.domain.report import AccountReport, BusinessHours, build_report

ME, NAME = "1", "brand"
NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
HOURS = BusinessHours.of(timezone="Europe/London")
TEXTS = [
    "where is my order?",
    "your app is broken again",
    "love the new roast",
    "thanks!",
    "buy followers cheap, DM us",
    "any news on the decaf?",
]


def world(seed: int, size: int = 400) -> tuple[list[Tweet], dict[str, Mark], frozenset[str]]:
    """Mentions over 60 days before ``NOW`` and the account's answers, broadcasts and
    oddities, with marks and mutes."""
    rng = random.Random(seed)
    start = NOW - timedelta(days=60)
    tweets: list[Tweet] = []
    inbound: list[Tweet] = []
    own: list[Tweet] = []
    next_id = 1000

    def new_id() -> str:
        nonlocal next_id
        next_id += 1
        return str(next_id)

    def when() -> datetime:
        return start + timedelta(seconds=rng.randrange(int(timedelta(days=62).total_seconds())))

    for _ in range(size):
        kind = rng.random()
        tid = new_id()
        if kind < 0.55 or not (inbound or own):  # someone @mentions the account
            parent = rng.choice(inbound) if inbound and rng.random() < 0.3 else None
            # Some name the account as it was called before: only the entity's id says it.
            name = "oldbrand" if rng.random() < 0.2 else NAME
            tweet = Tweet(
                id=tid,
                text=f"@{name} {rng.choice(TEXTS)}",
                created_at=when(),
                author_id=str(rng.randrange(100, 130)),
                conversation_id=None
                if rng.random() < 0.3
                else (parent.conversation_id if parent else tid),
                replied_to_id=parent.id if parent else None,
                in_reply_to_user_id=parent.author_id if parent else None,
                mentions=(Mention(name, 0, len(name) + 1, ME),),
            )
            inbound.append(tweet)
        elif kind < 0.65 and own:  # a reply to, or a quote of, an own tweet: no @mention
            target = rng.choice(own)
            quote = rng.random() < 0.5
            tweet = Tweet(
                id=tid,
                text=rng.choice(TEXTS),
                created_at=when(),
                author_id=str(rng.randrange(100, 130)),
                conversation_id=None if rng.random() < 0.3 else target.conversation_id or tid,
                replied_to_id=None if quote else target.id,
                quoted_id=target.id if quote else None,
            )
            inbound.append(tweet)
        elif kind < 0.9 and inbound:  # the account answers someone
            target = rng.choice(inbound)
            how = rng.random()
            if how < 0.15:  # dated before the tweet it answers (clocks disagree)
                created = target.created_at - timedelta(minutes=rng.randrange(1, 3000))
            else:
                created = target.created_at + timedelta(minutes=rng.randrange(1, 20_000))
            if how < 0.6:  # a direct reply, sometimes of only @mentions (answers nobody)
                text = f"@u{target.author_id}" if rng.random() < 0.15 else "Sorry, on it ^JD"
                parent_id: str | None = target.id
            else:  # later in the conversation, by id or only by @name
                text = f"@u{target.author_id} we have news for you"
                parent_id = None
            tweet = Tweet(
                id=tid,
                text=text,
                created_at=created,
                author_id=ME,
                conversation_id=None if rng.random() < 0.3 else target.conversation_id,
                replied_to_id=parent_id,
                in_reply_to_user_id=target.author_id if how < 0.8 else None,
                mentions=(Mention("u" + target.author_id, 0, 5, target.author_id),)
                if how < 0.7
                else (),
            )
            own.append(tweet)
        else:  # a broadcast
            tweet = Tweet(
                id=tid,
                text=rng.choice(
                    ["Fresh roast today", "20% off, shop now", "What are you brewing?"]
                ),
                created_at=when(),
                author_id=ME,
                conversation_id=None if rng.random() < 0.5 else tid,
            )
            own.append(tweet)
        tweets.append(tweet)
    marks: dict[str, Mark] = {}
    for tweet in rng.sample(inbound, len(inbound) // 4):
        later = tweet.created_at + timedelta(hours=rng.randrange(1, 200))
        choice = rng.random()
        if choice < 0.3:
            marks[tweet.id] = Mark.no_reply("handled by phone", at=later)
        elif choice < 0.5:
            marks[tweet.id] = Mark.spam(at=later)
        elif choice < 0.85:
            marks[tweet.id] = Mark.snoozed(later + timedelta(days=rng.randrange(1, 20)), at=later)
        else:
            marks[tweet.id] = Mark.not_spam(at=later)
    muted = frozenset(rng.sample(sorted({t.author_id for t in inbound}), 2))
    rng.shuffle(tweets)
    return tweets, marks, muted


def usernames(tweets: list[Tweet]) -> dict[str, str]:
    return {t.author_id: "u" + t.author_id for t in tweets if t.author_id != ME}


def report_over(
    tweets: list[Tweet],
    *,
    since: datetime,
    until: datetime,
    marks: dict[str, Mark],
    muted: frozenset[str],
    names: dict[str, str],
    own: list[Tweet],
) -> AccountReport:
    """The report over a tracker of ``tweets``; the own tweets come apart, as from a store."""
    tracker = OwedTracker(tweets, account_id=ME, account_username=NAME, usernames=names)
    return build_report(
        tracker,
        own,
        since=since,
        until=until,
        now=NOW,
        hours=HOURS,
        marks=marks,
        muted=muted,
        is_promotional=Coach().is_promotional,
    )


WINDOWS = [  # (days before NOW it starts, days before NOW it ends)
    (1, 0),
    (7, 0),
    (30, 0),
    (45, 20),
    (59, 58),
    (90, 0),
    (3, -2),  # ends after now: the report stops at now
    (-1, -3),  # starts after now: nothing in it, but the last post is older than it
]


def _periods() -> list[tuple[datetime, datetime]]:
    return [(NOW - timedelta(days=a), NOW - timedelta(days=b)) for a, b in WINDOWS]


@pytest.mark.parametrize("seed", range(12))
def test_the_windowed_report_is_the_full_one(seed: int) -> None:
    tweets, marks, muted = world(seed)
    names = usernames(tweets)
    own = [t for t in tweets if t.author_id == ME]
    # The window's edge cases must be in these worlds for the test to mean anything.
    period_edges = 0
    for since, until in _periods():
        full = report_over(
            tweets, since=since, until=until, marks=marks, muted=muted, names=names, own=own
        )
        # No figure looks at an answer after now: callers window from now at the latest.
        window = tweets_for_window(tweets, account_id=ME, since=min(since, NOW))
        windowed = report_over(
            window, since=since, until=until, marks=marks, muted=muted, names=names, own=own
        )
        assert windowed == full, (since, until)
        assert len(window) <= len(tweets)
        period_edges += sum(1 for n in full.backlog if n[1])
    assert period_edges > 0


def test_the_worlds_hold_the_edge_cases() -> None:
    """What the sameness test leans on is there: old tweets answered inside a window,
    replies dated before the tweet, tweets without a conversation whose parent is old,
    and the window actually leaves tweets out."""
    since = NOW - timedelta(days=30)
    answered_inside = replies_before = orphans = 0
    left_out = 0
    for seed in range(12):
        tweets, _, _ = world(seed)
        tracker = OwedTracker(
            tweets, account_id=ME, account_username=NAME, usernames=usernames(tweets)
        )
        for tweet, answered_at in tracker.addressed_lazily():
            if answered_at is None:
                continue
            if tweet.created_at < since <= answered_at:
                answered_inside += 1
            if answered_at < tweet.created_at:
                replies_before += 1
        by_id = {t.id: t for t in tweets}
        window = tweets_for_window(tweets, account_id=ME, since=since)
        kept = {t.id for t in window}
        orphans += sum(
            1
            for t in window
            if by_id[t.id].conversation_id is None
            and t.replied_to_id in by_id
            and t.replied_to_id not in kept
        )
        left_out += len(tweets) - len(window)
    assert answered_inside > 10
    assert replies_before > 10
    assert orphans > 0
    assert left_out > 100


def test_a_tweet_answered_before_the_window_is_left_out_and_one_answered_inside_kept() -> None:
    since = NOW - timedelta(days=7)
    mention = Tweet(
        "10",
        f"@{NAME} help?",
        NOW - timedelta(days=9),
        "50",
        "10",
        mentions=(Mention(NAME, 0, 6, ME),),
    )
    late = Tweet(
        "11", f"@{NAME} and me?", NOW - timedelta(days=8), "51", "11", mentions=mention.mentions
    )
    answer = Tweet("20", "On it", NOW - timedelta(days=8, hours=12), ME, "10", "50", "10")
    silent = Tweet("21", "@u51", NOW - timedelta(days=8), ME, "11", "51", "11")
    inside = Tweet("22", "Sorted now", NOW - timedelta(days=2), ME, "11", "51", "11")
    kept = {
        t.id
        for t in tweets_for_window(
            [mention, late, answer, silent, inside], account_id=ME, since=since
        )
    }
    # The answered one and its answer go; the one only "answered" by @mentions waits, and
    # is kept with its conversation's own tweets (the tracker decides what they answer).
    assert kept == {"11", "21", "22"}


def test_a_reply_from_before_the_window_to_a_tweet_in_it_is_kept() -> None:
    since = NOW - timedelta(days=7)
    mention = Tweet(
        "10",
        f"@{NAME} hi",
        NOW - timedelta(days=1),
        "50",
        "10",
        mentions=(Mention(NAME, 0, 6, ME),),
    )
    early = Tweet("20", "Hello!", NOW - timedelta(days=8), ME, "10", "50", "10")
    window = tweets_for_window([mention, early], account_id=ME, since=since)
    assert {t.id for t in window} == {"10", "20"}
    tracker = OwedTracker(window, account_id=ME, account_username=NAME)
    assert tracker.answered(["10"], now=NOW) == {"10": early.created_at}


def test_a_tweet_without_its_conversation_is_told_it() -> None:
    """Its parent is before the window, answered and left out: the name comes from the
    whole chain, as over every tweet (the owed list names the same conversation)."""
    since = NOW - timedelta(days=7)
    mentions = (Mention(NAME, 0, 6, ME),)
    root = Tweet("10", f"@{NAME} hi", NOW - timedelta(days=20), "50", "10", mentions=mentions)
    answer = Tweet("20", "Hello!", NOW - timedelta(days=19), ME, "10", "50", "10")
    middle = Tweet("11", "more", NOW - timedelta(days=18), "50", None, ME, "20")
    again = Tweet("21", "Glad to help", NOW - timedelta(days=17), ME, None, "50", "11")
    last = Tweet("12", f"@{NAME} still?", NOW - timedelta(days=1), "50", None, None, "11")
    tweets = [root, answer, middle, again, last]
    window = {t.id: t for t in tweets_for_window(tweets, account_id=ME, since=since)}
    assert "11" not in window
    assert window["12"].conversation_id == "10"
    owed = OwedTracker(window.values(), account_id=ME, account_username=NAME).owed(now=NOW)
    full = OwedTracker(tweets, account_id=ME, account_username=NAME).owed(now=NOW)
    assert [(o.tweet.id, o.conversation_id) for o in owed] == [("12", "10")]
    assert [(o.tweet.id, o.conversation_id) for o in full] == [("12", "10")]


def test_a_renamed_tweet_keeps_every_other_field() -> None:
    """The window's rename (its own copy, not dataclasses.replace) changes the conversation
    only: every other field, metrics and mentions included, as they were."""
    from dataclasses import replace

    from tuicoach.domain.models import Metrics
    from tuicoach.domain.owed import _with_conversation

    tweet = Tweet(
        "12",
        f"@{NAME} still?",
        NOW,
        "50",
        None,
        "7",
        "11",
        "9",
        None,
        (Mention(NAME, 0, 6, ME),),
        Metrics(replies=2, retweets=3, likes=4, quotes=5, impressions=6),
        "en",
    )
    renamed = _with_conversation(tweet, "10")
    assert renamed == replace(tweet, conversation_id="10")
    assert renamed.conversation_id == "10" and tweet.conversation_id is None


def test_the_demo_windowed_equals_full(tmp_path: Path) -> None:
    """The demo's store: ``insights.report`` (which builds over the window) equals the
    report over a tracker of every stored tweet."""
    from tuicoach.backends.demo import open_demo_store
    from tuicoach.store import insights

    store = open_demo_store(tmp_path, NOW)
    try:
        account_id, username = store.account_or(None, None)
        with store.reading(snapshot=True) as db:
            full_tracker = store.owed_tracker(db, account_id, username)
            marks = store.marks_in(db)
            muted = store.muted_in(db)
            own = insights.own_tweets(db)
        for days in (1, 7, 30, 90, 365):
            since = NOW - timedelta(days=days)
            store._owed_cache = None
            windowed = insights.report(
                store,
                since=since,
                until=NOW,
                now=NOW,
                hours=HOURS,
                is_promotional=Coach().is_promotional,
            )
            full = build_report(
                full_tracker,
                own,
                since=since,
                until=NOW,
                now=NOW,
                hours=HOURS,
                marks=marks,
                muted=muted,
                is_promotional=Coach().is_promotional,
            )
            assert windowed == full, days
            if days == 30:
                assert full.first_reply.addressed > 0
    finally:
        store.close()


@pytest.mark.parametrize("seed", range(4))
def test_the_store_reads_only_the_window_and_reports_the_same(seed: int, store_both: Any) -> None:
    """``insights.report`` reads the later rows whole, the older ones slim, and in full only
    those the window keeps: the same report as over a tracker of every stored row, on
    SQLite and on PostgreSQL."""
    from tuicoach.domain.models import User
    from tuicoach.store import insights

    tweets, _, _ = world(seed)
    store = store_both
    store.set_account(User(ME, NAME))
    store.upsert_tweets([t for t in tweets if t.author_id == ME], stream="own")
    store.upsert_tweets([t for t in tweets if t.author_id != ME], stream="mentions")
    with store.reading(snapshot=True) as db:
        full_tracker = store.owed_tracker(db, ME, NAME)
        own = insights.own_tweets(db)
    for since, until in _periods():
        store._owed_cache = None  # the one-shot path, as the CLI meets it
        windowed = insights.report(
            store,
            since=since,
            until=until,
            now=NOW,
            hours=HOURS,
            is_promotional=Coach().is_promotional,
        )
        full = build_report(
            full_tracker,
            own,
            since=since,
            until=until,
            now=NOW,
            hours=HOURS,
            is_promotional=Coach().is_promotional,
        )
        assert windowed == full, (since, until)
        assert windowed.last_post is not None
        # The own tweets the report reads: from the tracker, else read again; the same ones.
        with store.reading() as db:
            read = insights.own_tweets(db, since=since, now=NOW)
            again = insights.own_tweets(db, since=since, now=NOW, known=lambda _id: None)
            tracker = store.owed_tracker(db, ME, NAME)
            kept = insights.own_tweets(db, since=since, now=NOW, known=tracker.tweet)
        assert sorted(read, key=id_of) == sorted(again, key=id_of) == sorted(kept, key=id_of)
        assert read


def id_of(tweet: Tweet) -> str:
    return tweet.id


# --- says_nothing's quick answer ----------------------------------------------------------

import re  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tuicoach.domain.owed import says_nothing  # noqa: E402

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_ANY_MENTION = re.compile(r"(?<![\w@＠])[@＠](\w{1,15})(?!\w)")


def _says_nothing_slowly(text: str) -> bool:
    """The definition, as it stood before the quick answer: blank the links, then the
    @mentions, and see whether anything is left."""
    if "http" in text or "www." in text:
        text = _LINK.sub(" ", text)
    if "@" in text or "＠" in text:
        text = _ANY_MENTION.sub(" ", text)
    return not text.strip()


_BITS = st.sampled_from(
    ["@brand", "＠brand", "@", "@@x", "a@b", " ", "\t", "\u3000", "\n", "http://x.co/a",
     "HTTP://X.CO", "https://", "www.", "WWW.x", "wWw.", "hTtp", "ok", "thanks", "!", ".",
     "@" + "x" * 16, "http://a@b", "x.com", "\u00a0", "İ", "ſ"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_BITS, max_size=8).map("".join))
@example("@brand http://x.co")
@example("HTTP://X.CO")  # upper case only: not blanked (the check before the pattern)
@example("@brand\u3000ok")
def test_says_nothing_quick_answer_is_the_definition(text: str) -> None:
    assert says_nothing(text) == _says_nothing_slowly(text)


# --- the tracker's readings per text ------------------------------------------------------


def _mention(tweet_id: str, author: str, text: str) -> Tweet:
    return Tweet(
        id=tweet_id,
        text="@brand " + text,
        created_at=NOW - timedelta(hours=int(tweet_id) % 50 + 1),
        author_id=author,
        conversation_id=tweet_id,
        mentions=(Mention(NAME, 0, 6, ME),),
    )


def test_a_text_read_once_per_tracker_still_heeds_a_known_author() -> None:
    """The tracker reads a text once for every author it does not know; a known author's
    tweet of the same words is read with the author (a follow ring's collab is spam)."""
    from tuicoach.domain.models import User
    from tuicoach.domain.owed import Band

    ring = User("9", "ring", followers_count=10, following_count=5000)
    tweets = [_mention("11", "7", "collab?"), _mention("12", "8", "collab?")]
    tweets += [_mention("13", "9", "collab?"), _mention("14", "9", "we work with brands")]
    tracker = OwedTracker(tweets, account_id=ME, account_username=NAME, authors={"9": ring})
    # The spam test alone first (the backlog's way), then whole readings.
    assert [tracker.is_spam(t) for t in ("11", "13", "14", "12")] == [False, True, True, False]
    assert [tracker.band(t) for t in ("11", "12")] == [Band.NEEDS_ANSWER] * 2
    assert tracker.band("13") is Band.SPAM and tracker.band("14") is Band.SPAM
    fresh = OwedTracker(tweets, account_id=ME, account_username=NAME, authors={"9": ring})
    assert [fresh.band(t) for t in ("13", "11", "14", "12")] == [
        Band.SPAM, Band.NEEDS_ANSWER, Band.SPAM, Band.NEEDS_ANSWER
    ]  # fmt: skip
    assert not fresh.is_spam("12") and fresh.is_spam("13")
