"""A sync's writes on PostgreSQL go as multi-row statements, and store what SQLite stores.

``PgConnection.executemany`` sends an ``INSERT ... VALUES (?, ...)`` as one
statement per 500 rows instead of one per row (benchmarks/team.py ``sync``
measures it). These tests write the same batches, refetches and duplicates to a
SQLite file and to a PostgreSQL database and compare every stored row, and pin
the cases that must not be batched (a ``DO UPDATE`` touching one row twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tuicoach.backends.x import usage_store
from tuicoach.domain.models import Metrics, Tweet, User
from tuicoach.store import Store
from tuicoach.store.engine import MULTIROW, Changed, PgConnection, multirow, to_pg
from tuicoach.store.store import _USER_COLUMNS as USER_COLUMNS
from tuicoach.store.store import TWEET_COLUMNS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = User("1", "acme_bakery")


def tweets(count: int, *, start: int = 0) -> list[Tweet]:
    return [
        Tweet(
            id=str(10_000 + i),
            text=f"@acme_bakery rye today? ({i}) 100% sure",
            created_at=NOW - timedelta(seconds=i),
            author_id=str(500 + i % 40),
            conversation_id=str(10_000 + i),
            in_reply_to_user_id=ME.id,
            metrics=Metrics(likes=i % 7),
            lang="en",
        )
        for i in range(start, start + count)
    ]


def users(count: int) -> list[User]:
    return [User(str(500 + i), f"fan{i}", name=f"Fan {i}", followers_count=i) for i in range(count)]


@pytest.fixture
def both(sqlite_store: Store, pg_url: str) -> Iterator[list[Store]]:
    with Store.connect(pg_url) as pg:
        yield [sqlite_store, pg]


def dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row a sync writes, by table, in one order, as plain values."""
    queries = {
        "tweets": f"SELECT {TWEET_COLUMNS}, local FROM tweets ORDER BY id",
        "users": f"SELECT {USER_COLUMNS} FROM users ORDER BY id",
        "tweet_streams": "SELECT stream, tweet_id FROM tweet_streams ORDER BY stream, tweet_id",
        "usage_counts": "SELECT day, metric, count FROM usage_counts ORDER BY day, metric",
        "usage_reads": "SELECT day, kind, item_id FROM usage_reads ORDER BY day, kind, item_id",
    }
    with store.reading() as db:
        return {t: [tuple(r) for r in db.execute(q).fetchall()] for t, q in queries.items()}


def sync_like(store: Store) -> dict[str, int]:
    """What three syncs write: pages bigger than one statement, refetches that leave
    fields out, duplicates within a batch, and the meter's billed-once counts."""
    store.set_account(ME)
    billed: dict[str, int] = {}
    first = tweets(MULTIROW * 2 + 37)  # three statements' worth
    store.upsert_users(users(40))
    store.upsert_tweets(first, stream="mentions")
    billed |= {
        f"1 {k}": v
        for k, v in usage_store.record(
            store,
            now=NOW,
            reads={"owned": [t.id for t in first], "user": [u.id for u in users(40)]},
        ).items()
    }
    # A refetch: new metrics and text, no conversation id or lang (kept), one user's
    # follower count left out (kept), the same stream again (no second row).
    refetched = [
        replace(t, text=t.text + " (edited)", conversation_id=None, lang=None, metrics=Metrics())
        for t in first[:300]
    ]
    store.upsert_users([replace(u, name="Renamed", followers_count=None) for u in users(5)])
    store.upsert_tweets(refetched, stream="mentions")
    store.upsert_tweets(refetched[:10], stream="home")
    billed |= {
        f"2 {k}": v
        for k, v in usage_store.record(
            store, now=NOW, reads={"owned": [t.id for t in tweets(50, start=1000)]}
        ).items()
    }
    # Duplicates within one batch: a user twice (the last wins), a tweet twice.
    store.upsert_users([User("900", "old", followers_count=3), User("900", "new")])
    twice = tweets(1, start=5000)[0]
    store.upsert_tweets([twice, replace(twice, text="second")], stream="own")
    return billed


