"""A backend's own tables: schema steps registered by name, and the store's public API.

The outbox and the usage meter's tables moved from ``tuicoach/store`` to
``tuicoach/backends/x`` (``outbox_store``, ``usage_store``). Their schema steps
keep their places in ``schema.MIGRATIONS`` by name, so a database made by the
shipped steps opens exactly as before.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_store_migrations import shape

from tuicoach.backends.x import outbox_store, usage_store
from tuicoach.store import SCHEMA_VERSION, Store, StoreError, schema

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

#: Step 1 -> 2 exactly as it shipped, in one piece (outbox and likes together),
#: before the outbox's half moved to backends/x. Frozen here on purpose.
SHIPPED_V2 = """
ALTER TABLE tweets ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    reply_to_id TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    tweet_id TEXT,
    last_error TEXT
);
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE TABLE likes (
    tweet_id TEXT PRIMARY KEY,
    liked_at TEXT NOT NULL
);
"""


def test_a_database_made_by_the_shipped_step_2_upgrades_to_the_same_shape(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(old, isolation_level=None)
    schema.upgrade(connection, target=1)
    connection.executescript(SHIPPED_V2)
    connection.execute(
        "INSERT INTO outbox (text, state, created_at) "
        "VALUES ('Open till 6', 'sending', '2026-03-01T11:00:00.000000Z')"
    )
    connection.execute("PRAGMA user_version = 2")
    connection.close()
    with Store.open(old) as store:
        (item,) = outbox_store.pending(store)
        assert (item.text, item.state.value, item.draft_id) == ("Open till 6", "sending", None)
        assert usage_store.record(store, now=NOW, reads={"post": ["1", "1", "2"]}) == {"post": 2}
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    assert shape(old) == shape(fresh)


def test_steps_keep_their_places_by_name() -> None:
    names = [step.names for step in schema.MIGRATIONS if isinstance(step, schema.Steps)]
    assert names == [
        ("core",),
        ("posting", "x.outbox"),
        ("x.usage",),
        ("listen",),
        ("x.outbox_drafts",),
        ("not_spam",),
        ("feedback_queue",),
        ("team",),
        ("team_send", "x.team_send"),
        ("presence",),
        ("listen_backlog",),
    ]
    assert SCHEMA_VERSION == len(schema.MIGRATIONS) == 11
    assert schema.step("x.outbox") is outbox_store.V2_OUTBOX
    assert schema.step("x.usage") is usage_store.V3_USAGE


def test_a_step_without_a_place_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'x\.threads' has no place .*MIGRATIONS"):
        schema.register_steps({"x.threads": "CREATE TABLE threads (id INTEGER);"})


def test_a_shipped_step_cannot_be_changed() -> None:
    with pytest.raises(ValueError, match="registered already"):
        schema.register_steps({"x.usage": "CREATE TABLE usage_counts (day TEXT);"})
    schema.register_steps({"x.usage": usage_store.V3_USAGE})  # the same again: fine


def test_an_unknown_step_is_named() -> None:
    with pytest.raises(LookupError, match="no schema step 'nope'"):
        schema.step("nope")


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_registry_gives_the_store_the_backend_steps(tmp_path: Path) -> None:
    """Importing the registry (as the app and every command do) registers X's tables'
    steps: a store opened then has them, and no tweepy-bearing X module came in."""
    path = tmp_path / "alone.sqlite3"
    script = (
        "import sys\n"
        "import tuicoach.backends.registry\n"
        "from tuicoach.store import Store\n"
        f"Store.open({str(path)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('tuicoach.backends')))\n"
    )
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert "tuicoach.backends.x.client" not in done.stdout
    assert "tuicoach.backends.x.outbox_store" in done.stdout
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_schema")}
    assert {"outbox", "usage_counts", "usage_reads", "likes", "queue"} <= tables


def test_the_store_imports_no_backend_and_says_so_when_a_step_is_missing(
    tmp_path: Path,
) -> None:
    """The store alone never imports a backend (import-linter could not see it): a
    database that needs an unregistered step is left as it was, and the message says
    what to import."""
    path = tmp_path / "alone.sqlite3"
    script = (
        "import sys\n"
        "from tuicoach.store import Store\n"
        "try:\n"
        f"    Store.open({str(path)!r}).close()\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "print(sorted(m for m in sys.modules if m.startswith('tuicoach.backends')))\n"
    )
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert "x.outbox" in done.stdout and "tuicoach.backends.registry" in done.stdout
    assert done.stdout.strip().endswith("[]")  # not one backend module came in
    if path.exists():  # nothing half made: no version, no tables
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0


def test_transaction_saves_all_or_nothing(store: Store) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO muted (user_id, muted_at) VALUES ('1', 'x')")
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO muted (user_id, muted_at) VALUES ('2', 'x')")
        raise RuntimeError("half way")
    assert store.muted() == {"1"}
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM muted").fetchone()[0] == 1


def test_a_backend_query_error_names_the_file(store: Store) -> None:
    with pytest.raises(StoreError, match=str(store.path)), store.reading() as db:
        db.execute("SELECT * FROM no_such_table")


def test_the_store_shims_forward_to_the_backend_tables(store: Store) -> None:
    item = store.outbox_add("hi", reply_to_id=None, now=NOW, draft_id=7)
    assert outbox_store.for_draft(store, 7) == item
    assert store.draft_outbox(7) == outbox_store.draft_status(store, 7)
    assert store.draft_outbox(7) is not None
    assert store.draft_outbox(8) is None
    store.record_usage(now=NOW, counts={"requests": 2})
    assert usage_store.counts(store, NOW.date(), NOW.date()) == {NOW.date(): {"requests": 2}}


def _run_env(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter, with this environment (``$PGPASSWORD``...)."""
    import os

    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )


