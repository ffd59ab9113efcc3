"""The store on a real PostgreSQL server: versions, refusals, dead databases, ``store migrate``.

The server is the session's throwaway one (tests/pg_helpers.py); each test has a
fresh database. The password reaches libpq through ``$PGPASSWORD`` (the
``pg_url`` fixture), as a user's would.
"""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from conftest import run_tuicoach
from pg_helpers import PgServer

from tuicoach import paths
from tuicoach.domain.listen import SavedSearch, State
from tuicoach.domain.models import Tweet, User
from tuicoach.store import SCHEMA_VERSION, Store, StoreError, feedback, schema
from tuicoach.store import queue as q
from tuicoach.store.engine import PgConnection, redact, to_pg
from tuicoach.store.listen import ListenStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = User("100", "roastery", name="Hill Street Roastery", followers_count=2400)


def mention(n: int, *, minutes_ago: float = 30) -> Tweet:
    return Tweet(
        id=str(5000 + n),
        text=f"@roastery question {n}?",
        created_at=NOW - timedelta(minutes=minutes_ago + n),
        author_id=str(700 + n % 3),
        in_reply_to_user_id=ME.id,
    )


def version(url: str) -> int:
    with psycopg.connect(url) as raw:
        row = raw.execute("SELECT version FROM tuicoach_schema").fetchone()
        assert row is not None
        return int(row[0])


# -- the translation at the seam


def test_placeholders_and_or_ignore_are_translated_outside_quotes() -> None:
    assert to_pg("SELECT ? , '?', 'it''s :x' WHERE a = :a AND b LIKE '5%'") == (
        "SELECT %s , '?', 'it''s :x' WHERE a = %(a)s AND b LIKE '5%%'"
    )
    assert to_pg("INSERT OR IGNORE INTO likes (a) VALUES (?)") == (
        "INSERT INTO likes (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert to_pg("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING a") == (
        "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING RETURNING a"
    )
    with pytest.raises(ValueError, match="SQLite-only"):
        to_pg("INSERT OR REPLACE INTO marks (a) VALUES (?)")


def test_redact_drops_the_password_and_keeps_the_rest() -> None:
    assert redact("postgresql://jen:s3cr%40t@db.example.com:5433/tuicoach?sslmode=require") == (
        "postgresql://jen@db.example.com:5433/tuicoach?sslmode=require"
    )
    assert redact("postgresql:///tuicoach?service=team&password=x") == (
        "postgresql:///tuicoach?service=team"
    )


# -- versions


def test_a_fresh_database_gets_the_current_schema_and_opens_again(pg_url: str) -> None:
    with Store.connect(pg_url) as store:
        assert store.engine == "postgresql"
        store.set_account(ME)
    assert version(pg_url) == SCHEMA_VERSION
    with Store.connect(pg_url) as again:
        assert again.account() == ME


