"""``OwedTracker.iter_addressed``: the pairs of ``addressed_lazily`` without its list, over a
snapshot, so a tweet added while a report walks them (a sync in another thread, in the app)
does not break the walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuicoach.domain.models import Mention, Tweet
from tuicoach.domain.owed import OwedTracker

ME = "1"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def mention(n: int) -> Tweet:
    return Tweet(
        str(100 + n),
        "@brand where is my order?",
        NOW - timedelta(hours=n),
        str(500 + n),
        str(100 + n),
        mentions=(Mention("brand", 0, 6, ME),),
    )


def test_the_same_pairs_as_addressed_lazily() -> None:
    answer = Tweet("900", "On its way", NOW, ME, "101", "501", "101")
    tracker = OwedTracker([mention(n) for n in range(5)] + [answer], account_id=ME)
    assert sorted(tracker.iter_addressed(), key=lambda p: p[0].id) == sorted(
        tracker.addressed_lazily(), key=lambda p: p[0].id
    )
    answered = {t.id: at for t, at in tracker.iter_addressed()}
    assert answered["101"] == NOW and answered["102"] is None


def test_a_tweet_added_during_the_walk_does_not_break_it() -> None:
    tracker = OwedTracker([mention(n) for n in range(5)], account_id=ME)
    seen = []
    for n, (tweet, _) in enumerate(tracker.iter_addressed()):
        seen.append(tweet.id)
        if n == 1:
            tracker.add([mention(10)])  # joins the tracker at once (no rebuild needed)
            tracker.band(tweet.id)  # and classifying as you go is fine too
    assert sorted(seen) == [str(100 + n) for n in range(5)]  # the snapshot
    assert "110" in {t.id for t, _ in tracker.iter_addressed()}  # the next walk sees it
