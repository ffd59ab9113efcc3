"""How soon a teammate's presence shows on a Mentions row in the app, on PostgreSQL.

    PYTHONPATH=. python benchmarks/team_ui.py [--runs 40] [--url URL] [--json]

Sam's app (the real app, headless under Textual's Pilot, the X backend on the
fake X API on 127.0.0.1, its store in PostgreSQL) lists two owed mentions.
"Jen" (a second connection to the same database, writing as her app does)
opens one of them, or starts replying, or leaves: each run times from her
``presence`` write's commit to Sam's row saying so ("Jen is replying"), which
goes LISTEN/NOTIFY -> the app's listener thread -> a worker reading the team ->
the row drawn again. The slow poll is switched off, so only the push counts.
Prints p50, p95 and max, and this process's CPU time (the app and the runs; the
server is a process of its own).

PostgreSQL is ``--url`` (or ``$TUICOACH_STORE_URL``), an empty database; without
one, a throwaway server is started as the tests do (tests/pg_helpers.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_x_api import FakeX, make_world, memory_keyring
from x_helpers import Clock

from tuicoach.backends.registry import Request, load
from tuicoach.backends.x.config import XSection
from tuicoach.backends.x.credentials import ENV_VARS
from tuicoach.config import Config
from tuicoach.store import Store, presence
from tuicoach.ui import team as ui_team
from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import _with_sections, backend_connect


@contextlib.contextmanager
def postgresql(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    import pg_helpers

    with pg_helpers.session_server() as (server, reason):
        if server is None:
            raise SystemExit(f"no PostgreSQL to measure: {reason} (or give --url)")
        os.environ["PGPASSWORD"] = server.password
        yield server.url(pg_helpers.fresh_database(server))


async def measure(url: str, runs: int, folder: Path) -> list[float]:
    clock = Clock()
    ui_team.TEAM_POLL = 3600.0  # only LISTEN/NOTIFY brings a change here
    with FakeX(clock=clock.epoch) as fake:
        world = make_world(fake)
        fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
        fake.add_tweet(world.strangers[1], "@acme_bakery is it vegan?")
        for name, value in zip(ENV_VARS, world.secrets, strict=True):
            os.environ[name] = value
        x = XSection(api_base=fake.url, timeout=2.0, retries=1)
        request = Request(data_dir=folder, clock=clock, sections={"x": x}, store_url=url)
        connect = _with_sections(
            backend_connect(load("x"), request), Config(folder / "c.toml", team_name="Sam")
        )
        app = TuicoachApp(connect=connect, clock=clock, theme="espresso", sync=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.5)
            app.action_refresh()  # Sam's app syncs the two mentions
            for _ in range(500):
                await pilot.pause(0.02)
                team = app.main.team
                snap = app.main.mentions.snapshot
                if team and team.listening and snap and len(snap.owed) == 2:
                    break
            else:
                raise RuntimeError("the app did not list two owed mentions, listening")
            snapshot = app.main.mentions.snapshot
            assert snapshot is not None
            target = snapshot.owed[0].tweet.id
            states = ["open", "replying", None]
            expected = {"open": "Jen has it open", "replying": "Jen is replying", None: None}
            times: list[float] = []
            with Store.connect(url) as jen:
                for run in range(runs):
                    state = states[run % len(states)]
                    if state is None:
                        presence.leave(jen, who="Jen")
                    else:
                        presence.heartbeat(
                            jen, who="Jen", tweet_id=target, state=state, now=clock.now
                        )
                    start = time.perf_counter()
                    while True:
                        shown = app.main.mentions.snapshot
                        assert shown is not None
                        words = next(r.team for r in shown.mentions if r.tweet.id == target)
                        if words == expected[state]:
                            break
                        if time.perf_counter() - start > 10:
                            raise RuntimeError(f"run {run}: {expected[state]!r} never shown")
                        await asyncio.sleep(0.002)
                    times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url", default=os.environ.get("TUICOACH_STORE_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cpu = time.process_time()
    with (
        postgresql(args.url) as url,
        tempfile.TemporaryDirectory() as folder,
        memory_keyring(),
    ):
        times = asyncio.run(measure(url, args.runs, Path(folder)))
    cpu = time.process_time() - cpu
    ms = sorted(t * 1000 for t in times)
    result = {
        "runs": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[max(0, round(0.95 * len(ms)) - 1)], 1),
        "max_ms": round(ms[-1], 1),
        "process_cpu_s": round(cpu, 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"a teammate's presence to Sam's Mentions row, {result['runs']} runs (LISTEN/NOTIFY):")
    print(f"  p50 {result['p50_ms']} ms   p95 {result['p95_ms']} ms   max {result['max_ms']} ms")
    print(f"  CPU time of this process (the app and the runs): {result['process_cpu_s']} s")


if __name__ == "__main__":
    main()
