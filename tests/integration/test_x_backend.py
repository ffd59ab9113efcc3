"""``XBackend`` as the app meets it: the Backend protocol, opening, the status-bar words."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from fake_x_api import World
from x_helpers import Clock, backend_for, env_of

from tuicoach import paths
from tuicoach.backends.base import Backend, SyncResult
from tuicoach.backends.x.accounts import AccountIndex, AccountRecord, signed_in_opener
from tuicoach.backends.x.backend import XBackend
from tuicoach.backends.x.settings import XSettings
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock


def test_xbackend_has_every_member_of_the_protocol(
    world: World, tmp_path: Path, clock: Clock
) -> None:
    with Store.open(tmp_path / "a.sqlite3") as store:
        backend = backend_for(world, store, clock)
        for name, member in inspect.getmembers(Backend):
            if name.startswith("_"):
                continue
            assert hasattr(backend, name), name
            if callable(member):
                mine = inspect.signature(getattr(XBackend, name))
                assert list(mine.parameters) == list(inspect.signature(member).parameters), name
        assert backend.is_demo is False
        assert backend.account.id == world.me["id"]
        assert backend.account.username == "acme_bakery"
        assert isinstance(backend.sync(), SyncResult)
        assert store.account() is not None and store.account().id == world.me["id"]  # type: ignore[union-attr]
        backend.close()


def test_spend_today_for_the_status_bar(world: World, tmp_path: Path, clock: Clock) -> None:
    world.fake.add_tweet(world.strangers[0], "@acme_bakery hello")
    with Store.open(tmp_path / "a.sqlite3") as store:
        backend = backend_for(world, store, clock)
        assert backend.spend_today() == "X today $0.000 (0 reads)"
        backend.sync()
        reads = world.fake.billed_reads("post") + world.fake.billed_reads("user")
        spent = 0.005 * world.fake.billed_reads("post") + 0.010 * world.fake.billed_reads("user")
        assert backend.spend_today() == f"X today ${spent:.3f} ({reads} reads)"


def test_opener_costs_nothing_and_opens_in_a_worker(
    world: World, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUICOACH_X_API_BASE", world.fake.url)
    assert signed_in_opener(data_dir=tmp_path, env={}) is None

    env = env_of(world)
    opener = signed_in_opener(
        data_dir=tmp_path, env=env, clock=clock, settings=XSettings(timeout=2)
    )
    assert opener is not None
    assert world.fake.requests() == []  # deciding asked nothing
    store, backend = opener()
    try:
        assert backend.account.username == "acme_bakery"
        assert store.path == paths.account_db(tmp_path, "acme_bakery")
        assert [s.route for s in world.fake.requests()] == ["me"]  # who these credentials are
    finally:
        backend.close()
        store.close()
    index = AccountIndex.load(tmp_path)
    assert index.by_id(world.me["id"]) == AccountRecord(
        "acme_bakery", world.me["id"], "Acme Bakery", index.accounts[0].added_at
    )
    again = signed_in_opener(data_dir=tmp_path, env=env, clock=clock)
    assert again is not None
    store, backend = again()
    backend.close()
    store.close()
    assert [s.route for s in world.fake.requests()] == ["me"]  # remembered: not asked again


@pytest.mark.parametrize(
    "module",
    [
        "tuicoach.backends.x.accounts",
        "tuicoach.backends.x.cost",
        "tuicoach.config",
        "tuicoach.cli.sync",
    ],
)
def test_light_modules_load_no_network_or_keyring(module: str) -> None:
    """The status bar's meter, the config and the account check stay cheap to import."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout
    heavy = {m.split(".")[0] for m in json.loads(out)} & {
        "tweepy",
        "requests",
        "keyring",
        "textual",
    }
    assert heavy == set()