def test_a_sync_stores_the_same_rows_on_both_engines(both: list[Store]) -> None:
    billed = [sync_like(store) for store in both]
    assert (
        billed[0]
        == billed[1]
        == {
            "1 owned": MULTIROW * 2 + 37,
            "1 user": 40,
            "2 owned": 13,  # the other 37 were read already today: billed once
        }
    )
    rows = [dump(store) for store in both]
    assert rows[0] == rows[1]
    # And what they agree on is right (not the same mistake twice):
    for store in both:
        edited = store.tweet("10005")
        assert edited is not None and edited.text.endswith("(edited)")
        assert edited.conversation_id == "10005" and edited.lang == "en"
        assert edited.metrics.likes == 0
        fan = store.user("503")
        assert fan is not None and (fan.name, fan.followers_count) == ("Renamed", 3)
        assert store.user("900") == User("900", "new", followers_count=3)
        second = store.tweet(str(15_000))
        assert second is not None and second.text == "second"
        assert store.in_stream("mentions", ["10000", "10299", "99"]) == {"10000", "10299"}
        assert store.in_stream("home", [str(10_000 + i) for i in range(20)]) == {
            str(10_000 + i) for i in range(10)
        }
    assert len(rows[0]["tweet_streams"]) == MULTIROW * 2 + 37 + 10 + 1


def test_an_insert_is_split_where_more_rows_go_and_only_where_that_is_safe() -> None:
    upsert = multirow(
        to_pg("INSERT INTO m (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = 1")
    )
    assert upsert is not None and upsert.key == (0,)
    assert upsert.row == "(%s, %s)"
    assert upsert.joined(["('a', 1)", "('b', 2)"]) == (
        "INSERT INTO m (k, v) VALUES ('a', 1), ('b', 2) ON CONFLICT (k) DO UPDATE SET v = 1"
    )
    assert upsert.fits([("a", 1), ("b", 1)])
    assert not upsert.fits([("a", 1), ("a", 2)])  # one row updated twice: one per row
    ignore = multirow(to_pg("INSERT OR IGNORE INTO m (k, v) VALUES (?, ?)"))
    assert ignore is not None and ignore.key is None and ignore.fits([("a", 1), ("a", 2)])
    # Not one: a parameter outside VALUES, RETURNING, named parameters, not an INSERT.
    assert (
        multirow(to_pg("INSERT INTO m (k) VALUES (?) ON CONFLICT (k) DO UPDATE SET v = ?")) is None
    )
    assert multirow(to_pg("INSERT INTO m (k) VALUES (?) RETURNING k")) is None
    on_constraint = (
        "INSERT INTO m (k) VALUES (?) ON CONFLICT ON CONSTRAINT m_pkey DO UPDATE SET k = 1"
    )
    assert multirow(to_pg(on_constraint)) is None  # which row it updates: not known here
    assert multirow(to_pg("UPDATE m SET v = ? WHERE k = ?")) is None
    named = multirow(to_pg("INSERT INTO m (k) VALUES (:k)"))
    assert named is None


def test_multi_row_counts_what_it_inserted_and_a_twice_updated_row_still_works(
    pg_url: str,
) -> None:
    with psycopg.connect(pg_url, autocommit=True, cursor_factory=psycopg.ClientCursor) as raw:
        raw.execute("CREATE TABLE m (k text PRIMARY KEY, v int)")
        db = PgConnection(raw)
        db.executemany("INSERT INTO m (k, v) VALUES (?, ?)", [(str(i), i) for i in range(200)])
        done = db.executemany(
            "INSERT OR IGNORE INTO m (k, v) VALUES (?, ?)", [(str(i), -1) for i in range(1200)]
        )
        assert isinstance(done, Changed) and done.rowcount == 1000  # batched, and counted
        kept = raw.execute("SELECT count(*), count(*) FILTER (WHERE v >= 0) FROM m").fetchone()
        assert kept == (1200, 200)  # the 200 there already were left as they were
        # The same key twice in one batch: one per row, the second on top of the first
        # (a multi-row DO UPDATE would refuse: "cannot affect row a second time").
        again = db.executemany(
            "INSERT INTO m (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = m.v + excluded.v",
            [("5", 10), ("5", 100)],
        )
        assert not isinstance(again, Changed)
        assert raw.execute("SELECT v FROM m WHERE k = '5'").fetchone() == (115,)
