"""The team on one PostgreSQL store, measured: claim to seen, sync, and two teammates racing.

    PYTHONPATH=. python benchmarks/team.py [--only latency,sync,race,kill] [--claims 200]
        [--mentions 100000] [--compare REV] [--races 100] [--kills 4] [--verbose]
        [--pg-url URL] [--json]

- ``latency``: process A (a separate python) claims ``--claims`` mentions one
  after another (``tuicoach.store.team.claim``, 20 ms apart); process B (another
  python) runs a ``tuicoach.store.presence.Listener`` on the same database and
  notes when it hears each claim (``pg_notify`` on ``tuicoach_team``). Printed:
  p50, p95 and max of "A called claim" to "B heard it", in ms, on one machine's
  clock (the target is p95 under 1 s), and the same from A's commit.
- ``sync``: ``--mentions`` mentions synced into a fresh store on SQLite and on
  PostgreSQL in the same run, each in a child process of its own, through the
  X backend's real sync (``StreamSync.fetch("mentions")``: the per-page new-to-
  this-stream count, ``keep_page``'s users and tweets, the cost meter, the
  cursor and the pacer), with the X client replaced by one that serves pages of
  100 from memory (each with its 100 authors): no HTTP, so the store's part is
  what is timed. Printed: wall seconds, the child's CPU seconds, the CPU of the
  PostgreSQL backends it used (from /proc: a server on this machine), and the
  ratios to SQLite; and the same with ``ANALYZE`` every 10,000 mentions (as
  autovacuum keeps a team's database: a fresh one has no statistics, and plans
  the per-page new-to-this-stream count as a scan of the whole stream, so its
  cost grows with the stream). ``--compare REV`` also runs PostgreSQL's sync with the
  ``tuicoach`` package of git revision REV (exported to a temporary folder), in
  the same run, on the same server: before and after.
- ``race``: two teammates (Jen and Sam: a data dir and a config each, ``[store]
  url`` one database, ``[team] name`` their own) run ``tuicoach post --reply-to``
  on the same new mention at once, ``--races`` times, against one fake X on
  127.0.0.1 (tests/fake_x_api.py). Every other race holds both at the traffic
  cop's lock (``outbox_store.lock_mention``'s advisory lock, taken by this
  script) until both wait there, so they meet the check at the same moment; the
  others are only started together. Counted: one reply on X, doubles, lost, the
  exit statuses (0 and 5), the stopped teammate's draft kept.
- ``kill``: the same race, and the teammate whose reply goes to X is killed with
  SIGKILL 0.2 s after the request reached X (inside the 0.5 s timeout), for each
  way X may take it (stored with no answer, never stored, stored after the
  kill), ``--kills`` times per recovery: ``outbox resolve`` or ``sync`` on the
  other machine, ``sync`` or the same ``post`` again on the killed one, each run
  at once and again after the window (timeout + ``TUICOACH_X_SETTLE_MARGIN`` of
  1 s); then the other teammate posts theirs again (it must be stopped). Before
  each, the sync lease is cleared as if it had lapsed: a machine that does not
  hold it does not settle the outbox in ``sync`` (``XBackend.sync_report``
  returns first), so ``other: sync`` recovers only once the killed machine's
  lease has lapsed (60 s); ``outbox resolve`` does not wait for it.

PostgreSQL is ``--pg-url`` (or ``$TUICOACH_STORE_URL``): a server the run may
create databases on, ``bench_*``, dropped at the end (its password from ~/.pgpass or
``$PGPASSWORD``); without
one, a throwaway server is started as the tests do (tests/pg_helpers.py). The
machine is shared: quote CPU times and same-run ratios, not wall times alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: The tuicoach a child process of this run imports: this checkout's, or (``--compare``)
#: another revision's exported tree.
TREE = Path(os.environ.get("TEAM_BENCH_TREE", REPO))
sys.path[:0] = [str(TREE), str(REPO / "tests")]

ME_ID, ME_NAME = "1", "acme_bakery"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLAIM_GAP = 0.02  # seconds between A's claims


# -- PostgreSQL --------------------------------------------------------------------


@dataclass
class Pg:
    """Where the run's databases go: a server URL without a database, and a password."""

    base: str
    make: Any  # () -> a fresh database's URL
    env: dict[str, str] = field(default_factory=dict)  # for child processes

    def fresh(self) -> str:
        url: str = self.make()
        return url


