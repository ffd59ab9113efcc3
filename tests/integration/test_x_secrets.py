"""No secret on disk, in a log, or on the screen: a whole session, then a search for each one.

The session signs in with the PIN flow (tokens into an in-memory keyring),
syncs, posts, loses a post's answer, meets a 401, a 429 and a stall, and reads
the cost meter, with every logger of every library writing DEBUG to a file.
(A store on PostgreSQL's password gets the same search, database dump included.)
Then the config file, every file in the data folder (the SQLite database, its
-wal and -shm, the account index), the log and all captured output are searched
for each of the four secrets, raw bytes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_x_api import FakeX, MemoryKeyring, make_world
from pg_helpers import PgServer
from x_helpers import Answers, browser_approves

from tuicoach import cli, paths
from tuicoach.backends.base import BackendError
from tuicoach.backends.x import credentials
from tuicoach.backends.x.accounts import open_signed_in
from tuicoach.backends.x.settings import XSettings
from tuicoach.domain.models import Tweet, User
from tuicoach.store import Store


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every library's DEBUG records into a file, as a user chasing a bug would set up."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


def raw_files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_whole_session_leaves_no_secret_anywhere(
    tmp_path: Path,
    vault: MemoryKeyring,
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text("# tuicoach settings\n")
    with FakeX() as fake:
        world = make_world(fake)
        fake.add_tweet(world.strangers[0], "@acme_bakery any rye left?")
        fake.add_tweet(world.me, "Rye is out at 8")
        for name in credentials.ENV_VARS:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TUICOACH_X_API_BASE", fake.url)
        monkeypatch.setenv("TUICOACH_DATA_DIR", str(data))
        monkeypatch.setenv("TUICOACH_CONFIG", str(config))
        pin = browser_approves(fake, "acme_bakery")
        monkeypatch.setattr(sys, "stdin", Answers(world.app_key, world.app_secret, pin))
        assert cli.main(["login"]) == 0
        saved = credentials.load("acme_bakery")
        assert saved is not None
        secrets = {*saved.secrets(), world.app_secret}

        fake.rate_limit("mentions", reset=int(time.time()) + 300)
        assert cli.main(["sync"]) == 3  # mentions rate limited, the rest fetched
        assert cli.main(["post", "Rye and spelt today"]) == 0
        fake.lose_response("create_tweet")
        assert cli.main(["post", "Sourdough at noon"]) == 0
        fake.fail("create_tweet", 401)
        assert cli.main(["post", "Baguettes at 4"]) == 3
        assert cli.main(["usage"]) == 0

        # Ten minutes on, with the store open while a sync writes: search the -wal too.
        later = datetime.now(UTC) + timedelta(minutes=10)
        opened = open_signed_in(settings=XSettings(timeout=0.2, retries=1), clock=lambda: later)
        assert opened is not None
        store, backend = opened
        fake.stall("home")
        try:
            backend.post("Open late on Friday")
            with pytest.raises(BackendError) as caught:
                backend.sync()
            print(caught.value)  # the message a user sees, searched below
            while_open = raw_files(data)
            assert any(p.name.endswith("-wal") for p in while_open)
        finally:
            backend.close()
            store.close()

    out, err = capsys.readouterr()
    found = raw_files(tmp_path) | while_open
    assert config in found and debug_log in found
    assert any(p.suffix == ".sqlite3" for p in found)
    assert debug_log.stat().st_size > 0  # the libraries did log
    for secret in secrets:
        assert secret not in out + err
        for path, content in found.items():
            assert secret.encode() not in content, f"a secret is in {path}"


def test_a_postgresql_stores_password_is_never_printed_logged_or_stored(
    tmp_path: Path,
    vault: MemoryKeyring,
    debug_log: Path,
    pg_server: PgServer,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The store's password goes to the keyring once, then reaches libpq from there; a wrong
    one in a URL is refused; a config holding one is refused. Then the output, the debug log,
    every file and a dump of the database are searched for both."""
    secret, wrong = pg_server.password, "wr0ng-Pa55-for-the-search"
    for name in ("psycopg", "psycopg.pool"):  # the pool keeps its own logger at WARNING
        monkeypatch.setattr(logging.getLogger(name), "level", logging.DEBUG)
    monkeypatch.delenv("PGPASSWORD")  # from here on only the keyring knows it
    data, config = tmp_path / "data", tmp_path / "config.toml"
    config.write_text(f'[store]\nurl = "{pg_url}"\n')
    monkeypatch.setenv("TUICOACH_CONFIG", str(config))
    monkeypatch.setenv("TUICOACH_DATA_DIR", str(data))
    with Store.open(paths.account_db(data, "roastery")) as lite:
        lite.set_account(User("100", "roastery"))
        lite.upsert_tweets(
            [Tweet("1", "@roastery hi?", datetime.now(UTC), "7", in_reply_to_user_id="100")],
            stream="mentions",
        )

    assert cli.main(["store", "check"]) == 3  # no password anywhere yet: refused, and says so
    monkeypatch.setattr(sys, "stdin", Answers(secret))
    assert cli.main(["store", "password"]) == 0
    assert vault.get_password("tuicoach-store", pg_url) == secret
    assert cli.main(["store", "migrate"]) == 0
    assert cli.main(["store", "check"]) == 0
    with_wrong = pg_url.replace("@", f":{wrong}@", 1)
    assert cli.main(["store", "check", with_wrong]) == 3
    config.write_text(f'[store]\nurl = "{with_wrong}"\n')
    assert cli.main(["store", "check"]) == 2  # a password in the config is refused
    config.write_text(f'[store]\nurl = "{pg_url}"\n')  # the user takes it out, as told
    assert cli.main(["store", "check"]) == 0

    out, err = capsys.readouterr()
    assert "refused the password" in err and "holds a password" in err
    dump = subprocess.run(
        [str(pg_server.bin / "pg_dump"), "--dbname", pg_url, "--no-owner"],
        capture_output=True,
        env={**os.environ, "PGPASSWORD": secret},
        check=True,
    ).stdout
    assert b"roastery" in dump  # the store's rows are in the dump searched
    assert "tuicoach-store" in debug_log.read_text(encoding="utf-8")  # the pool did log
    found = raw_files(tmp_path)
    for word in (secret, wrong):
        assert word not in out + err
        assert word.encode() not in dump
        for path, content in found.items():
            assert word.encode() not in content, f"a password is in {path}"
