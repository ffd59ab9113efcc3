"""X's prices as of 2026-04-20, in the dated table: old days keep old prices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.mark.parametrize(
    ("day", "owned", "reply", "counts"),
    [
        # Before 2026-04-20 X priced own reads as post reads, and replies as posts ($0.010).
        (datetime(2026, 3, 1, tzinfo=UTC).date(), 0.005, 0.010, 0.005),
        (datetime(2026, 4, 20, tzinfo=UTC).date(), 0.001, 0.010, 0.005),
    ],
)
def test_the_dated_price_rows_keep_old_days_at_old_prices(
    day: object, owned: float, reply: float, counts: float
) -> None:
    from tuicoach.backends.x.cost import DayUsage

    usage = DayUsage.from_counts(
        day,  # type: ignore[arg-type]
        {
            "owned_reads": 100,
            "posts_created_reply": 2,
            "counts_requests": 3,
            "search_post_reads": 40,  # a breakdown of post_reads: not priced twice
            "post_reads": 40,
        },
    )
    assert usage.cost() == pytest.approx(100 * owned + 2 * reply + 3 * counts + 40 * 0.005)