@contextlib.contextmanager
def postgresql(url: str | None) -> Iterator[Pg]:
    """``url``'s server (a fresh database per use), or a throwaway server's."""
    import psycopg

    if url:
        parts = urllib.parse.urlsplit(url)
        made: list[str] = []

        def make() -> str:
            name = f"bench_{os.urandom(5).hex()}"
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            made.append(name)
            return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

        try:
            yield Pg(url, make)
        finally:  # the run's databases go; the server's others are left alone
            with psycopg.connect(url, autocommit=True) as admin:
                for name in made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        return
    import pg_helpers

    with pg_helpers.session_server() as (server, reason):
        if server is None:
            raise SystemExit(f"no PostgreSQL to measure: {reason} (or give --pg-url)")
        os.environ["PGPASSWORD"] = server.password
        yield Pg(
            server.url(),
            lambda: server.url(pg_helpers.fresh_database(server)),
            {"PGPASSWORD": server.password},
        )


def child_env(tree: Path = REPO) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
    return env | {
        "PYTHONPATH": str(tree),
        "TEAM_BENCH_TREE": str(tree),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]  # nearest rank
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


# -- a: claim to seen ----------------------------------------------------------------


def child_listen(url: str) -> None:
    """Process B: print ``<epoch seconds> <payload>`` for every change heard."""
    import tuicoach.backends.registry  # noqa: F401
    from tuicoach.store import Store, presence

    lock = threading.Lock()

    def heard(payload: str) -> None:
        with lock:
            print(f"{time.time():.6f} {payload}", flush=True)

    with Store.connect(url) as store:
        listener = presence.Listener(store, heard).start()
        try:
            sys.stdin.read()  # until the parent closes it
        finally:
            listener.stop()


def child_claim(url: str, count: int) -> None:
    """Process A: claim ``count`` mentions; print ``<called> <committed> <tweet id>`` each."""
    import tuicoach.backends.registry  # noqa: F401
    from tuicoach.store import Store, team

    with Store.connect(url) as store:
        for i in range(count):
            tweet_id = str(50_000_000 + i)
            called = time.time()
            result = team.claim(store, tweet_id, by="Jen", now=NOW)
            committed = time.time()
            if not result.won:
                raise SystemExit(f"claim {tweet_id} was not won: {result}")
            print(f"{called:.6f} {committed:.6f} {tweet_id}", flush=True)
            time.sleep(CLAIM_GAP)


