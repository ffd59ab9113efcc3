"""Claims and assignments on both engines: exactly one of several concurrent claimers wins.

Each claimer has a store of its own (its own connection, as a teammate's
machine would), on one SQLite file or one PostgreSQL database; threads start
together at a barrier, processes at a signal file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO

from tuicoach.store import Store
from tuicoach.store import team as t

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each test below runs on both engines: SQLite, then PostgreSQL (tests/pg_helpers.py)."""
    return store_both


def opener(store: Store, tmp_path: Path) -> Callable[[], Store]:
    """Another connection to the same store, as another machine would have."""
    if store.engine == "postgresql":
        url = store.where
        return lambda: Store.connect(url)
    return lambda: Store.open(store.path)


def test_a_claim_is_held_until_released_and_others_are_told_who(store: Store) -> None:
    first = t.claim(store, "1", by="Jen", now=NOW)
    assert first.won and first.holder == t.Claim("1", "Jen", NOW)
    lost = t.claim(store, "1", by="Sam", now=NOW + timedelta(seconds=1))
    assert not lost.won and lost.holder.by == "Jen" and lost.holder.at == NOW
    assert t.claim(store, "1", by="Jen", now=NOW + timedelta(minutes=1)).won  # hers still
    assert not t.release(store, "1", by="Sam")  # not his to let go
    assert t.holder(store, "1") is not None
    assert t.release(store, "1", by="Jen")
    assert t.holder(store, "1") is None and t.claims(store) == {}
    assert t.claim(store, "1", by="Sam", now=NOW).won


def test_an_assignment_gives_a_mention_to_a_teammate_whoever_had_it(store: Store) -> None:
    t.claim(store, "1", by="Jen", now=NOW)
    given = t.assign(store, "1", to="Sam", by="Jen", now=NOW)
    assert given == t.Claim("1", "Sam", NOW, assigned_by="Jen")
    assert t.assign(store, "2", to="Kim", by="Jen", now=NOW).by == "Kim"  # never claimed
    assert not t.claim(store, "1", by="Jen", now=NOW).won
    assert {k: c.by for k, c in t.claims(store).items()} == {"1": "Sam", "2": "Kim"}
    assert set(t.claims(store, ["2", "3"])) == {"2"}


def test_a_claim_needs_a_name(store: Store) -> None:
    with pytest.raises(ValueError, match=r"\[team\]"):
        t.claim(store, "1", by="  ", now=NOW)
    assert t.claims(store) == {}


def race(stores: list[Store], tweet_id: str) -> list[t.ClaimResult]:
    """Every store claims ``tweet_id`` at once (threads released together by a barrier)."""
    barrier = threading.Barrier(len(stores))
    results: list[t.ClaimResult] = []
    errors: list[BaseException] = []

    def run(mine: Store, name: str) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(t.claim(mine, tweet_id, by=name, now=NOW))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s, f"mate{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == len(stores)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("claimers", range(2, 9))
def test_of_concurrent_claimers_exactly_one_wins(
    store: Store, tmp_path: Path, claimers: int
) -> None:
    another = opener(store, tmp_path)
    stores = [another() for _ in range(claimers)]
    try:
        for round_ in range(10):
            results = race(stores, f"r{round_}")
            winners = [r.holder.by for r in results if r.won]
            assert len(winners) == 1, winners
            assert {r.holder.by for r in results} == set(winners)  # the rest are told who
            held = t.holder(store, f"r{round_}")
            assert held is not None and held.by == winners[0]
    finally:
        for s in stores:
            s.close()


CLAIMER = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from tuicoach.store import Store
from tuicoach.store import team as t
target, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = Store.open_target(target)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
result = t.claim(store, "race", by=name, now=datetime.now(UTC))
print(json.dumps({"won": result.won, "holder": result.holder.by}), flush=True)
store.close()
"""


@pytest.mark.slow
def test_of_concurrent_processes_exactly_one_wins(store: Store, tmp_path: Path) -> None:
    target = store.where if store.engine == "postgresql" else str(store.path)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, target, f"mate{i}", str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(6)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        go.touch()
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            outcomes.append(json.loads(out))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    winners = [o["holder"] for o in outcomes if o["won"]]
    assert len(winners) == 1 and {o["holder"] for o in outcomes} == set(winners)


def test_one_machine_holds_the_sync_lease_until_it_lapses(store: Store) -> None:
    assert t.hold_sync_lease(store, "42", "jen-laptop", now=NOW) == "jen-laptop"
    later = NOW + timedelta(seconds=30)
    assert t.hold_sync_lease(store, "42", "sam-desk", now=later) == "jen-laptop"
    assert t.hold_sync_lease(store, "7", "sam-desk", now=later) == "sam-desk"  # another account
    # Jen's machine renews it while it syncs; once it stops, Sam's takes over within a lease.
    renewed = NOW + timedelta(seconds=50)
    assert t.hold_sync_lease(store, "42", "jen-laptop", now=renewed) == "jen-laptop"
    assert t.hold_sync_lease(store, "42", "sam-desk", now=renewed + timedelta(seconds=59)) == (
        "jen-laptop"
    )
    lapsed = renewed + t.SYNC_LEASE + timedelta(seconds=1)
    assert t.hold_sync_lease(store, "42", "sam-desk", now=lapsed) == "sam-desk"
    assert t.hold_sync_lease(store, "42", "jen-laptop", now=lapsed) == "sam-desk"
    t.drop_sync_lease(store, "42", "jen-laptop")  # not hers to drop: nothing changes
    assert t.hold_sync_lease(store, "42", "jen-laptop", now=lapsed) == "sam-desk"
    t.drop_sync_lease(store, "42", "sam-desk")  # Sam quits: Jen's takes it at once
    assert t.hold_sync_lease(store, "42", "jen-laptop", now=lapsed) == "jen-laptop"


@pytest.mark.parametrize("machines", [2, 8])
def test_of_machines_asking_at_once_one_syncs(store: Store, tmp_path: Path, machines: int) -> None:
    another = opener(store, tmp_path)
    stores = [another() for _ in range(machines)]
    try:
        for round_ in range(5):
            barrier = threading.Barrier(machines)
            said: list[tuple[str, str]] = []

            def ask(
                mine: Store,
                name: str,
                account: str,
                barrier: threading.Barrier,
                said: list[tuple[str, str]],
            ) -> None:
                barrier.wait(timeout=30)
                said.append((name, t.hold_sync_lease(mine, account, name, now=NOW)))

            threads = [
                threading.Thread(target=ask, args=(s, f"m{i}", f"acct{round_}", barrier, said))
                for i, s in enumerate(stores)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert len(said) == machines
            holders = {holder for _, holder in said}
            assert len(holders) == 1, said  # all agree on one holder
            assert sum(name == holder for name, holder in said) == 1
    finally:
        for s in stores:
            s.close()
