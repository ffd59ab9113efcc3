"""The cost meter's counters in the store (schema version 3) and today's spend."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.backends.x.cost import Meter, today, usage_days
from tuicoach.store import SCHEMA_VERSION, Store, schema

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_repeat_read_the_same_utc_day_is_free(store: Store) -> None:
    first = store.record_usage(now=NOON, reads={"post": ["1", "2", "2"], "user": ["u"]})
    again = store.record_usage(now=NOON + timedelta(hours=11), reads={"post": ["2", "3"]})
    assert first == {"post": 2, "user": 1}
    assert again == {"post": 1}
    next_day = store.record_usage(now=NOON + timedelta(hours=12), reads={"post": ["1", "2"]})
    assert next_day == {"post": 2}  # a new UTC day bills again
    assert store.usage(NOON.date(), NOON.date() + timedelta(days=1)) == {
        date(2026, 3, 1): {"post_reads": 3, "user_reads": 1},
        date(2026, 3, 2): {"post_reads": 2},
    }


def test_the_day_is_the_utc_day_whatever_the_local_zone(store: Store) -> None:
    late = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    early = datetime(2026, 3, 2, 0, 1, tzinfo=UTC)
    store.record_usage(now=late.astimezone(), reads={"post": ["1"]})
    store.record_usage(now=early.astimezone(), reads={"post": ["1"]})
    days = store.usage(date(2026, 3, 1), date(2026, 3, 2))
    assert days[date(2026, 3, 1)]["post_reads"] == 1
    assert days[date(2026, 3, 2)]["post_reads"] == 1


def test_only_todays_read_ids_are_kept(store: Store) -> None:
    store.record_usage(now=NOON, reads={"post": [str(i) for i in range(50)]})
    store.record_usage(now=NOON + timedelta(days=1), reads={"post": ["x"]})
    rows = sqlite3.connect(store.path).execute("SELECT count(*) FROM usage_reads").fetchone()[0]
    assert rows == 1


def test_counts_add_up_and_bad_input_is_refused(store: Store) -> None:
    store.record_usage(now=NOON, counts={"posts_created": 1, "requests": 2})
    store.record_usage(now=NOON, counts={"posts_created": 1})
    assert store.usage(NOON.date(), NOON.date())[NOON.date()] == {
        "posts_created": 2,
        "requests": 2,
    }
    with pytest.raises(ValueError, match="kind of read"):
        store.record_usage(now=NOON, reads={"tweet": ["1"]})
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_usage(now=datetime(2026, 3, 1), counts={"requests": 1})


def test_the_meter_and_todays_spend(store: Store) -> None:
    meter = Meter(store)
    assert meter.read(posts=["1", "2", "3"], users=["a"], now=NOON) == (3, 1)
    assert meter.read(posts=["3", "4"], users=["a", "b"], now=NOON) == (1, 1)
    meter.created("Fresh bread", now=NOON)
    meter.created("Order: https://acme.example.com/o", now=NOON)
    usage, spent = today(store, now=NOON)
    assert (usage.post_reads, usage.user_reads) == (4, 2)
    assert (usage.posts_created, usage.posts_created_url, usage.requests) == (1, 1, 2)
    # Before 2026-04-20 a post cost $0.010, with a link or without.
    assert spent == pytest.approx(4 * 0.005 + 2 * 0.010 + 0.010 + 0.010)
    week = usage_days(store, NOON.date() - timedelta(days=6), NOON.date())
    assert len(week) == 7 and [d.cost() for d in week[:-1]] == [0.0] * 6


def test_a_version_2_database_gains_the_counters_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(connection, target=2)
    connection.execute(
        "INSERT INTO outbox (text, state, created_at) VALUES ('Hi', 'pending', '2026-03-01')"
    )
    connection.close()
    assert SCHEMA_VERSION >= 3
    with Store.open(path) as store:
        assert [item.text for item in store.outbox_pending()] == ["Hi"]
        store.record_usage(now=NOON, reads={"post": ["1"]})
        assert store.usage(NOON.date(), NOON.date()) == {NOON.date(): {"post_reads": 1}}
