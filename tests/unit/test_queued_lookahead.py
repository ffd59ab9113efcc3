"""Issue 13: the coach scores a queued draft as the account will be at its slot: its
``burst`` rule looks ahead at the queue (the items queued before the slot count as posts),
and the items queued after it do not count yet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuicoach.coach.queued import queued_tweet, report_at_slot
from tuicoach.domain.models import Tweet

ME = "1"
SLOT = datetime(2026, 3, 3, 14, 20, tzinfo=UTC)


def queued(n: int, minutes_before: int) -> Tweet:
    return queued_tweet(n, f"Queued post number {n}", SLOT - timedelta(minutes=minutes_before), ME)


def test_three_queued_posts_just_before_the_slot_make_it_a_burst() -> None:
    ahead = [queued(n, 5 + 5 * n) for n in range(3)]  # 5, 10 and 15 minutes before
    report = report_at_slot("What are you brewing?", slot=SLOT, history=[], queued=ahead)
    (burst,) = report.by_rule("burst")
    assert "queue" in burst.suggestion.lower()  # the burst finding offers "queue it"


def test_the_same_posts_after_the_slot_do_not_count_yet() -> None:
    later = [queued_tweet(n, f"Later {n}", SLOT + timedelta(minutes=5 + n), ME) for n in range(3)]
    report = report_at_slot("What are you brewing?", slot=SLOT, history=[], queued=later)
    assert report.by_rule("burst") == ()


def test_queued_and_real_posts_add_up() -> None:
    real = [Tweet(f"9{n}", f"Posted {n}", SLOT - timedelta(minutes=20 + n), ME) for n in range(2)]
    ahead = [queued(7, 3)]
    report = report_at_slot("What are you brewing?", slot=SLOT, history=real, queued=ahead)
    assert report.by_rule("burst")  # 2 real + 1 queued + this one: 4 within 30 minutes
    alone = report_at_slot("What are you brewing?", slot=SLOT, history=real, queued=[])
    assert alone.by_rule("burst") == ()
