"""Exactly once, measured: kill -9 `tuicoach post` under each fault, recover, count copies on X.

For each fault a fake X API (tests/fake_x_api.py, on 127.0.0.1) can inject, and
each recovery path, it runs ``--trials`` trials. A trial arms the fault for the
first ``create_tweet``, starts ``python -m tuicoach post TEXT`` as a real
process, kills it with SIGKILL at one of several moments (cycled through the
trials: soon after start, as the request reaches X, while X is still working,
or never), then runs the recovery path as a user would, and finally counts the
tweets on X with that text and the drafts holding it in the store:

- double: X has it more than once;
- lost: X does not have it and no draft or outbox record holds it, although
  the post command had recorded it (killed before recording, the command
  never accepted the post, so nothing of tuicoach's was lost);
- out: X has it exactly once; kept: not on X, but its draft is kept.

Time is scaled down so a trial takes seconds: the request timeout is 0.5 s and
the settle margin (``TUICOACH_X_SETTLE_MARGIN``) 1 s instead of 60 s; lags and
slow acceptance are scaled the same way (a 0.7 s own-tweets lag against the
1 s margin stands for 30 s against 60 s; the slow X stores 0.4 s after the
timeout, as the issue's 1.5 s after a kill).

To add a case: append a :class:`Fault` to ``FAULTS`` (what to arm on the fake),
or a recovery to ``PATHS`` (a function of the trial that runs commands). The
``queue run`` path first runs ``tuicoach queue add TEXT --at <5 s ago>``, then
kills ``tuicoach queue run`` and recovers with ``queue run`` again and ``sync``.

    PYTHONPATH=. python benchmarks/exactly_once.py [--trials 20] [--jobs 3] [--only NAME]
        [--path post|"queue run"]
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fake_x_api import FakeX, World, make_world  # noqa: E402
from x_helpers import env_of  # noqa: E402

#: The tuicoach checkout whose `tuicoach` runs (``--repo``); the fake is always this one's.
UNDER_TEST = REPO

TIMEOUT = 0.5
MARGIN = 1.0
WINDOW = TIMEOUT + MARGIN


@dataclass(frozen=True)
class Fault:
    name: str
    arm: Callable[[FakeX], None]
    lag: float = 0.0  # the own-tweets list lags this long behind writes


FAULTS: list[Fault] = [
    Fault("none", lambda fake: None),
    Fault("accept, then drop", lambda fake: fake.lose_response("create_tweet", how="drop")),
    Fault("accept, then stall", lambda fake: fake.lose_response("create_tweet", how="stall")),
    Fault("201 cut short", lambda fake: fake.mangle("create_tweet", how="cut")),
    Fault("201 not JSON", lambda fake: fake.mangle("create_tweet", how="notjson")),
    Fault("201 HTML", lambda fake: fake.mangle("create_tweet", how="html")),
    Fault("201 empty", lambda fake: fake.mangle("create_tweet", how="empty")),
    Fault("503 after storing", lambda fake: fake.fail_after("create_tweet", 503)),
    Fault("503, not stored", lambda fake: fake.fail("create_tweet", 503)),
    Fault("dropped, not stored", lambda fake: fake.drop("create_tweet")),
    Fault("slow: stores after timeout", lambda fake: fake.slow("create_tweet", seconds=0.9)),
    Fault(
        "lost answer, own list lags",
        lambda fake: fake.lose_response("create_tweet", how="drop"),
        lag=0.7,
    ),
]

#: When the post process is killed: seconds after start, or after its request reached X.
KILLS: list[tuple[str, float]] = [
    ("never", -1.0),
    ("start+0.15s", 0.15),
    ("at send", 0.0),
    ("send+0.2s", 0.2),
    ("send+0.6s", 0.6),
]


@dataclass
class Trial:
    fake: FakeX
    world: World
    folder: Path
    text: str
    env: dict[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def run(self, *args: str) -> int:
        done = subprocess.run(
            [sys.executable, "-m", "tuicoach", *args],
            env=self.env,
            cwd=UNDER_TEST,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.log.append(f"{' '.join(args[:1])}: {done.returncode} {done.stderr[-300:]}")
        return done.returncode


def sync_twice(trial: Trial) -> None:
    """`tuicoach sync` at once, and again once the window has passed (and once more)."""
    trial.run("sync")
    time.sleep(WINDOW + 0.2)
    trial.run("sync")
    trial.run("sync")


def post_again(trial: Trial) -> None:
    """The user runs the same `tuicoach post` at once, and again later; then a sync."""
    trial.run("post", trial.text)
    time.sleep(WINDOW + 0.2)
    trial.run("post", trial.text)
    trial.run("sync")


def queue_run_again(trial: Trial) -> None:
    """`tuicoach queue run` at once, again once the window has passed, then a sync."""
    trial.run("queue", "run")
    time.sleep(WINDOW + 0.2)
    trial.run("queue", "run")
    trial.run("sync")


#: The killed command's path, and its recoveries (each run for every fault).
PATHS: dict[str, dict[str, Callable[[Trial], None]]] = {
    "post": {"sync": sync_twice, "post again": post_again},
    "queue run": {"queue run, sync": queue_run_again},
}
RECOVERIES: dict[str, Callable[[Trial], None]] = {
    name: recovery for recoveries in PATHS.values() for name, recovery in recoveries.items()
}


def recorded(db: Path, text: str) -> tuple[bool, bool]:
    """(a draft holds ``text``, an outbox record holds it)."""
    if not db.exists() or db.stat().st_size == 0:
        return False, False
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        drafts = conn.execute("SELECT count(*) FROM drafts WHERE text = ?", (text,)).fetchone()
        try:
            outbox = conn.execute(
                "SELECT count(*) FROM outbox WHERE text = ? AND state != 'sent'", (text,)
            ).fetchone()
        except sqlite3.Error:
            outbox = (0,)
        queued = _queued(conn, text, "state NOT IN ('posted')")
    return bool(drafts[0]), bool(outbox[0] or queued)


def _queued(conn: sqlite3.Connection, text: str, where: str = "1") -> bool:
    """Whether the posting queue (schema 7) holds ``text`` (``where``: which states)."""
    try:
        row = conn.execute(f"SELECT count(*) FROM queue WHERE text = ? AND {where}", (text,))
        return bool(row.fetchone()[0])
    except sqlite3.Error:
        return False


def ever_recorded(db: Path, text: str) -> bool:
    if not db.exists() or db.stat().st_size == 0:
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT count(*) FROM outbox WHERE text = ?", (text,)).fetchone()
            drafts = conn.execute("SELECT count(*) FROM drafts WHERE text = ?", (text,)).fetchone()
            queued = _queued(conn, text)
    except sqlite3.Error:
        return False
    return bool(row[0] or drafts[0] or queued)


def one_trial(
    fake: FakeX,
    world: World,
    fault: Fault,
    recovery: str,
    kill: tuple[str, float],
    n: int,
    path: str = "post",
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="tuicoach-once-") as tmp:
        folder = Path(tmp)
        text = f"Trial {n} of {fault.name} / {recovery}: rye and spelt from 8 today"
        (folder / "config.toml").write_text(
            f"[x]\ntimeout = {TIMEOUT}\nretries = 1\n", encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
        env |= env_of(world) | {
            "TUICOACH_DATA_DIR": str(folder / "data"),
            "TUICOACH_CONFIG": str(folder / "config.toml"),
            "TUICOACH_X_API_BASE": fake.url,
            "TUICOACH_X_SETTLE_MARGIN": str(MARGIN),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPATH": str(UNDER_TEST),
        }
        trial = Trial(fake, world, folder, text, env)
        if path == "queue run":
            # Queued for a slot just past, so `queue run` posts it at once (not "late").
            trial.run("sync")  # the store learns whose account it is, as a user's first run
            slot = (datetime.now(UTC) - timedelta(seconds=5)).isoformat(timespec="seconds")
            if trial.run("queue", "add", text, "--at", slot, "--force") != 0:
                raise RuntimeError(f"queue add failed: {trial.log[-1]}")
            command = ["queue", "run"]
        else:
            command = ["post", text]
        fake.own_lag = fault.lag
        fault.arm(fake)
        before = len(fake.arrived)
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "tuicoach", *command],
            env=env,
            cwd=UNDER_TEST,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        name, offset = kill
        if name.startswith("start"):
            time.sleep(max(0.0, offset - (time.monotonic() - started)))
        elif name != "never":
            while "create_tweet" not in fake.arrived[before:] and process.poll() is None:
                time.sleep(0.005)
            time.sleep(offset)
        if name != "never" and process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        fake.clear_faults()  # a fault not reached (killed first) must not hit recovery
        db = folder / "data" / "accounts" / "acme_bakery.sqlite3"  # tuicoach.paths
        was_recorded = ever_recorded(db, text)
        RECOVERIES[recovery](trial)
        time.sleep(fault.lag)
        on_x = sum(1 for t in fake.tweets_by(world.me) if t["text"] == text)
        if not db.exists():  # else nothing could count as lost: the table would lie
            raise RuntimeError(f"no store at {db} after recovery: {trial.log}")
        draft, queued = recorded(db, text)
        fake.own_lag = 0.0
        return {
            "double": on_x > 1,
            "lost": on_x == 0 and was_recorded and not (draft or queued),
            "out": on_x == 1,
            "kept": on_x == 0 and (draft or queued),
            "unrecorded": on_x == 0 and not was_recorded and not (draft or queued),
            "log": trial.log,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per fault and recovery")
    parser.add_argument("--jobs", type=int, default=3, help="trials run at once (one fake each)")
    parser.add_argument("--only", help="run only the faults whose name contains this")
    parser.add_argument("--path", choices=sorted(PATHS), help="run only this killed command")
    parser.add_argument("--verbose", action="store_true", help="print each double or loss")
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="the tuicoach checkout to run (e.g. main's)"
    )
    args = parser.parse_args()
    global UNDER_TEST
    UNDER_TEST = args.repo.resolve()

    faults = [f for f in FAULTS if not args.only or args.only in f.name]
    fakes: list[tuple[FakeX, World]] = []
    for _ in range(max(1, args.jobs)):
        fake = FakeX().start()
        fake.reject_duplicates = False  # X may accept a second copy: count them
        fake.limits = dict.fromkeys(fake.limits, 10**9)  # not a rate-limit test: every
        # trial is a fresh store, so each asks X whose the credentials are (75 per 15 min)
        fakes.append((fake, make_world(fake)))
    free = list(range(len(fakes)))
    lock = threading.Lock()

    def job(task: tuple[Fault, str, str, int]) -> tuple[str, str, dict[str, object]]:
        fault, path, recovery, n = task
        with lock:
            slot = free.pop()
        try:
            fake, world = fakes[slot]
            result = one_trial(fake, world, fault, recovery, KILLS[n % len(KILLS)], n, path)
        finally:
            with lock:
                free.append(slot)
        return fault.name, f"{path} killed; {recovery}", result

    paths = [p for p in PATHS if not args.path or args.path == p]
    tasks = [
        (fault, path, recovery, n)
        for fault, path in itertools.product(faults, paths)
        for recovery in PATHS[path]
        for n in range(args.trials)
    ]
    totals: dict[tuple[str, str], dict[str, int]] = {}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(fakes)) as pool:
        for name, recovery, result in pool.map(job, tasks):
            row = totals.setdefault(
                (name, recovery),
                {"trials": 0, "doubles": 0, "lost": 0, "out": 0, "kept": 0, "unrecorded": 0},
            )
            row["trials"] += 1
            for key, flag in (("doubles", "double"), ("lost", "lost"), ("out", "out")):
                row[key] += bool(result[flag])
            row["kept"] += bool(result["kept"])
            row["unrecorded"] += bool(result["unrecorded"])
            if args.verbose and (result["double"] or result["lost"] or result["unrecorded"]):
                print(name, recovery, result["log"], file=sys.stderr)
            if row["trials"] == args.trials:  # a row is whole: show it now (stderr)
                print(f"row: | {name} | {recovery} | {row['trials']} | {row['doubles']} "
                      f"| {row['lost']} | {row['out']} | {row['kept']} | {row['unrecorded']} |",
                      file=sys.stderr, flush=True)  # fmt: skip
            done = sum(r["trials"] for r in totals.values())
            if done % 20 == 0:
                print(f"{done}/{len(tasks)} trials", file=sys.stderr, flush=True)
    for fake, _ in fakes:
        fake.stop()

    killed = " and ".join(f"`tuicoach {p}`" for p in paths)
    print(f"kill -9 of {killed} at {', '.join(k for k, _ in KILLS)} (cycled); ", end="")
    print(f"timeout {TIMEOUT}s, margin {MARGIN}s; {time.monotonic() - started:.0f}s in all\n")
    print(
        "| fault | killed; recovery | trials | doubles | lost drafts | out once | kept, not out "
        "| killed before recording |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for (name, recovery), row in totals.items():
        print(
            f"| {name} | {recovery} | {row['trials']} | {row['doubles']} | {row['lost']} "
            f"| {row['out']} | {row['kept']} | {row['unrecorded']} |"
        )
    doubles = sum(r["doubles"] for r in totals.values())
    lost = sum(r["lost"] for r in totals.values())
    trials = sum(r["trials"] for r in totals.values())
    print(f"\ntotal: {trials} trials, {doubles} doubles, {lost} lost")


if __name__ == "__main__":
    main()
