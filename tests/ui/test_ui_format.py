"""Ages, waits and counts as the lists show them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tuicoach.ui import format as fmt

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23, minutes=59), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=13), "13d"),
        (timedelta(days=14), "2w"),
        (timedelta(days=400), "57w"),
        (timedelta(minutes=-5), "now"),  # a clock slightly behind the server's
    ],
)
def test_age(ago: timedelta, shown: str) -> None:
    assert fmt.age(NOW - ago, NOW) == shown


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        (timedelta(minutes=45), "45m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=3, minutes=10), "3h 10m"),
        (timedelta(days=2), "2d"),
        (timedelta(days=2, hours=4, minutes=59), "2d 4h"),
        (timedelta(seconds=-30), "0m"),
    ],
)
def test_duration(span: timedelta, shown: str) -> None:
    assert fmt.duration(span) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (12_345, "12k"), (2_100_000, "2.1M")],
)
def test_count(value: int, shown: str) -> None:
    assert fmt.count(value) == shown


def test_one_line_flattens_whitespace() -> None:
    assert fmt.one_line("first\n\nsecond   third\t") == "first second third"


@pytest.mark.parametrize(
    ("since", "said"),
    [
        (None, "Posted  never"),
        (timedelta(0), "Posted  just now"),  # the second of the post: not "never"
        (timedelta(seconds=59), "Posted  just now"),  # not "0m ago"
        (timedelta(minutes=1), "Posted  1m ago"),
        (timedelta(hours=1, minutes=39), "Posted  1h 39m ago"),
    ],
)
def test_the_strip_says_when_the_last_post_went_out(since: timedelta | None, said: str) -> None:
    from tuicoach.ui.view import AccountStats
    from tuicoach.ui.widgets.coach_panel import stats_content

    stats = AccountStats(3, 20, 0, None, since, 0)
    assert said in stats_content(stats).plain
