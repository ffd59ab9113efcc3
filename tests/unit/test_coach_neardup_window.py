"""The coach's near-duplicate index holds only the rule's window, and still answers for any day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuicoach.coach import Coach, CoachSettings
from tuicoach.domain.models import Report, Tweet

NOW = datetime.now(UTC)  # the index's window is reckoned from the real clock
SALE = "Spring sale: 20% off all our beans this week, shop now https://shop.example.com"
SOURDOUGH = "Fresh sourdough loaves are out of the oven, come grab one while they're warm"
CHAT = "Good morning! The new Ethiopian roast tastes of blueberries and dark chocolate"


def tweet(tweet_id: str, text: str, days_ago: float, *, now: datetime = NOW) -> Tweet:
    return Tweet(id=tweet_id, text=text, created_at=now - timedelta(days=days_ago), author_id="me")


def named(report: Report) -> list[str]:
    """The ids of the earlier tweets the near-duplicate findings name."""
    return [f.related.id for f in report.by_rule("near-duplicate") if f.related is not None]


def test_the_index_holds_only_the_window_and_reports_only_inside_it() -> None:
    history = [tweet("old", SOURDOUGH, 120), tweet("recent", CHAT, 10)]
    coach = Coach(history=history)
    assert len(coach.history) == 2  # the account rules still see every tweet
    assert len(coach._index) == 1  # the near-duplicate index only the 90 days'
    assert named(coach.report(SOURDOUGH, now=NOW)) == []  # outside the window
    assert named(coach.report(CHAT, now=NOW)) == ["recent"]  # inside it


def test_the_window_follows_the_setting() -> None:
    settings = CoachSettings().with_thresholds(near_duplicate_days=30)
    coach = Coach(settings, history=[tweet("a", SOURDOUGH, 40), tweet("b", CHAT, 1)])
    assert len(coach._index) == 1
    assert named(coach.report(SOURDOUGH, now=NOW)) == []
    assert named(coach.report(CHAT, now=NOW)) == ["b"]


def test_a_history_that_ends_long_ago_is_windowed_from_its_newest_tweet() -> None:
    then = NOW - timedelta(days=400)  # an account last used more than a year ago
    history = [tweet("older", SALE, 100, now=then), tweet("last", SOURDOUGH, 1, now=then)]
    coach = Coach(history=history)
    assert len(coach._index) == 1
    assert named(coach.report(SOURDOUGH, now=then)) == ["last"]
    assert named(coach.report(SOURDOUGH, now=NOW)) == []  # today, it is far outside


def test_a_report_for_an_earlier_day_sees_that_day_s_window() -> None:
    # Built today, the index leaves out a tweet from 150 days ago; a report as of
    # 100 days ago must still find it (50 days before that day), and still leave
    # out one from 91 days before that day.
    history = [tweet("then", SOURDOUGH, 150), tweet("before", CHAT, 191), tweet("now", SALE, 1)]
    coach = Coach(history=history)
    assert len(coach._index) == 1
    earlier = NOW - timedelta(days=100)
    assert named(coach.report(SOURDOUGH, now=earlier)) == ["then"]
    assert named(coach.report(CHAT, now=earlier)) == []  # 90 days before that day: outside
    assert named(coach.report(SALE, now=NOW)) == ["now"]  # and today's still works


def test_a_tweet_posted_later_is_searchable_and_an_old_one_added_is_not() -> None:
    coach = Coach(history=[tweet("a", CHAT, 5)])
    coach.add_to_history(tweet("posted", SOURDOUGH, 0.01))
    coach.add_to_history(tweet("imported", SALE, 200))
    assert named(coach.report(SOURDOUGH, now=NOW)) == ["posted"]
    assert named(coach.report(SALE, now=NOW)) == []
    assert len(coach.history) == 3
