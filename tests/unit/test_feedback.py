"""Feedback: suggested tags from the triage cues, tags in the store, what they add up to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tuicoach.domain.feedback import recurring_words, suggest_tags, tag_figures
from tuicoach.domain.models import Tweet
from tuicoach.store import Store, feedback

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "first", "also"),
    [
        ("@shop the app crashes at checkout again", "bug", {"complaint"}),
        ("@shop my order arrived damaged", "complaint", set()),
        ("@shop you should do a decaf subscription", "idea", set()),
        ("@shop what grind for a moka pot?", "question", set()),
        ("@shop thanks, the beans are amazing", "praise", set()),
        ("@shop thanks a lot, my order never arrived", "complaint", set()),
    ],
)
def test_suggested_tags(text: str, first: str, also: set[str]) -> None:
    tags = [s.tag for s in suggest_tags(text)]
    assert tags[0] == first
    assert also <= set(tags)
    assert "praise" not in tags or first == "praise"  # praise around a failure is not praise


def test_a_plain_remark_suggests_nothing() -> None:
    assert suggest_tags("@shop see you on Saturday") == []


def tweet(tid: str, text: str, days: int = 0) -> Tweet:
    return Tweet(id=tid, text=text, created_at=NOW - timedelta(days=days), author_id="9")


def test_recurring_words_count_tweets_not_repeats() -> None:
    tweets = [
        tweet("1", "@shop the decaf was stale, decaf decaf"),
        tweet("2", "@shop decaf tasted burnt"),
        tweet("3", "@shop my grinder is stale"),
    ]
    assert recurring_words(tweets) == [("decaf", 2), ("stale", 2)]


def test_tag_figures_over_a_period() -> None:
    tweets = {
        t.id: t for t in [tweet("1", "a decaf"), tweet("2", "b decaf"), tweet("3", "old", 40)]
    }
    tags = {"1": ("complaint", "decaf"), "2": ("complaint",), "3": ("complaint",)}
    figures = tag_figures(tweets, tags, since=NOW - timedelta(days=30))
    assert [(f.tag, f.count) for f in figures] == [("complaint", 2), ("decaf", 1)]
    assert figures[0].words == (("decaf", 2),)


def test_tags_in_the_store(store: Store) -> None:
    feedback.add_tag(store, "1", "Complaint", now=NOW)
    feedback.add_tag(store, "1", "#decaf", now=NOW)
    feedback.add_tag(store, "1", "complaint", now=NOW)  # once only
    assert feedback.tags_of(store, "1") == ("complaint", "decaf")
    assert feedback.toggle_tag(store, "1", "decaf", now=NOW) is False
    assert feedback.toggle_tag(store, "2", "idea", now=NOW) is True
    assert feedback.all_tags(store) == {"1": ("complaint",), "2": ("idea",)}
    with pytest.raises(feedback.TagError, match="one word"):
        feedback.add_tag(store, "1", "two words", now=NOW)