TABLE_MODULES = "['tuicoach.backends.x.outbox_store', 'tuicoach.backends.x.usage_store']"
LOADED = "print(sorted(m for m in sys.modules if m.endswith(('outbox_store', 'usage_store'))))\n"


def test_a_reopened_demo_imports_no_x_table_and_an_old_x_store_opened_after_still_upgrades(
    tmp_path: Path,
) -> None:
    """The X backend's table modules load only when a database needs their steps: the demo,
    reopened at the current version, needs none; an older store opened next in the same
    process gets the outbox and the meter all the same, as does its shim's first call."""
    made = _run_env(
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from tuicoach.backends.demo import open_demo_store\n"
        f"open_demo_store(Path({str(tmp_path)!r}), datetime.now(UTC)).close()\n"
    )
    assert made.returncode == 0, made.stderr
    old = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(old, isolation_level=None)
    schema.upgrade(connection, target=1)  # before the outbox: step 1 -> 2 adds it
    connection.close()
    done = _run_env(
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from tuicoach.backends.demo import open_demo_store\n"
        "from tuicoach.store import Store\n"
        f"demo = open_demo_store(Path({str(tmp_path)!r}), datetime.now(UTC))\n"
        f"{LOADED}"
        f"with Store.open({str(old)!r}) as store:\n"
        "    print(store.outbox_pending(), store.usage(datetime.now(UTC).date(), "
        "datetime.now(UTC).date()))\n"
        f"{LOADED}"
        "print(demo.draft_outbox(1))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "[] {}", TABLE_MODULES, "None"]
    tables = {r[0] for r in sqlite3.connect(old).execute("SELECT name FROM sqlite_schema")}
    assert {"outbox", "usage_counts", "usage_reads"} <= tables
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_current_store_asked_for_its_outbox_first_loads_the_tables_then(
    tmp_path: Path,
) -> None:
    """The store's outbox and meter shims work in a process that imported no X table
    yet (the store was current: opening it ran no step)."""
    path = tmp_path / "a.sqlite3"
    made = _run_env(f"import tuicoach.backends.registry\nfrom tuicoach.store import Store\n"
                    f"Store.open({str(path)!r}).close()\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    done = _run_env(
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "import tuicoach.backends.registry\n"
        "from tuicoach.store import Store\n"
        f"with Store.open({str(path)!r}) as store:\n"
        f"    {LOADED.strip()}\n"
        "    item = store.outbox_add('hi', reply_to_id=None, now=datetime.now(UTC), draft_id=3)\n"
        "    print(store.outbox_for_draft(3) == item)\n"
        "    store.record_usage(now=datetime.now(UTC), counts={'requests': 2})\n"
        "    today = datetime.now(UTC).date()\n"
        "    print(store.usage(today, today)[today])\n"
        f"    {LOADED.strip()}\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True", "{'requests': 2}", TABLE_MODULES]
