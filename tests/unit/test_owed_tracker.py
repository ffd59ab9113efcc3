"""A tracker fed tweets a few at a time agrees with one built from all of them at once.

The tracker links most new tweets in place and rebuilds only when it must; the
owed list and stats must not depend on which path a tweet took, nor on the
order tweets arrived in.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tuicoach.domain.models import Mention, Metrics, Tweet
from tuicoach.domain.owed import Mark, OwedTracker

ME = "1"
ME_NAME = "roastery"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PEOPLE = [ME, "2", "3", "4"]
NAMES = {"2": "ann", "3": "bo", "4": "cy"}
TEXTS = ["where is my order?", "thank you!", "see you Saturday", "🙏", "@roastery hi", "@bo hey"]


@st.composite
def universes(draw: st.DrawFn) -> list[Tweet]:
    """Small worlds of tweets: threads, missing parents, quotes, text mentions."""
    count = draw(st.integers(1, 14))
    tweets: list[Tweet] = []
    for number in range(1, count + 1):
        tweet_id = str(number)
        author = draw(st.sampled_from(PEOPLE))
        parent = draw(st.none() | st.integers(1, count + 2).map(str))  # may be missing
        if parent == tweet_id:
            parent = None
        mentions: tuple[Mention, ...] = ()
        if draw(st.booleans()):
            target = draw(st.sampled_from(PEOPLE))
            name = ME_NAME if target == ME else NAMES[target]
            mentions = (Mention(name, 0, len(name) + 1, draw(st.sampled_from([target, None]))),)
        tweets.append(
            Tweet(
                id=tweet_id,
                text=draw(st.sampled_from(TEXTS)),
                created_at=NOW - timedelta(hours=draw(st.integers(0, 60))),
                author_id=author,
                conversation_id=draw(st.none() | st.sampled_from(["1", "2", "c"])),
                in_reply_to_user_id=draw(st.none() | st.sampled_from(PEOPLE)),
                replied_to_id=parent,
                quoted_id=draw(st.none() | st.integers(1, count).map(str)),
                mentions=mentions,
            )
        )
    return tweets


@settings(max_examples=300, deadline=None)
@given(
    tweets=universes(),
    order=st.randoms(use_true_random=False),
    cuts=st.lists(st.integers(0, 14), max_size=5),
    refetch=st.booleans(),
)
def test_incremental_equals_from_scratch(
    tweets: list[Tweet], order: object, cuts: list[int], refetch: bool
) -> None:
    arrival = list(tweets)
    order.shuffle(arrival)  # type: ignore[attr-defined]
    if refetch:  # the same tweets again, with new counts, as a later sync brings them
        arrival += [replace(t, metrics=Metrics(likes=5)) for t in arrival[::2]]
    marks = {
        "3": Mark.no_reply("spam", at=NOW),
        "4": Mark.snoozed(NOW + timedelta(hours=1), at=NOW),
    }

    fed = OwedTracker(account_id=ME, account_username=ME_NAME, usernames=NAMES)
    bounds = sorted({0, len(arrival), *(c for c in cuts if c < len(arrival))})
    for start, end in itertools.pairwise(bounds):
        fed.add(arrival[start:end])
        fed.owed(now=NOW)  # settle, so the next batch is linked in place

    latest = {t.id: t for t in arrival}
    whole = OwedTracker(latest.values(), account_id=ME, account_username=ME_NAME, usernames=NAMES)
    assert fed.owed(now=NOW, marks=marks) == whole.owed(now=NOW, marks=marks)
    assert fed.stats(now=NOW, marks=marks) == whole.stats(now=NOW, marks=marks)
    ids = [t.id for t in tweets]
    assert fed.answered(ids, now=NOW) == whole.answered(ids, now=NOW)


def test_most_arrivals_are_linked_without_a_rebuild() -> None:
    """The point of the tracker: a new mention or reply does not redo everything."""
    ask = Tweet("10", "@roastery open Sunday?", NOW - timedelta(hours=3), "2", conversation_id="10")
    tracker = OwedTracker([ask], account_id=ME, account_username=ME_NAME)
    tracker.owed(now=NOW)
    rebuilds = 0
    original = tracker._rebuild

    def counting() -> None:
        nonlocal rebuilds
        rebuilds += 1
        original()

    tracker._rebuild = counting  # type: ignore[method-assign]
    tracker.add([Tweet("11", "@roastery and Monday?", NOW - timedelta(hours=2), "3")])
    reply = Tweet(
        "12", "@ann yes", NOW - timedelta(hours=1), ME, conversation_id="10", replied_to_id="10"
    )
    tracker.add([reply])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["11"]
    assert rebuilds == 0
    # A tweet that others already reply to arrives late: that takes a rebuild.
    tracker.add([Tweet("5", "hello", NOW - timedelta(days=1), "4")])
    tracker.add([Tweet("6", "@roastery hi", NOW - timedelta(hours=5), "4", replied_to_id="7")])
    tracker.owed(now=NOW)
    tracker.add([Tweet("7", "parent", NOW - timedelta(hours=6), ME)])
    tracker.owed(now=NOW)
    assert rebuilds == 1
