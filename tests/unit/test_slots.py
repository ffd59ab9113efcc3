"""Choosing a queued post's slot: table tests in UTC and London, with a fixed clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tuicoach.domain.report import ReportError
from tuicoach.domain.slots import PostingHours, next_slot, slot_problems

GAP = timedelta(minutes=30)
UTC_HOURS = PostingHours.of(timezone="UTC")  # 08:00-20:00, every day, 4 a day: 3h apart


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (now, busy, expected slot, why)
CASES = [
    ("2026-03-02T10:00", [], "2026-03-02T10:02", "a free day: right away (after the lead)"),
    ("2026-03-02T05:00", [], "2026-03-02T08:07", "before hours: when they open, off the hour"),
    ("2026-03-02T10:00", ["2026-03-02T09:50"], "2026-03-02T12:50", "a fair share after a post"),
    (
        "2026-03-02T10:00",
        ["2026-03-02T09:50", "2026-03-02T12:50"],
        "2026-03-02T15:50",
        "queued items count as posts",
    ),
    (
        "2026-03-02T10:00",
        ["2026-03-02T08:10", "2026-03-02T11:10", "2026-03-02T14:10", "2026-03-02T17:10"],
        "2026-03-03T08:07",
        "four that day already: the next day",
    ),
    ("2026-03-02T19:59", [], "2026-03-03T08:07", "too late today: tomorrow's opening"),
    (
        "2026-03-02T10:00",
        ["2026-03-02T10:00", "2026-03-02T12:10", "2026-03-02T15:00"],
        "2026-03-02T18:07",
        "the first moment a fair share from all of them",
    ),
]


@pytest.mark.parametrize(("now", "busy", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_next_slot(now: str, busy: list[str], expected: str, why: str) -> None:
    slot = next_slot(now=at(now), busy=[at(b) for b in busy], hours=UTC_HOURS, gap=GAP)
    assert slot == at(expected), why


def test_falls_back_to_the_burst_window_when_a_fair_share_does_not_fit() -> None:
    hours = PostingHours.of(start="09:00", end="11:00", timezone="UTC", per_day=4)
    busy = [at("2026-03-02T09:00"), at("2026-03-02T09:40")]
    slot = next_slot(now=at("2026-03-02T08:00"), busy=busy, hours=hours, gap=GAP)
    assert slot >= at("2026-03-02T10:10")  # at least 30 minutes from 09:40
    assert slot.date() == at("2026-03-02T00:00").date()


def test_weekdays_only_skip_the_weekend() -> None:
    hours = PostingHours.of(days=["Mon", "Tue", "Wed", "Thu", "Fri"], timezone="UTC")
    slot = next_slot(now=at("2026-03-07T10:00"), busy=[], hours=hours, gap=GAP)  # a Saturday
    assert slot.weekday() == 0 and slot.hour == 8


def test_london_hours_after_the_clocks_go_forward() -> None:
    hours = PostingHours.of(timezone="Europe/London")
    slot = next_slot(now=at("2026-03-30T05:00"), busy=[], hours=hours, gap=GAP)
    assert slot == at("2026-03-30T07:07")  # 08:07 BST


@pytest.mark.parametrize("seed", range(40))
def test_never_within_the_window_and_never_on_the_hour(seed: int) -> None:
    rng = random.Random(seed)
    now = at("2026-03-02T06:00") + timedelta(minutes=rng.randrange(0, 3000))
    busy = [now + timedelta(minutes=rng.randrange(-300, 3000)) for _ in range(rng.randrange(12))]
    slot = next_slot(now=now, busy=busy, hours=UTC_HOURS, gap=GAP, rng=rng)
    assert slot > now
    assert all(abs(slot - b) >= GAP for b in busy)
    assert slot.minute not in (0, 30)
    assert 8 <= slot.hour < 20 or (slot.hour == 20 and slot.minute == 0)


def test_a_full_calendar_says_what_to_change() -> None:
    hours = PostingHours.of(start="09:00", end="09:20", timezone="UTC", per_day=1)
    busy = [at("2026-03-02T09:10") + timedelta(days=d) for d in range(70)]
    with pytest.raises(ReportError, match="widen the posting hours"):
        next_slot(now=at("2026-03-02T08:00"), busy=busy, hours=hours, gap=GAP)


def test_a_picked_time_is_checked() -> None:
    now = at("2026-03-02T10:00")
    busy = [at("2026-03-02T12:10")]
    assert slot_problems(at("2026-03-02T14:13"), now=now, busy=busy, gap=GAP, hours=UTC_HOURS) == []
    problems = slot_problems(at("2026-03-02T12:20"), now=now, busy=busy, gap=GAP, hours=UTC_HOURS)
    assert any("burst" in p for p in problems)
    assert slot_problems(at("2026-03-02T09:00"), now=now, busy=[], gap=GAP, hours=UTC_HOURS) == [
        "that time has passed; it would be posted at once"
    ]
    late = slot_problems(at("2026-03-02T23:00"), now=now, busy=[], gap=GAP, hours=UTC_HOURS)
    assert late == ["outside your posting hours"]


def test_bad_posting_hours() -> None:
    with pytest.raises(ReportError, match="after they start"):
        PostingHours.of(start="18:00", end="08:00")
    with pytest.raises(ReportError, match="at least 1"):
        PostingHours.of(per_day=0)
