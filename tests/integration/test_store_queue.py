"""The queue's table: one claimant per item, and only waiting items change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.store import Store
from tuicoach.store import queue as q
from tuicoach.store.queue import QueueState

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each test below runs on both engines: SQLite, then PostgreSQL (tests/pg_helpers.py)."""
    return store_both


def test_only_one_claim_wins_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    with Store.open(path) as store:
        items = [q.enqueue(store, f"post {n}", slot_at=NOW, now=NOW) for n in range(30)]
    stores = [Store.open(path) for _ in range(4)]
    won: list[list[int]] = [[] for _ in stores]
    start = threading.Barrier(len(stores))

    def claim_all(index: int) -> None:
        start.wait()
        for item in items:
            if q.claim(stores[index], item.id, by=f"worker-{index}", now=NOW) is not None:
                won[index].append(item.id)

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    claimed = sorted(i for w in won for i in w)
    assert claimed == [i.id for i in items]  # each exactly once


def test_posted_and_posting_items_cannot_be_edited_or_deleted(store: Store) -> None:
    item = q.enqueue(store, "hello", slot_at=NOW, now=NOW)
    q.claim(store, item.id, by="me", now=NOW)
    assert q.edit(store, item.id, text="changed") is None
    assert q.delete(store, item.id) is False
    q.finish(store, item.id, QueueState.POSTED, now=NOW, tweet_id="77")
    assert q.items(store) == []
    done = q.item(store, item.id)
    assert done is not None and done.tweet_id == "77" and done.posted_at == NOW


def test_held_items_move_back_into_the_queue(store: Store) -> None:
    item = q.enqueue(store, "hello", slot_at=NOW, now=NOW)
    q.finish(store, item.id, QueueState.HELD, now=NOW, note="missed")
    moved = q.edit(store, item.id, slot_at=NOW + timedelta(hours=2))
    assert moved is not None and moved.state is QueueState.QUEUED and moved.note == ""
    assert moved.slot_at == NOW + timedelta(hours=2)