def measure_latency(pg: Pg, count: int) -> dict[str, Any]:
    import tuicoach.backends.registry  # noqa: F401  (the X tables' schema steps)
    from tuicoach.domain.models import User
    from tuicoach.store import Store

    url = pg.fresh()
    with Store.connect(url) as store:  # the schema, before either process opens it
        store.set_account(User(ME_ID, ME_NAME))
    me = [sys.executable, str(Path(__file__).resolve())]
    env = child_env()
    heard: dict[str, float] = {}
    listening = threading.Event()
    listener = subprocess.Popen(
        [*me, "_listen", url], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def read() -> None:
        assert listener.stdout is not None
        for line in listener.stdout:
            stamp, _, payload = line.strip().partition(" ")
            if payload == "listening":
                listening.set()
            elif payload.startswith("claim "):
                heard.setdefault(payload.split()[1], float(stamp))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not listening.wait(30):
            raise SystemExit("process B never started listening")
        claimed = subprocess.run(
            [*me, "_claim", url, str(count)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if claimed.returncode:
            raise SystemExit(f"process A failed: {claimed.stderr[-800:]}")
        calls = [line.split() for line in claimed.stdout.splitlines()]
        end = time.monotonic() + 10
        while len(heard) < len(calls) and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        assert listener.stdin is not None
        listener.stdin.close()
        try:
            listener.wait(10)
        except subprocess.TimeoutExpired:
            listener.kill()
    from_call = [(heard[t] - float(c)) * 1000 for c, _, t in calls if t in heard]
    from_commit = [(heard[t] - float(d)) * 1000 for _, d, t in calls if t in heard]
    return {
        "claims": len(calls),
        "heard": len(from_call),
        "claim_to_seen_ms": {k: round(v, 1) for k, v in percentiles(from_call).items()},
        "commit_to_seen_ms": {k: round(v, 1) for k, v in percentiles(from_commit).items()},
    }


# -- b: sync into each engine ------------------------------------------------------------


class PagedX:
    """An X client for the sync: pages of 100 mentions from memory, newest first."""

    def __init__(self, count: int, every: Any = None) -> None:
        self.count = count
        self.every = every  # called before each 100th page, if given
        self.rate_limits: dict[str, Any] = {}
        self.pages_served = 0

    def timeline(self, stream: str, *, pagination_token: str | None = None, **_: Any) -> Any:
        from tuicoach.backends.x.client import Fetched
        from tuicoach.domain.models import Tweet, User
        from tuicoach.domain.xapi import Page

        assert stream == "mentions", stream
        start = int(pagination_token or 0)
        ids = range(self.count - 1 - start, max(-1, self.count - 1 - start - 100), -1)
        tweets = tuple(
            Tweet(
                id=str(10_000_000 + i),
                text=f"@{ME_NAME} is the rye in today? ({i})",
                created_at=NOW - timedelta(seconds=self.count - i),
                author_id=str(100 + i % 5000),
                in_reply_to_user_id=ME_ID,
                conversation_id=str(10_000_000 + i),
                lang="en",
            )
            for i in ids
        )
        users = tuple(
            User(str(100 + i % 5000), f"fan{i % 5000}", name=f"Fan {i % 5000}") for i in ids
        )
        meta: dict[str, Any] = {"newest_id": tweets[0].id, "result_count": len(tweets)}
        if start + 100 < self.count:
            meta["next_token"] = str(start + 100)
        self.pages_served += 1
        if self.every is not None and self.pages_served % 100 == 0:
            self.every()
        return Fetched(page=Page(tweets=tweets, users=users, meta=meta))


def child_sync(target: str, count: int, analyze: bool = False) -> None:
    """Sync ``count`` mentions into the store at ``target``; print one JSON line.

    ``analyze``: PostgreSQL's ``ANALYZE`` every 10,000 mentions (timed with the rest), as
    autovacuum does between a team's syncs; a fresh database without it has no
    statistics, and plans the new-to-this-stream count as a scan of the whole stream."""
    import tuicoach.backends.registry  # the X tables' schema steps
    from tuicoach.backends.x.cost import Meter
    from tuicoach.backends.x.settings import XSettings
    from tuicoach.backends.x.sync import StreamSync
    from tuicoach.domain.models import User
    from tuicoach.store import Store

    with Store.open_target(target) as store:
        store.set_account(User(ME_ID, ME_NAME))

        def statistics_now() -> None:
            with store.reading() as db:
                db.execute("ANALYZE")

        client = PagedX(count, statistics_now if analyze else None)
        settings = XSettings(page_size=100, backfill_pages=count // 100 + 1)
        syncer = StreamSync(store, client, settings, Meter(store), clock=lambda: NOW)  # type: ignore[arg-type]
        wall, cpu = time.perf_counter(), time.process_time()
        result = syncer.fetch("mentions")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if result.error is not None or result.fetched != count:
            raise SystemExit(f"the sync did not fetch {count}: {result}")
        with store.reading() as db:
            stored = db.execute(
                "SELECT count(*) FROM tweet_streams WHERE stream = 'mentions'"
            ).fetchone()[0]
        if stored != count:
            raise SystemExit(f"{stored} mentions stored, not {count}")
        server = server_cpu(store)
    tree = str(Path(tuicoach.backends.registry.__file__).parents[2])
    print(json.dumps({"seconds": wall, "cpu": cpu, "server_cpu": server, "tree": tree}))


def server_cpu(store: Any) -> float | None:
    """CPU seconds the PostgreSQL backends of ``store``'s pool used so far (read from
    /proc: a server on this machine); ``None`` on SQLite (it runs in the client) or when
    the server's processes cannot be read."""
    if store.engine != "postgresql":
        return None
    with store.reading() as db:
        pids = [r[0] for r in db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchall()]  # fmt: skip
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def run_sync(
    target: str, count: int, tree: Path = REPO, *, analyze: bool = False
) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_sync", target, str(count)]
        + (["analyze"] if analyze else []),
        env=child_env(tree),
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"the sync into {target} failed: {done.stderr[-1500:]}")
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


@contextlib.contextmanager
def exported(revision: str) -> Iterator[Path]:
    """The ``tuicoach`` package of git ``revision``, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="tuicoach-rev-") as folder:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "tuicoach"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        yield Path(folder)


def measure_sync(pg: Pg, count: int, compare: str | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tuicoach-sync-") as folder:
        results["sqlite"] = run_sync(str(Path(folder) / "s.sqlite3"), count)
    results["postgresql"] = run_sync(pg.fresh(), count)
    results["postgresql, ANALYZE every 10k"] = run_sync(pg.fresh(), count, analyze=True)
    if compare:
        with exported(compare) as tree:
            results[f"postgresql at {compare}"] = run_sync(pg.fresh(), count, tree)
            name = f"postgresql at {compare}, ANALYZE every 10k"
            results[name] = run_sync(pg.fresh(), count, tree, analyze=True)
    return results


# -- c: two teammates race to answer one mention ----------------------------------------

#: The teammates' ``[x] timeout`` and settle margin, scaled down as in exactly_once.py:
#: an in-flight post may be looked for, and sent again if X lacks it, after WINDOW s.
TIMEOUT = 0.5
MARGIN = 1.0
WINDOW = TIMEOUT + MARGIN


@dataclass
class Teammate:
    """One person's machine: a data dir and config of its own, the team's store URL."""

    name: str
    env: dict[str, str]

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tuicoach", *args],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tuicoach", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def text(self, token: str) -> str:
        return f"@customer_0 {self.name} here: yes, rye from 8 today ({token})"

    def post(self, mention: str, token: str) -> list[str]:
        return ["post", "--force", "--reply-to", mention, self.text(token)]


class Team:
    """Two (or more) teammates on one PostgreSQL database and one fake X on 127.0.0.1."""

    def __init__(
        self, world: Any, url: str, folder: Path, names: tuple[str, ...] = ("Jen", "Sam")
    ) -> None:
        from x_helpers import env_of

        import tuicoach.backends.registry  # noqa: F401  (the X tables' schema steps)
        from tuicoach.store import Store

        self.world, self.fake, self.url = world, world.fake, url
        self.fake.reject_duplicates = False  # X may take a second copy: it would be counted
        self.fake.limits = dict.fromkeys(self.fake.limits, 10**9)  # not a rate-limit test
        Store.connect(url).close()  # the schema, once, before the machines open it
        self.members: list[Teammate] = []
        for name in names:
            home = folder / name
            home.mkdir(parents=True, exist_ok=True)
            (home / "config.toml").write_text(
                f'[store]\nurl = "{url}"\n\n[team]\nname = "{name}"\n\n'
                f"[x]\ntimeout = {TIMEOUT}\nretries = 1\n",
                encoding="utf-8",
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
            env |= env_of(world) | {
                "TUICOACH_DATA_DIR": str(home / "data"),
                "TUICOACH_CONFIG": str(home / "config.toml"),
                "TUICOACH_X_API_BASE": self.fake.url,
                "TUICOACH_X_SETTLE_MARGIN": str(MARGIN),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "PYTHONPATH": str(REPO),
            }
            self.members.append(Teammate(name, env))

    def db(self) -> Any:
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def mention(self, token: str) -> str:
        """A new mention on X (from a customer) for the team to answer; its id."""
        tweet = self.fake.add_tweet(
            self.world.strangers[0], f"@acme_bakery is the rye in today? ({token})"
        )
        return str(tweet["id"])

    def replies(self, mention: str) -> list[dict[str, Any]]:
        """The account's tweets on X that reply to ``mention``."""
        return [
            t
            for t in self.fake.tweets_by(self.world.me)
            if {"type": "replied_to", "id": mention} in t.get("referenced_tweets", [])
        ]

    def records(self, mention: str) -> list[tuple[str, str]]:
        """(author, state) of each outbox record replying to ``mention``."""
        with self.db() as db:
            rows = db.execute(
                "SELECT author, state FROM outbox WHERE reply_to_id = %s ORDER BY id", (mention,)
            ).fetchall()
        return [(str(a), str(s)) for a, s in rows]

    def drafts(self, mention: str) -> list[str]:
        """The texts of drafts replying to ``mention`` (a stopped reply's is kept)."""
        with self.db() as db:
            rows = db.execute(
                "SELECT text FROM drafts WHERE reply_to_id = %s ORDER BY id", (mention,)
            ).fetchall()
        return [str(r[0]) for r in rows]

    @contextlib.contextmanager
    def gate(self, mention: str, waiters: int) -> Iterator[Any]:
        """Hold the traffic cop's lock on ``mention`` (outbox_store.lock_mention's key) until
        ``waiters`` senders wait for it inside their transactions; then let them all go at
        once, so they reach the check at the same moment rather than a startup apart."""
        db = self.db()
        try:
            db.execute("SELECT pg_advisory_lock(hashtextextended(%s::text, 0))", (mention,))

            def release(timeout: float = 60) -> bool:
                end = time.monotonic() + timeout
                waiting = 0
                while time.monotonic() < end:
                    waiting = db.execute(
                        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = "
                        "l.database WHERE d.datname = current_database() AND "
                        "l.locktype = 'advisory' AND NOT l.granted"
                    ).fetchone()[0]
                    if waiting >= waiters:
                        break
                    time.sleep(0.01)
                db.execute("SELECT pg_advisory_unlock(hashtextextended(%s::text, 0))", (mention,))
                return bool(waiting >= waiters)

            yield release
        finally:
            db.close()


def race(team: Team, n: int, *, gated: bool = True) -> dict[str, Any]:
    """Every teammate runs ``tuicoach post --reply-to`` the same new mention at once.

    ``gated``: they are held at the traffic cop's lock until all wait there (see
    :meth:`Team.gate`); else just started together. Exactly one reply must reach X; the
    others exit 5 with their drafts kept.
    """
    token = f"race{n}-{os.urandom(3).hex()}"
    mention = team.mention(token)
    together = True
    with team.gate(mention, len(team.members)) if gated else contextlib.nullcontext() as gate:
        running = [(m, m.start(*m.post(mention, token))) for m in team.members]
        if gate is not None:
            together = gate()
    outcomes = []
    for member, process in running:
        _, err = process.communicate(timeout=120)
        outcomes.append((member.name, process.returncode, err.strip()[-300:]))
    on_x = len(team.replies(mention))
    codes = sorted(code for _, code, _ in outcomes)
    stopped = [m.text(token) for m, (_, code, _) in zip(team.members, outcomes, strict=True)
               if code == 5]  # fmt: skip
    kept = team.drafts(mention)
    return {
        "on_x": on_x,
        "double": on_x > 1,
        "lost": on_x == 0,
        "codes": codes,
        "together": together,
        "stopped_kept_draft": bool(stopped) and all(text in kept for text in stopped),
        "log": outcomes,
    }


#: What X does with the killed teammate's post (tests/fake_x_api.py's hooks).
KILL_FAULTS: dict[str, Any] = {
    "X stores it, no answer": lambda fake: fake.lose_response("create_tweet", how="stall"),
    "X never stores it": lambda fake: fake.stall("create_tweet"),
    "X stores it after the kill": lambda fake: fake.slow("create_tweet", seconds=0.4),
}
#: Who recovers, and how: the killed teammate's machine or the other one's.
KILL_RECOVERIES = ("other: outbox resolve", "other: sync", "killed: sync", "killed: post again")
KILL_AFTER = 0.2  # seconds after the killed one's create_tweet reached X


def kill_race(team: Team, n: int, fault: str, recovery: str) -> dict[str, Any]:
    """A race in which the teammate whose reply goes to X is killed with -9 mid-post.

    The fake X takes the post as ``fault`` says; ``KILL_AFTER`` s after the request
    arrived (inside the request timeout) the sender, found by its in-flight outbox
    record, gets SIGKILL. Then ``recovery`` runs on one machine at once and again after
    the window, and the other teammate tries their reply once more. At most one reply may
    reach X; after the recovery exactly one, its record sent.
    """
    import signal

    token = f"kill{n}-{os.urandom(3).hex()}"
    mention = team.mention(token)
    with team.db() as db:  # the sync lease lapsed: whichever machine syncs may hold it
        db.execute("DELETE FROM sync_lease")
    before = len(team.fake.arrived)
    KILL_FAULTS[fault](team.fake)
    log: list[str] = []
    with team.gate(mention, len(team.members)) as gate:
        running = {m.name: (m, m.start(*m.post(mention, token))) for m in team.members}
        together = gate()
    end = time.monotonic() + 60
    while "create_tweet" not in team.fake.arrived[before:] and time.monotonic() < end:
        time.sleep(0.005)
    time.sleep(KILL_AFTER)
    sending = [a for a, state in team.records(mention) if state == "sending"]
    killed_name = sending[0] if sending else None
    mid_post = False
    if killed_name is not None:
        process = running[killed_name][1]
        mid_post = process.poll() is None
        if mid_post:
            process.send_signal(signal.SIGKILL)
    for name, (_, process) in running.items():
        _, err = process.communicate(timeout=120)
        log.append(f"{name}: {process.returncode} {err.strip()[-200:]}")
    team.fake.clear_faults()
    at_kill = len(team.replies(mention))
    if killed_name is None:
        raise RuntimeError(f"no reply was in flight to kill: {log} {team.records(mention)}")
    killed = next(m for m in team.members if m.name == killed_name)
    other = next(m for m in team.members if m.name != killed_name)
    who, how = recovery.split(": ")
    machine = killed if who == "killed" else other
    args = {
        "outbox resolve": ["outbox", "resolve"],
        "sync": ["sync"],
        "post again": machine.post(mention, token),
    }[how]
    for attempt in range(2):
        if attempt:
            time.sleep(WINDOW + 0.3)
        done = machine.run(*args)
        log.append(f"{machine.name} {how}: {done.returncode} {done.stderr.strip()[-200:]}")
    again = other.run(*other.post(mention, token))
    log.append(f"{other.name} post again: {again.returncode}")
    on_x = len(team.replies(mention))
    records = team.records(mention)
    live = [state for _, state in records if state != "failed"]
    return {
        "on_x": on_x,
        "at_kill": at_kill,
        "double": on_x > 1 or at_kill > 1,
        "lost": on_x == 0,
        "recovered": on_x == 1 and live == ["sent"],
        "mid_post": mid_post,
        "together": together,
        "other_stopped": again.returncode == 5,
        "log": [*log, f"outbox: {records}"],
    }


def measure_races(pg: Pg, races: int, kills: int, *, verbose: bool) -> dict[str, Any]:
    """``races`` races (half held at the lock, half just started together), then ``kills``
    kill -9 races per fault and recovery, by two teammates on a fresh database."""
    from fake_x_api import FakeX, make_world

    report: dict[str, Any] = {}
    with FakeX() as fake, tempfile.TemporaryDirectory(prefix="tuicoach-team-") as folder:
        team = Team(make_world(fake), pg.fresh(), Path(folder))
        if races:
            rows: dict[str, dict[str, int]] = {}
            for n in range(races):
                gated = n % 2 == 0
                result = guarded(lambda: race(team, n, gated=gated))  # noqa: B023
                row = rows.setdefault("held at the lock" if gated else "started together", {})
                tally(row, result, verbose=verbose)
                if (n + 1) % 20 == 0:
                    print(f"{n + 1}/{races} races", file=sys.stderr, flush=True)
            report["races"] = rows
        if kills:
            rows = {}
            for fault in KILL_FAULTS:
                for recovery in KILL_RECOVERIES:
                    row = rows.setdefault(f"{fault} | {recovery}", {})
                    for n in range(kills):
                        result = guarded(lambda: kill_race(team, n, fault, recovery))  # noqa: B023
                        tally(row, result, verbose=verbose)
                    print(f"kill: {fault} | {recovery}: {row}", file=sys.stderr, flush=True)
            report["kills"] = rows
    return report


def guarded(trial: Any) -> dict[str, Any]:
    """A trial's result, or a harness error (counted, never a pass)."""
    try:
        result: dict[str, Any] = trial()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return result


#: Counted per row: the flags a trial's result may set.
COUNTED = ("double", "lost", "together", "stopped_kept_draft", "recovered", "mid_post",
           "other_stopped")  # fmt: skip


def tally(row: dict[str, int], result: dict[str, Any], *, verbose: bool) -> None:
    row["trials"] = row.get("trials", 0) + 1
    if "error" in result:
        row["errors"] = row.get("errors", 0) + 1
        print("harness error:", result["error"], file=sys.stderr)
        return
    row["once"] = row.get("once", 0) + int(result["on_x"] == 1)
    for flag in COUNTED:
        if flag in result:
            row[flag] = row.get(flag, 0) + int(bool(result[flag]))
    if "codes" in result:
        row["exit 0 and 5"] = row.get("exit 0 and 5", 0) + int(result["codes"] == [0, 5])
    if verbose and (result.get("double") or result.get("lost") or not result.get("recovered", 1)):
        print(json.dumps(result, default=str), file=sys.stderr)


def print_races(rows: dict[str, dict[str, int]]) -> None:
    print("two `tuicoach post --reply-to` processes (own data dirs and configs, one PostgreSQL")
    print("database, one fake X) race to answer the same new mention:")
    print("| how they start | races | one reply on X | doubles | lost | exits 0 and 5 "
          "| stopped one's draft kept | harness errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['trials']} | {r.get('once', 0)} | {r.get('double', 0)} "
              f"| {r.get('lost', 0)} | {r.get('exit 0 and 5', 0)} "
              f"| {r.get('stopped_kept_draft', 0)} | {r.get('errors', 0)} |")  # fmt: skip
    total = {k: sum(r.get(k, 0) for r in rows.values()) for k in ("trials", "double", "lost")}
    print(f"\nraces: {total['trials']}, doubles {total['double']}, lost {total['lost']}\n")


def print_kills(rows: dict[str, dict[str, int]]) -> None:
    print(f"the same race, the sender killed with -9 {KILL_AFTER}s after its post reached X "
          f"(timeout {TIMEOUT}s, margin {MARGIN}s); then a recovery on one machine, now and "
          "after the window, and the other teammate posts again:")  # fmt: skip
    print("| X's side | recovery | trials | killed mid-post | doubles | lost | one reply, "
          "record sent | other stopped again (exit 5) | harness errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        fault, recovery = name.split(" | ")
        print(f"| {fault} | {recovery} | {r['trials']} | {r.get('mid_post', 0)} "
              f"| {r.get('double', 0)} | {r.get('lost', 0)} | {r.get('recovered', 0)} "
              f"| {r.get('other_stopped', 0)} | {r.get('errors', 0)} |")  # fmt: skip
    total = {k: sum(r.get(k, 0) for r in rows.values()) for k in ("trials", "double", "lost")}
    print(f"\nkill -9 races: {total['trials']}, doubles {total['double']}, "
          f"lost {total['lost']}\n")  # fmt: skip


# -- the run -------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):  # a child process of this run
        role, *rest = sys.argv[1:]
        {
            "_listen": lambda: child_listen(rest[0]),
            "_claim": lambda: child_claim(rest[0], int(rest[1])),
            "_sync": lambda: child_sync(rest[0], int(rest[1]), rest[2:] == ["analyze"]),
        }[role]()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default="latency,sync,race,kill", help="comma-separated: latency,sync,race,kill"
    )
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--races", type=int, default=100, help="races to answer one mention")
    parser.add_argument("--kills", type=int, default=4, help="kill -9 races per fault and recovery")
    parser.add_argument("--verbose", action="store_true", help="print each bad trial's log")
    parser.add_argument("--compare", metavar="REV", help="also sync on PostgreSQL with REV's code")
    parser.add_argument("--pg-url", default=os.environ.get("TUICOACH_STORE_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",")}
    report: dict[str, Any] = {}
    started = time.monotonic()
    with postgresql(args.pg_url) as pg:
        if "latency" in parts:
            report["latency"] = measure_latency(pg, args.claims)
        if "sync" in parts:
            report["sync"] = measure_sync(pg, args.mentions, args.compare)
        if parts & {"race", "kill"}:
            races = args.races if "race" in parts else 0
            kills = args.kills if "kill" in parts else 0
            report |= measure_races(pg, races, kills, verbose=args.verbose)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    if "latency" in report:
        lat = report["latency"]
        print(f"claim to seen: {lat['claims']} claims by process A, {lat['heard']} heard by B")
        print("| from | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
        for key, name in (("claim_to_seen_ms", "claim called"), ("commit_to_seen_ms", "commit")):
            row = lat[key]
            print(f"| {name} | {row['p50']} | {row['p95']} | {row['max']} |")
        print()
    if "sync" in report:
        sync = report["sync"]
        lite = sync["sqlite"]
        print(f"sync of {args.mentions} mentions (StreamSync, pages of 100, X from memory):")
        print("| store | wall s | client CPU s | server CPU s | wall / SQLite's "
              "| CPU (client + server) / SQLite's |")  # fmt: skip
        print("|---|---|---|---|---|---|")
        for name, row in sync.items():
            ratio = row["seconds"] / max(lite["seconds"], 1e-9)
            server = row.get("server_cpu")
            both = (row["cpu"] + (server or 0.0)) / max(lite["cpu"], 1e-9)
            shown = "-" if server is None else f"{server:.1f}"
            print(f"| {name} | {row['seconds']:.1f} | {row['cpu']:.1f} | {shown} | {ratio:.2f} "
                  f"| {both:.2f} |")  # fmt: skip
        print()
    if "races" in report:
        print_races(report["races"])
    if "kills" in report:
        print_kills(report["kills"])
    print(f"{time.monotonic() - started:.0f}s in all")


if __name__ == "__main__":
    main()