def test_an_older_database_upgrades_step_by_step_and_keeps_its_rows(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as raw:
        schema.upgrade_pg(PgConnection(raw), target=3)
        raw.execute("INSERT INTO meta (key, value) VALUES ('account_id', '100')")
        raw.execute(
            "INSERT INTO marks (tweet_id, kind, reason, marked_at) "
            "VALUES ('1', 'no-reply', 'done', '2026-03-01T09:00:00.000000Z')"
        )
    assert version(pg_url) == 3
    with Store.connect(pg_url) as store:
        assert store.get_meta("account_id") == "100"
        assert store.mark("1") is not None and store.mark("1").reason == "done"  # type: ignore[union-attr]
        store.mark_not_spam("2", now=NOW)  # step 6's widened CHECK
        assert ListenStore(store).searches() == []  # step 4's tables
    assert version(pg_url) == SCHEMA_VERSION


def test_processes_opening_one_new_database_at_once_build_it_once(pg_url: str) -> None:
    errors: list[BaseException] = []
    opened: list[Store] = []

    def open_it() -> None:
        try:
            opened.append(Store.connect(pg_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for store in opened:
        store.close()
    assert errors == [] and len(opened) == 4
    assert version(pg_url) == SCHEMA_VERSION


def test_a_newer_tuicoachs_database_is_refused_and_left_alone(pg_url: str) -> None:
    Store.connect(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute(f"UPDATE tuicoach_schema SET version = {SCHEMA_VERSION + 1}")
        raw.execute("CREATE TABLE from_the_future (x integer)")
    with pytest.raises(StoreError) as caught:
        Store.connect(pg_url)
    message = str(caught.value)
    assert f"database version {SCHEMA_VERSION + 1}" in message
    assert "newer tuicoach" in message and "pip install -U tuicoach" in message
    assert redact(pg_url) in message
    assert version(pg_url) == SCHEMA_VERSION + 1
    with psycopg.connect(pg_url) as raw:
        assert raw.execute("SELECT count(*) FROM from_the_future").fetchone() == (0,)


def test_another_programs_tables_are_refused_and_left_alone(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE invoices (id integer)")
    with pytest.raises(StoreError, match="another program's tables"):
        Store.connect(pg_url)
    with psycopg.connect(pg_url) as raw:
        tables = raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("invoices",)]


# -- dead databases


def test_a_refused_connection_names_the_url_without_its_password_and_the_way_out() -> None:
    url = "postgresql://jen:pa55word-xyz@127.0.0.1:1/tuicoach"
    with pytest.raises(StoreError) as caught:
        Store.connect(url)
    message = str(caught.value)
    assert "cannot reach the PostgreSQL server at postgresql://jen@127.0.0.1:1/tuicoach" in message
    assert "refused" in message.lower()
    assert "remove it to use the local SQLite file" in message
    assert "pa55word-xyz" not in message


def test_a_wrong_password_says_where_passwords_go(
    pg_server: PgServer, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    with pytest.raises(StoreError) as caught:
        Store.connect(pg_url)
    message = str(caught.value)
    assert f"the PostgreSQL server at {pg_url} refused the password" in message
    assert "~/.pgpass" in message and "$PGPASSWORD" in message and "keyring" in message
    assert "not-the-password" not in message
    with Store.connect(pg_url, password=pg_server.password) as store:  # the keyring's way
        assert store.engine == "postgresql"


def test_a_missing_database_says_how_to_make_it(pg_server: PgServer, pg_url: str) -> None:
    missing = pg_server.url("no_such_db")
    with pytest.raises(StoreError, match=r"no database 'no_such_db' .*createdb no_such_db"):
        Store.connect(missing)


def test_the_cli_exits_3_with_the_message_and_no_password(
    pg_server: PgServer, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TUICOACH_CONFIG": str(tmp_path / "none.toml"),
        "PGPASSFILE": str(pg_server.root / "no-pgpass"),
    }
    url = pg_server.url("postgres").replace("@", ":wrong-pw-123@", 1)
    done = run_tuicoach("store", "check", url, env={**env, "PGPASSWORD": ""})
    assert done.returncode == 3
    assert "refused the password" in done.stderr
    assert "wrong-pw-123" not in done.stdout + done.stderr
    dead = run_tuicoach("store", "check", "postgresql://jen@127.0.0.1:1/x", env=env)
    assert dead.returncode == 3
    assert "cannot reach the PostgreSQL server at postgresql://jen@127.0.0.1:1/x" in dead.stderr


def test_a_server_gone_mid_session_is_a_clear_error(pg_server: PgServer, pg_url: str) -> None:
    with Store.connect(pg_url) as store:
        store.set_account(ME)
        with pg_server.admin() as admin:  # type: ignore[attr-defined]
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (pg_url.rsplit("/", 1)[1],),
            )
        # The pool checks a connection before lending it: the next call reconnects.
        assert store.account() == ME


# -- store migrate


def filled_sqlite(data: Path) -> Path:
    path = paths.account_db(data, "roastery")
    with Store.open(path) as store:
        store.set_account(ME)
        store.upsert_users([User("700", "sam"), User("701", "kim"), User("702", "lee")])
        store.upsert_tweets([mention(n) for n in range(30)], stream="mentions")
        store.upsert_tweets(
            [Tweet("9000", "Fresh rye", NOW - timedelta(hours=3), ME.id)], stream="own"
        )
        store.mark_no_reply("5001", "spam", now=NOW)
        store.snooze("5002", NOW + timedelta(hours=4), now=NOW)
        store.mute("702", now=NOW)
        for text in ("first", "second"):
            store.save_draft(text, now=NOW)
        item = store.outbox_add("Thanks Sam!", reply_to_id="5003", now=NOW)
        store.outbox_update(item.id, state="sending", now=NOW)
        store.record_usage(now=NOW, reads={"post": ["5000", "5001"]}, counts={"requests": 3})
        store.set_cursor("mentions", "5029", now=NOW)
        store.like("5004", now=NOW)
        q.enqueue(store, "Open late Friday", slot_at=NOW + timedelta(days=1), now=NOW)
        listen = ListenStore(store)
        listen.save_search(SavedSearch("Rye", ("rye bread",)), now=NOW)
        listen.save_search(SavedSearch("Crumb", ("sourdough",)), now=NOW)
        listen.add("Rye", [mention(40)], [], now=NOW)
        listen.decide(mention(40).id, State.HANDLED)
        feedback.add_tag(store, "5005", "bug", now=NOW)
    return path


def digest(path: Path) -> dict[str, str]:
    """The database file's bytes, and its -wal's where that holds any (a reader may leave an
    empty -wal and an -shm index beside a WAL file: SQLite's own, holding no data)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in path.parent.iterdir()
        if p.name == path.name or (p.name == f"{path.name}-wal" and p.stat().st_size)
    }


def test_migrate_copies_everything_checks_counts_and_leaves_the_file(
    pg_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    source = filled_sqlite(data)
    before = digest(source)
    env = {**os.environ, "TUICOACH_CONFIG": str(tmp_path / "none.toml")}
    args = ("store", "migrate", "--to", pg_url, "--data-dir", str(data), "--account", "roastery")

    first = run_tuicoach(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert (
        "tweets" in first.stdout
        and "31 in SQLite,      31 in PostgreSQL (31 copied" in first.stdout
    )
    assert digest(source) == before

    second = run_tuicoach(*args, env=env)
    assert second.returncode == 0, second.stderr
    assert "nothing to copy" in second.stdout
    assert digest(source) == before

    with Store.open(source) as lite, Store.connect(pg_url) as pg:
        assert pg.account() == lite.account() == ME
        assert pg.owed(now=NOW) == lite.owed(now=NOW)
        assert pg.marks() == lite.marks() and pg.muted() == lite.muted()
        assert pg.drafts() == lite.drafts()
        assert pg.outbox_items() == lite.outbox_items()
        assert pg.usage(NOW.date(), NOW.date()) == lite.usage(NOW.date(), NOW.date())
        assert pg.cursor("mentions") == "5029" and pg.liked("5004")
        assert q.items(pg) == q.items(lite)
        assert ListenStore(pg).searches() == ListenStore(lite).searches()  # in their order
        assert ListenStore(pg).opportunity(mention(40).id) == ListenStore(lite).opportunity(
            mention(40).id
        )
        assert feedback.tags_of(pg, "5005") == feedback.tags_of(lite, "5005") == ("bug",)
        # Ids the store numbers itself carry on after the copied ones.
        new = pg.save_draft("third", now=NOW)
        assert new > max(d.id for d in lite.drafts())
        assert q.enqueue(pg, "later", slot_at=NOW, now=NOW).id == 2


def test_migrate_refuses_another_accounts_store(pg_url: str, tmp_path: Path) -> None:
    with Store.connect(pg_url) as pg:
        pg.set_account(User("999", "someone_else"))
    source = filled_sqlite(tmp_path / "data")
    env = {**os.environ, "TUICOACH_CONFIG": str(tmp_path / "none.toml")}
    done = run_tuicoach(
        "store", "migrate", "--to", pg_url, "--data-dir", str(tmp_path / "data"), env=env
    )
    assert done.returncode == 3
    assert "another account's store" in done.stderr and "nothing was copied" in done.stderr
    with Store.connect(pg_url) as pg:
        assert pg.timeline_count() == 0 and pg.stream("mentions") == []
    assert source.exists()


def test_an_older_database_opened_after_the_demo_gets_the_x_tables(
    pg_url: str, tmp_path: Path
) -> None:
    """The X backend's PostgreSQL steps load when a database needs them, in a process
    whose demo (reopened at the current version) imported none of them."""
    import subprocess
    import sys

    with psycopg.connect(pg_url, autocommit=True) as raw:
        schema.upgrade_pg(PgConnection(raw), target=1)  # before the outbox
    repo = Path(__file__).resolve().parents[2]
    loaded = "print(sorted(m for m in sys.modules if m.endswith(('outbox_store', 'usage_store'))))"
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from tuicoach.backends.demo import open_demo_store\n"
        "from tuicoach.store import Store\n"
        f"open_demo_store(Path({str(tmp_path)!r}), datetime.now(UTC)).close()\n"
        f"open_demo_store(Path({str(tmp_path)!r}), datetime.now(UTC)).close()\n"
        f"{loaded}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo)}
    first = subprocess.run([sys.executable, "-c", script], env=env, cwd=repo,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert first.returncode == 0, first.stderr
    script = script.replace(loaded, "") + (
        f"{loaded}\n"
        f"with Store.connect({pg_url!r}) as store:\n"
        "    print(store.outbox_pending())\n"
        f"{loaded}\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=repo,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    tables = "['tuicoach.backends.x.outbox_store', 'tuicoach.backends.x.usage_store']"
    assert done.stdout.splitlines() == ["[]", "[]", tables]
    assert version(pg_url) == SCHEMA_VERSION
    with psycopg.connect(pg_url, autocommit=True) as raw:
        found = {
            r[0]
            for r in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
    assert {"outbox", "usage_counts", "usage_reads"} <= found
