"""A database that cannot be used is a clear StoreError, and nothing stored is lost.

Each case is made for real: bytes that are not SQLite, a folder, a file the
user may not read, a newer schema, another program's database, a full disk
(SQLite's ``max_page_count``), a read-only connection.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.domain.models import Tweet
from tuicoach.store import SCHEMA_VERSION, Store, StoreError

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WAY_OUT = "--data-dir"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tweets(prefix: str, count: int, size: int = 40) -> list[Tweet]:
    return [
        Tweet(f"{prefix}{i}", "x" * size, NOW - timedelta(minutes=i), "7") for i in range(count)
    ]


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_garbage_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    path.write_bytes(os.urandom(8192))
    before, listing = digest(path), folder_listing(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "not a tuicoach database" in message
    assert "backup" in message and WAY_OUT in message
    assert caught.value.path == path
    assert digest(path) == before  # untouched
    assert folder_listing(path) == listing  # no -wal or -journal left behind


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    path.mkdir()
    with pytest.raises(StoreError, match="is a folder") as caught:
        Store.open(path)
    assert str(path) in str(caught.value)
    assert path.is_dir()


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_a_file_without_permission(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    Store.open(path).close()
    path.chmod(0)
    try:
        with pytest.raises(StoreError, match="permission") as caught:
            Store.open(path)
        assert str(path) in str(caught.value)
    finally:
        path.chmod(0o600)
    Store.open(path).close()  # and it is still a good database


def test_a_newer_schema_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    with Store.open(path) as store:
        store.upsert_tweets(tweets("t", 3), stream="home")
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "newer tuicoach" in message and "upgrade tuicoach" in message
    assert f"version {SCHEMA_VERSION + 1}" in message
    assert digest(path) == before


@pytest.mark.parametrize(
    "setup",
    [
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)",
        "PRAGMA application_id = 1234",
    ],
    ids=["another program's tables", "another program's id"],
)
def test_another_programs_database_is_left_alone(tmp_path: Path, setup: str) -> None:
    path = tmp_path / "roastery.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(setup)
    raw.commit()
    raw.close()
    before = digest(path)
    with pytest.raises(StoreError, match="not a tuicoach database"):
        Store.open(path)
    assert digest(path) == before


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "roastery.sqlite3")
    store.upsert_tweets(tweets("keep", 20), stream="home")
    store.save_draft("Morning all", now=NOW)
    yield store
    store.close()


def test_a_full_disk_rolls_back_the_whole_write(filled: Store) -> None:
    connection = filled._connection()  # the only way to cap this connection's file size
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as caught:
        filled.upsert_tweets(tweets("big", 500, size=2000), stream="home")
    message = str(caught.value)
    assert "disk is full" in message and str(filled.path) in message
    assert "nothing was lost" in message
    assert filled.tweets(f"big{i}" for i in range(500)) == {}  # none of the batch
    assert filled.timeline_count() == 20  # all of what was there
    assert [d.text for d in filled.drafts()] == ["Morning all"]
    connection.execute("PRAGMA max_page_count = 1073741823")
    filled.upsert_tweets(tweets("big", 500, size=2000), stream="home")  # space again: it works
    assert filled.timeline_count() == 520


def test_a_read_only_database_says_so(filled: Store) -> None:
    filled._connection().execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match="read-only") as caught:
        filled.mark_no_reply("keep1", "spam", now=NOW)
    assert str(filled.path) in str(caught.value)
    with pytest.raises(StoreError, match="read-only"):
        filled.save_draft("lost?", now=NOW)
    assert filled.marks() == {}
    assert filled.timeline_count() == 20  # reading still works
    filled._connection().execute("PRAGMA query_only = OFF")
    filled.mark_no_reply("keep1", "spam", now=NOW)
    assert set(filled.marks()) == {"keep1"}


def test_a_database_damaged_after_opening_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    with Store.open(path) as store:
        store.upsert_tweets(tweets("t", 200, size=500), stream="home")
        connection = store._connection()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page_size = 4096
    data[page_size * 2 : page_size * 6] = os.urandom(page_size * 4)  # scribble over table pages
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match="damaged") as caught, Store.open(path) as store:
        store.timeline(limit=500)
    assert str(path) in str(caught.value)
    assert digest(path) == before
