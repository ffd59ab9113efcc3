"""Exactly once, measured: kill -9 post, queue run or the app under each fault; count copies.

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

The ``app`` path runs the real app (``python -m tuicoach``, signed in by the
``TUICOACH_X_*`` variables, ``poll_seconds = 1``) in a pseudo-terminal and
drives it by keys: a fresh mention arrives, ``2``, ``g``, ``r`` reply to it,
the reply is typed and autosaved (read back from the store), then ``alt+s``
sends it (past the coach's question, if any). The app is killed with -9 before
Send, as the request reaches X, 0.2 and 0.6 s into it, once X has stored the
tweet, or once the answer is in. Recoveries: ``app Send`` restarts the app,
presses Send on the restored draft at once and again after the window (a Send
while the store says the record is in flight must explain: counted as
"explained / sent"; "Keep it" is chosen); ``sync``; ``post again`` (the same
reply, ``--reply-to`` the mention). ``app Send`` uses a margin of
``APP_MARGIN`` s, so the restart falls inside the window.

    PYTHONPATH=. python benchmarks/exactly_once.py [--trials 20] [--jobs 3] [--only NAME]
        [--path post|"queue run"|app]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import secrets
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
from pty_app import ESCAPE, EXPLAINED, LIVE, AppInPty, start_reply  # noqa: E402
from x_helpers import env_of  # noqa: E402

#: The tuicoach checkout whose `tuicoach` runs (``--repo``); the fake is always this one's.
UNDER_TEST = REPO

TIMEOUT = 0.5
MARGIN = 1.0
WINDOW = TIMEOUT + MARGIN
#: The app's Send after a restart is only tested while unconfirmed if the window is longer
#: than a restart of the app (3 to 8 s on a loaded machine): that recovery's margin.
APP_MARGIN = 8.0


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
#: When the app is killed: with the reply typed and saved but not sent, as Send's request
#: reaches X and after, once X has stored it, or once its answer (or none) is in.
APP_KILLS: list[tuple[str, float]] = [
    ("before Send", 0.0),
    ("at send", 0.0),
    ("send+0.2s", 0.2),
    ("send+0.6s", 0.6),
    ("X stored it", 0.1),
    ("answered", 2.0),
]


@dataclass
class Trial:
    fake: FakeX
    world: World
    folder: Path
    text: str
    env: dict[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    reply_to: str | None = None  # the mention a reply from the app answers
    #: What marks the trial's post: its text, or (the app) a token in it, so an edit of
    #: the draft in the app is still the same post (a copy of it is still a double).
    needle: str = ""
    margin: float = MARGIN
    #: The restarted app's Sends while the draft's record was unconfirmed: how many
    #: explained (sending nothing), and how many sent anyway (never right).
    explained: int = 0
    ignored: int = 0

    @property
    def window(self) -> float:
        return TIMEOUT + self.margin

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
    time.sleep(trial.window + 0.2)
    trial.run("sync")
    trial.run("sync")


def post_again(trial: Trial) -> None:
    """The user runs the same `tuicoach post` at once, and again later; then a sync.

    A reply (from the app) is posted again as the same reply: ``--reply-to`` its mention.
    """
    target = ("--reply-to", trial.reply_to) if trial.reply_to else ()
    trial.run("post", *target, trial.text)
    time.sleep(trial.window + 0.2)
    trial.run("post", *target, trial.text)
    trial.run("sync")


def queue_run_again(trial: Trial) -> None:
    """`tuicoach queue run` at once, again once the window has passed, then a sync."""
    trial.run("queue", "run")
    time.sleep(trial.window + 0.2)
    trial.run("queue", "run")
    trial.run("sync")


def _kill_live(*_: object) -> None:
    for app in list(LIVE):
        with contextlib.suppress(OSError):
            os.killpg(app.process.pid, signal.SIGKILL)
    os._exit(130)


def in_flight(db: Path, text: str) -> bool:
    """Whether the outbox holds ``text`` in flight (unconfirmed), read from the store."""
    with contextlib.suppress(sqlite3.Error):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM outbox WHERE instr(text, ?) > 0 AND state = 'sending'",
                (text,),
            ).fetchone()
        return bool(row[0])
    return False


def app_send_again(trial: Trial) -> None:
    """Restart the app; Send the restored draft at once, and again once the window passed.

    While the record is unconfirmed Send must explain (counted), and is answered "Keep
    it" (escape); the app syncs every second meanwhile (``poll_seconds = 1``).
    """
    app = AppInPty(trial.env, cwd=UNDER_TEST)
    try:
        if app.wait_for("draft restored", "unconfirmed", "synced", seconds=60) is None:
            raise RuntimeError(f"the restarted app drew no draft: {app.drawn()[-600:]}")
        db = trial.folder / "data" / "accounts" / "acme_bakery.sqlite3"
        for attempt in range(2):
            if attempt:
                app.pump(trial.window + 0.3)
            # To the draft: escape first, so a "c" never lands in the text when Compose has
            # the focus already (escape there goes back to the list).
            app.press(ESCAPE, pause=0.4)
            app.press(b"c", pause=0.4)
            app.mark = len(app.seen)
            unconfirmed = in_flight(db, trial.needle or trial.text)
            before = len(trial.fake.arrived)
            app.send(trial.fake)
            explained = app.wait_for(EXPLAINED, seconds=1.0) is not None
            if explained:
                app.press(ESCAPE, pause=0.4)  # "Keep it"
            sent = "create_tweet" in trial.fake.arrived[before:]
            trial.log.append(f"app Send {attempt}: in flight {unconfirmed}, explained "
                             f"{explained}, sent {sent}, {len(on_x_list(trial))} on X")  # fmt: skip
            if unconfirmed:
                trial.explained += explained and not sent
                trial.ignored += sent and not explained
        app.pump(2.5)  # the last send's answer, and a sync or two
        app.mark = 0
        trial.log.append(f"screen: {' '.join(app.drawn()[-4000:].split())}")
        trial.log.append(f"X: {[t['text'] for t in on_x_list(trial)]}")
    finally:
        app.kill()


def start_app_trial(trial: Trial, token: str) -> AppInPty:
    """The app on a fresh store: reply to the newest mention, typed; wait for the autosave."""
    app = AppInPty(trial.env, cwd=UNDER_TEST)
    try:
        db = trial.folder / "data" / "accounts" / "acme_bakery.sqlite3"
        draft = start_reply(app, db, token, trial.text)
    except BaseException:
        app.kill()
        raise
    trial.text, trial.reply_to = draft
    return app


#: The killed command's path, and its recoveries (each run for every fault).
PATHS: dict[str, dict[str, Callable[[Trial], None]]] = {
    "post": {"sync": sync_twice, "post again": post_again},
    "queue run": {"queue run, sync": queue_run_again},
    "app": {"app Send": app_send_again, "sync": sync_twice, "post again": post_again},
}
RECOVERIES: dict[str, Callable[[Trial], None]] = {
    name: recovery for recoveries in PATHS.values() for name, recovery in recoveries.items()
}


def recorded(db: Path, text: str) -> tuple[bool, bool]:
    """(a draft holds ``text``, an outbox record holds it); "holds": as part of its text."""
    if not db.exists() or db.stat().st_size == 0:
        return False, False
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        drafts = _holds(conn, "drafts", text)
        outbox = _holds(conn, "outbox", text, "state != 'sent'", missing=False)
        queued = _holds(conn, "queue", text, "state NOT IN ('posted')", missing=False)
    return drafts, outbox or queued


def _holds(
    conn: sqlite3.Connection,
    table: str,
    text: str,
    where: str = "1",
    *,
    missing: bool | None = None,
) -> bool:
    """Whether ``table`` has a row holding ``text`` (``where``: which states); ``missing``:
    the answer when the table is not there (the queue is schema 7), else the error is raised."""
    query = f"SELECT count(*) FROM {table} WHERE instr(text, ?) > 0 AND {where}"
    try:
        return bool(conn.execute(query, (text,)).fetchone()[0])
    except sqlite3.Error:
        if missing is None:
            raise
        return missing


def ever_recorded(db: Path, text: str) -> bool:
    if not db.exists() or db.stat().st_size == 0:
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return any(
                _holds(conn, table, text, missing=False) for table in ("outbox", "drafts", "queue")
            )
    except sqlite3.Error:
        return False


def kill_command(trial: Trial, command: list[str], fault: Fault, kill: tuple[str, float]) -> None:
    """Run ``tuicoach COMMAND`` under ``fault``; SIGKILL it at the ``kill`` moment."""
    fake = trial.fake
    fake.own_lag = fault.lag
    fault.arm(fake)
    before = len(fake.arrived)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "tuicoach", *command],
        env=trial.env,
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


def app_kill(trial: Trial, *, app: AppInPty, fault: Fault, kill: tuple[str, float]) -> None:
    """Send the app's typed reply under ``fault`` (unless killed before); SIGKILL the app."""
    fake = trial.fake
    fake.own_lag = fault.lag
    fault.arm(fake)
    before = len(fake.arrived)
    name, offset = kill
    try:
        if name == "before Send":
            return
        app.send(trial.fake)
        end = time.monotonic() + 10
        while "create_tweet" not in fake.arrived[before:] and time.monotonic() < end:
            app.pump(0.005)
        if "create_tweet" not in fake.arrived[before:]:
            raise RuntimeError(f"Send never reached X: {app.drawn()[-600:]}")
        if name == "X stored it":  # or long enough that it never will (not stored faults)
            end = time.monotonic() + 2 * TIMEOUT + 1
            while not on_x(trial) and time.monotonic() < end:
                app.pump(0.01)
        app.pump(offset)
    finally:
        app.kill()


