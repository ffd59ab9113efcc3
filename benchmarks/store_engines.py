"""The store on SQLite against the store on PostgreSQL, in the same run.

    PYTHONPATH=. python benchmarks/store_engines.py [--json] [--mentions N] [--url URL]

Writes N mentions as a sync would (pages of 100, each page one transaction with
its authors), then times what the app asks of the store afterwards, on each
engine:

- ``sync_s`` and ``mentions_per_s``: the N mentions in pages of 100;
- ``owed_ms``: the owed list over them, first (tracker built) and again
  (tracker kept: nobody wrote in between);
- ``claim_ms``: one claim (store/team.py), median of 200.

PostgreSQL is ``--url`` (or ``$TUICOACH_STORE_URL``), an empty database the
run may fill (its password from ~/.pgpass or ``$PGPASSWORD``); without one,
a throwaway server is started as the tests do (tests/pg_helpers.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tuicoach.backends.registry  # noqa: F401  (the backends' schema steps: a store needs them to open)
from tuicoach.domain.models import Tweet, User
from tuicoach.store import Store, team

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = User("1", "acme_bakery")


def mentions(count: int) -> list[Tweet]:
    return [
        Tweet(
            id=str(10_000_000 + i),
            text=f"@acme_bakery is the rye in today? ({i})",
            created_at=NOW - timedelta(seconds=count - i),
            author_id=str(100 + i % 5000),
            in_reply_to_user_id=ME.id,
            conversation_id=str(10_000_000 + i),
        )
        for i in range(count)
    ]


def measure(store: Store, count: int) -> dict[str, float]:
    store.set_account(ME)
    batch = mentions(count)
    users = [User(str(100 + i), f"fan{i}") for i in range(min(count, 5000))]
    started = time.perf_counter()
    for start in range(0, count, 100):
        page = batch[start : start + 100]
        store.upsert_users(u for u in users[start % 5000 : start % 5000 + 100])
        store.upsert_tweets(page, stream="mentions")
    sync_s = time.perf_counter() - started
    started = time.perf_counter()
    owed = store.owed(now=NOW)
    first = time.perf_counter() - started
    started = time.perf_counter()
    store.owed(now=NOW)
    again = time.perf_counter() - started
    assert len(owed) == count, len(owed)
    claims = []
    for i in range(200):
        started = time.perf_counter()
        team.claim(store, batch[i].id, by="Jen", now=NOW)
        claims.append(time.perf_counter() - started)
    return {
        "sync_s": round(sync_s, 2),
        "mentions_per_s": round(count / sync_s),
        "owed_first_ms": round(first * 1000, 1),
        "owed_again_ms": round(again * 1000, 1),
        "claim_ms": round(statistics.median(claims) * 1000, 2),
    }


@contextlib.contextmanager
def postgresql(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import pg_helpers

    with pg_helpers.session_server() as (server, reason):
        if server is None:
            raise SystemExit(f"no PostgreSQL to measure: {reason} (or give --url)")
        os.environ["PGPASSWORD"] = server.password
        name = pg_helpers.fresh_database(server)
        yield server.url(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--url", default=os.environ.get("TUICOACH_STORE_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "b.sqlite3") as lite:
        results["sqlite"] = measure(lite, args.mentions)
    with postgresql(args.url) as url, Store.connect(url) as pg:
        results["postgresql"] = measure(pg, args.mentions)
    if args.json:
        print(json.dumps({"mentions": args.mentions, **results}, indent=2))
        return
    print(f"{args.mentions} mentions, in pages of 100:")
    for engine, numbers in results.items():
        print(f"  {engine:<10} " + "  ".join(f"{k} {v}" for k, v in numbers.items()))


if __name__ == "__main__":
    main()
