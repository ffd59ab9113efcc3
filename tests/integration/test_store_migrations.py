"""A database from every earlier schema version opens with today's code, data intact.

Older databases are made with the migration steps as they shipped (steps are
append-only), stopped at each earlier version, then filled with data of that
version's shape.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuicoach.domain.models import Tweet, User
from tuicoach.domain.owed import Mark
from tuicoach.store import SCHEMA_VERSION, Store, schema

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STAMP = "2026-03-01T11:00:00.000000Z"


def make_database(path: Path, version: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(connection, target=version)
    assert schema.version_of(connection) == version
    if version >= 1:  # the core tables, as version 1 made them
        connection.executescript(
            f"""
            INSERT INTO meta VALUES ('account_id', '100'), ('account_username', 'roastery');
            INSERT INTO users (id, username, followers_count) VALUES ('100', 'roastery', 2400);
            INSERT INTO tweets (id, text, created_at, author_id, mentions)
                VALUES ('10', '@roastery is the Kenya back?', '{STAMP}', '42',
                        '[["roastery", 0, 9, "100"]]');
            INSERT INTO tweet_streams VALUES ('mentions', '10');
            INSERT INTO marks (tweet_id, kind, reason, marked_at, until)
                VALUES ('9', 'no-reply', 'a bot', '{STAMP}', NULL);
            INSERT INTO muted VALUES ('666', '{STAMP}');
            INSERT INTO drafts (text, created_at, updated_at)
                VALUES ('Morning!', '{STAMP}', '{STAMP}');
            INSERT INTO cursors VALUES ('mentions', '10', '{STAMP}');
            """
        )
    connection.close()


def shape(path: Path) -> dict[str, object]:
    """Tables with their columns, and indexes: what the code relies on."""
    connection = sqlite3.connect(path)
    tables = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
        )
    ]
    result: dict[str, object] = {
        table: [tuple(c[1:]) for c in connection.execute(f"PRAGMA table_info({table})")]
        for table in tables
    }
    result["indexes"] = sorted(
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
        )
    )
    connection.close()
    return result


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_version_upgrades(tmp_path: Path, version: int) -> None:
    old = tmp_path / "old.sqlite3"
    make_database(old, version)
    with Store.open(old) as store:
        if version >= 1:
            assert store.account() == User("100", "roastery", followers_count=2400)
            assert store.tweet("10").mentions[0].id == "100"
            assert store.stream("mentions")[0].text == "@roastery is the Kenya back?"
            assert store.marks() == {"9": Mark.no_reply("a bot", at=datetime.fromisoformat(STAMP))}
            assert store.muted() == {"666"}
            assert [d.text for d in store.drafts()] == ["Morning!"]
            assert store.cursor("mentions") == "10"
            assert [o.tweet.id for o in store.owed(now=NOW)] == ["10"]
        # What later versions added works on the upgraded file.
        store.upsert_tweets([Tweet("11", "hi", NOW, "100")], stream="own", local=True)
        assert store.is_local("11")
        assert store.outbox_add("hi", reply_to_id=None, now=NOW).id == 1
        store.like("10")
        assert store.liked("10")

    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    assert shape(old) == shape(fresh)
    connection = sqlite3.connect(old)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    connection.close()


def test_a_failed_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    make_database(path, SCHEMA_VERSION)
    before = shape(path)
    broken = "CREATE TABLE usage (day TEXT PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n"
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        schema.upgrade(connection, target=SCHEMA_VERSION + 1)
    assert schema.version_of(connection) == SCHEMA_VERSION
    connection.close()
    assert shape(path) == before  # the new table was rolled back with the rest


def test_python_steps_run_in_the_same_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    make_database(path, SCHEMA_VERSION)

    def lowercase_usernames(connection: sqlite3.Connection) -> None:
        connection.execute("UPDATE users SET username = lower(username)")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, lowercase_usernames))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("UPDATE users SET username = 'Roastery'")
    assert schema.upgrade(connection, target=SCHEMA_VERSION + 1) == SCHEMA_VERSION
    assert connection.execute("SELECT username FROM users").fetchone()[0] == "roastery"
    assert schema.version_of(connection) == SCHEMA_VERSION + 1
    connection.close()


def test_statements_are_split_as_sqlite_reads_them() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE a (x TEXT DEFAULT ';');
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        UPDATE a SET x = 'y;z';
    END;
    """
    statements = list(schema._statements(script))
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