def on_x(trial: Trial) -> int:
    """How many copies of the trial's post X has."""
    return len(on_x_list(trial))


def on_x_list(trial: Trial) -> list[dict[str, object]]:
    if trial.needle:
        return [t for t in trial.fake.tweets_by(trial.world.me) if trial.needle in t["text"]]
    return [t for t in trial.fake.tweets_by(trial.world.me) if t["text"] == trial.text]


def outbox_rows(db: Path) -> list[tuple[object, ...]]:
    query = "SELECT id, state, draft_id, attempts, last_error, text FROM outbox"
    with (
        contextlib.suppress(sqlite3.Error),
        contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn,
    ):
        return list(conn.execute(query))
    return []


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
            f"[x]\ntimeout = {TIMEOUT}\nretries = 1\npoll_seconds = 1\n", encoding="utf-8"
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
        if recovery == "app Send":
            env["TUICOACH_X_SETTLE_MARGIN"] = str(APP_MARGIN)
        trial = Trial(fake, world, folder, text, env, margin=float(env["TUICOACH_X_SETTLE_MARGIN"]))
        if path == "queue run":
            # Queued for a slot just past, so `queue run` posts it at once (not "late").
            trial.run("sync")  # the store learns whose account it is, as a user's first run
            slot = (datetime.now(UTC) - timedelta(seconds=5)).isoformat(timespec="seconds")
            if trial.run("queue", "add", text, "--at", slot, "--force") != 0:
                raise RuntimeError(f"queue add failed: {trial.log[-1]}")
            kill_command(trial, ["queue", "run"], fault, kill)
        elif path == "app":
            token = "T" + secrets.token_hex(3)  # the trial's mention, and the reply to it
            friend = world.friends[n % len(world.friends)]
            fake.add_tweet(friend, f"@acme_bakery rye at 8, {token}?")
            app_kill(trial, app=start_app_trial(trial, token), fault=fault, kill=kill)
            text = trial.text  # as the app saved it: "@friend_1 T…"
            trial.needle = token
        else:
            kill_command(trial, ["post", text], fault, kill)
        fake.clear_faults()  # a fault not reached (killed first) must not hit recovery
        db = folder / "data" / "accounts" / "acme_bakery.sqlite3"  # tuicoach.paths
        was_recorded = ever_recorded(db, trial.needle or text)
        RECOVERIES[recovery](trial)
        time.sleep(fault.lag)
        copies = on_x(trial)
        if not db.exists():  # else nothing could count as lost: the table would lie
            raise RuntimeError(f"no store at {db} after recovery: {trial.log}")
        draft, queued = recorded(db, trial.needle or text)
        trial.log.append(f"outbox: {outbox_rows(db)}; draft kept: {draft}")
        fake.own_lag = 0.0
        return {
            "double": copies > 1,
            "lost": copies == 0 and was_recorded and not (draft or queued),
            "out": copies == 1,
            "kept": copies == 0 and (draft or queued),
            "unrecorded": copies == 0 and not was_recorded and not (draft or queued),
            "explained": trial.explained,
            "ignored": trial.ignored,
            "kill": kill[0],
            "log": trial.log,
        }


