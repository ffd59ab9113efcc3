"""The X commands on a store in PostgreSQL: `--store`, `$TUICOACH_STORE_URL`, `[store] url`.

Real subprocesses against the fake X API and the session's throwaway PostgreSQL
server: what `sync` fetched is in the database (and no SQLite file is made), and
`owed`, `post` and `outbox` read and write it there, as a teammate's machine would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_x_api import World
from test_x_cli import environment, tuicoach

from tuicoach.store import Store, team


@pytest.fixture
def world(world: World) -> World:
    world.fake.add_tweet(world.friends[0], "Good morning, bakers")
    world.fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
    world.fake.add_tweet(world.me, "Rye and spelt on the shelves from 8")
    return world


def test_sync_owed_and_post_go_to_the_postgresql_store(
    world: World, tmp_path: Path, pg_url: str
) -> None:
    env = environment(world, tmp_path)
    synced = tuicoach(env, "sync", "--json", "--store", pg_url)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["streams"]["mentions"]["new"] == 1
    assert not list((tmp_path / "data").rglob("*.sqlite3"))  # nothing went to a file

    owed = tuicoach({**env, "TUICOACH_STORE_URL": pg_url}, "owed", "--json")
    assert owed.returncode == 0, owed.stderr
    [mention] = json.loads(owed.stdout)
    assert "rye today" in mention["text"]

    (tmp_path / "config.toml").write_text(f'[store]\nurl = "{pg_url}"\n')
    posted = tuicoach(env, "post", "--reply-to", mention["id"], "@someone Yes, from 8!")
    assert posted.returncode == 0, posted.stderr
    with Store.connect(pg_url) as store:
        assert store.owed(now=store.outbox_items()[0].created_at) == []
        assert [i.state.value for i in store.outbox_items()] == ["sent"]
    assert not list((tmp_path / "data").rglob("*.sqlite3"))


def test_a_dead_store_is_exit_3_naming_the_url(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    done = tuicoach(env, "sync", "--store", "postgresql://jen:hunter2-pw@127.0.0.1:1/acme")
    assert done.returncode == 3
    assert "cannot reach the PostgreSQL server at postgresql://jen@127.0.0.1:1/acme" in done.stderr
    assert "hunter2-pw" not in done.stdout + done.stderr


def test_one_machine_syncs_the_shared_store_and_another_takes_over(
    world: World, tmp_path: Path, pg_url: str
) -> None:
    jen = {**environment(world, tmp_path / "jen"), "TUICOACH_STORE_URL": pg_url}
    sam = {**environment(world, tmp_path / "sam"), "TUICOACH_STORE_URL": pg_url}
    first = tuicoach(jen, "sync", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["synced_by"] is None  # Jen's machine held the lease
    # ... and let go of it as `sync` quit: Sam's machine syncs at once (its streams its own).
    second = tuicoach(sam, "sync", "--json")
    assert second.returncode == 0, second.stderr
    took = json.loads(second.stdout)
    assert took["synced_by"] is None and "mentions" in took["streams"]

    # While another machine holds it (Jen's app, open), Sam's asks X for no tweets.
    with Store.connect(pg_url) as store:
        team.hold_sync_lease(store, world.me["id"], "jen@laptop", now=datetime.now(UTC))
    asked = len(world.fake.requests())
    third = tuicoach(sam, "sync", "--json")
    assert third.returncode == 0, third.stderr
    found = json.loads(third.stdout)
    assert found["synced_by"] == "jen@laptop" and found["streams"] == {}
    assert {s.route for s in world.fake.requests()[asked:]} <= {"me"}
    text = tuicoach(sam, "sync")
    assert "another machine syncs this account" in text.stdout, text.stdout + text.stderr

    # Jen's machine goes away without letting go: once its lease runs out, Sam's syncs.
    with Store.connect(pg_url) as store, store.transaction() as db:
        db.execute("UPDATE sync_lease SET expires_at = ?", ("2000-01-01T00:00:00.000000Z",))
    fourth = json.loads(tuicoach(sam, "sync", "--json").stdout)
    assert fourth["synced_by"] is None and "mentions" in fourth["streams"]


def test_a_named_teammates_sync_beside_their_own_app_is_the_same_syncer(
    world: World, tmp_path: Path, pg_url: str
) -> None:
    """``[team] name`` reaches the CLI's account as it does the app's: Sam's app holds the
    lease as "Sam · his machine", and his `tuicoach sync` in the same data folder is that
    same syncer (it fetches), not "another machine"."""
    from tuicoach.backends.x.accounts import _this_machine

    sam = {**environment(world, tmp_path / "sam"), "TUICOACH_STORE_URL": pg_url}
    (tmp_path / "sam").mkdir()
    Path(sam["TUICOACH_CONFIG"]).write_text('[team]\nname = "Sam"\n', encoding="utf-8")
    apps_lease = f"Sam · {_this_machine(Path(sam['TUICOACH_DATA_DIR']))}"
    with Store.connect(pg_url) as store:
        team.hold_sync_lease(store, world.me["id"], apps_lease, now=datetime.now(UTC))
    synced = tuicoach(sam, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert report["synced_by"] is None and "mentions" in report["streams"], report