#: The table's counts, and the trial's flag each sums.
FLAGS = {
    "doubles": "double",
    "lost": "lost",
    "out": "out",
    "kept": "kept",
    "unrecorded": "unrecorded",
    "explained": "explained",
    "ignored": "ignored",
}
COLUMNS = ["trials", *FLAGS, "errors"]
#: What ``--verbose`` prints a trial's log for.
BAD = ("double", "lost", "unrecorded", "ignored")


def table_row(name: str, recovery: str, row: dict[str, int]) -> str:
    sends = f"{row['explained']} / {row['ignored']}" if recovery.endswith("; app Send") else "-"
    return (
        f"| {name} | {recovery} | {row['trials']} | {row['doubles']} | {row['lost']} "
        f"| {row['out']} | {row['kept']} | {row['unrecorded']} | {sends} | {row['errors']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per fault and recovery")
    parser.add_argument("--jobs", type=int, default=3, help="trials run at once (one fake each)")
    parser.add_argument("--only", help="run only the faults whose name contains this")
    parser.add_argument("--path", choices=sorted(PATHS), help="run only this killed command")
    parser.add_argument("--recovery", help="run only the recoveries whose name contains this")
    parser.add_argument("--verbose", action="store_true", help="print each double or loss")
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="the tuicoach checkout to run (e.g. main's)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _kill_live)
    signal.signal(signal.SIGINT, _kill_live)
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
            kills = APP_KILLS if path == "app" else KILLS
            try:
                result = one_trial(fake, world, fault, recovery, kills[n % len(kills)], n, path)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                # The harness failed (an app that never drew, say): counted, never a pass.
                fake.clear_faults()
                fake.own_lag = 0.0
                result = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            with lock:
                free.append(slot)
        return fault.name, f"{path} killed; {recovery}", result

    paths = [p for p in PATHS if not args.path or args.path == p]
    tasks = [
        (fault, path, recovery, n)
        for fault, path in itertools.product(faults, paths)
        for recovery in PATHS[path]
        if not args.recovery or args.recovery in recovery
        for n in range(args.trials)
    ]
    totals: dict[tuple[str, str], dict[str, int]] = {}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(fakes)) as pool:
        for name, recovery, result in pool.map(job, tasks):
            row = totals.setdefault((name, recovery), dict.fromkeys(COLUMNS, 0))
            row["trials"] += 1
            if "error" in result:
                row["errors"] += 1
                print(name, recovery, "harness error:", result["error"], file=sys.stderr)
            else:
                for key, flag in FLAGS.items():
                    row[key] += int(result[flag])  # type: ignore[call-overload]
            if args.verbose and (flags := [f for f in BAD if result.get(f)]):
                print(name, recovery, flags, result["kill"], result["log"], file=sys.stderr)
            if row["trials"] == args.trials:  # a row is whole: show it now (stderr)
                print(f"row: {table_row(name, recovery, row)}", file=sys.stderr, flush=True)
            done = sum(r["trials"] for r in totals.values())
            if done % 20 == 0:
                print(f"{done}/{len(tasks)} trials", file=sys.stderr, flush=True)
    for fake, _ in fakes:
        fake.stop()

    killed = " and ".join("the app" if p == "app" else f"`tuicoach {p}`" for p in paths)
    for p in paths:
        kills = APP_KILLS if p == "app" else KILLS
        print(f"kill -9 of {killed} at {', '.join(k for k, _ in kills)} (cycled); ", end="")
    print(f"timeout {TIMEOUT}s, margin {MARGIN}s ({APP_MARGIN}s for the app's Send after a "
          f"restart); {time.monotonic() - started:.0f}s in all\n")  # fmt: skip
    print(
        "| fault | killed; recovery | trials | doubles | lost drafts | out once | kept, not out "
        "| killed before recording | Send while unconfirmed: explained / sent | harness errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, recovery), row in totals.items():
        print(table_row(name, recovery, row))
    doubles = sum(r["doubles"] for r in totals.values())
    lost = sum(r["lost"] for r in totals.values())
    trials = sum(r["trials"] for r in totals.values())
    print(f"\ntotal: {trials} trials, {doubles} doubles, {lost} lost")


if __name__ == "__main__":
    main()
