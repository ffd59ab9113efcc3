"""How long the whole report takes for a busy account (target: 1 s or less).

    PYTHONPATH=. python benchmarks/report.py [--json] [--mentions N] [--own N] [--runs N]
        [--store PATH] [--demo-dir DIR]

Uses benchmarks/owed.py's year of traffic (100,000 mentions and 100,000 own
tweets by default) and times, for the last 90 days and for the whole year:

- ``tracker_ms``: picking the tweets the period needs
  (:func:`tuicoach.domain.owed.tweets_for_window`: the period's, and those still
  waiting at its start) and building the owed tracker's relations over them
  (who answered what; no tweet is classified yet: the tracker classifies only
  what is asked for);
- ``report_ms``: every figure of the report over that tracker, with 1,000
  marks and 100 muted accounts: triage of the tweets a figure needs (the
  period's addressed tweets for their band, the backlog's for spam), and the
  coach's promotional test of every own tweet in the period;
- ``total_ms``: both, from scratch (a fresh :class:`Triage` and coach each run,
  so no verdict is remembered between runs): what ``tuicoach report`` computes
  once the tweets are loaded.

The generated mentions come from a few templates, so the reader's verdict per
text repeats often here; benchmarks/owed.py's ``classify_unique_us`` is the
cost on tweets that are all different.

Each figure also comes as ``..._full``: the same over a tracker of every tweet
(the path before the window, kept as the baseline), and ``cpu_ratio_90d`` /
``cpu_ratio_365d`` is the windowed CPU time over the full one's, same run.

Each is the median of ``--runs``, after ``gc.freeze()`` of the loaded tweets
(as benchmarks/owed.py does, and for the same reason).

``plain_cpu_ms_90d`` / ``people_cpu_ms_90d``: the 90-day report over one built
tracker without and with the per-person table (two teammates' replies), the same
run, CPU time.

``--store PATH`` also times what ``tuicoach report`` runs over a SQLite store
holding that traffic (written to PATH first if it does not exist; a few
hundred MB): ``store_report_ms_90d``, :func:`tuicoach.store.insights.report`
one shot from a freshly opened store, reading every tweet from the file
included, with the coach's default promotional test.

``--demo-dir DIR`` times the command itself: the demo's store in DIR (seeded
and filled with that traffic, as the demo brand's, if it is not there yet),
then ``python -m tuicoach report --demo --data-dir DIR --days 90 --json``
run as a new process each time (interpreter start, imports and config
included): ``cli_report_ms_90d``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from owed import ACCOUNT, ACCOUNT_ID, NOW, generate

from tuicoach.coach import Coach
from tuicoach.domain.models import Tweet, User
from tuicoach.domain.owed import Mark, OwedTracker, tweets_for_window
from tuicoach.domain.report import AccountReport, BusinessHours, build_report
from tuicoach.domain.triage import Triage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--own", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--store", metavar="PATH", help="also time the report over this store")
    parser.add_argument("--demo-dir", metavar="DIR", help="also time `tuicoach report --demo`")
    parser.add_argument(
        "--skip-memory", action="store_true", help="only the --store / --demo-dir timings"
    )
    args = parser.parse_args()

    tweets = generate(args.mentions, args.own)
    own = [t for t in tweets if t.author_id == ACCOUNT_ID]
    rng = random.Random(3)
    inbound = [t for t in tweets if t.author_id != ACCOUNT_ID]
    marks = {
        t.id: Mark.no_reply("spam", at=t.created_at + timedelta(hours=1))
        for t in rng.sample(inbound, 1000)
    }
    muted = frozenset(t.author_id for t in rng.sample(inbound, 100))
    hours = BusinessHours.of(timezone="Europe/London")
    gc.collect()
    gc.freeze()  # as benchmarks/owed.py: the loaded data is not walked by every collection

    results: dict[str, float | int] = {"mentions": len(inbound), "own_tweets": len(own)}
    by_id = {t.id: t for t in tweets}  # as a store hands them over
    for label, days in () if args.skip_memory else (("90d", 90), ("365d", 365)):
        since = NOW - timedelta(days=days)
        for path in ("full", "window"):
            tracker_times, report_times, totals, cpu = [], [], [], []
            for _ in range(args.runs):
                # From scratch each run: a fresh reader (it keeps verdicts per text) and coach.
                triage, coach = Triage(), Coach()
                start, cpu_start = time.perf_counter(), time.process_time()
                known = (
                    tweets
                    if path == "full"
                    else tweets_for_window(by_id, account_id=ACCOUNT_ID, since=since)
                )
                tracker = OwedTracker(
                    known, account_id=ACCOUNT_ID, account_username=ACCOUNT, triage=triage
                )
                tracker.addressed_lazily()  # the relations, built
                built = time.perf_counter()
                report = build_report(
                    tracker,
                    own,
                    since=since,
                    until=NOW,
                    now=NOW,
                    hours=hours,
                    marks=marks,
                    muted=muted,
                    is_promotional=coach.is_promotional,
                )
                done = time.perf_counter()
                cpu.append(time.process_time() - cpu_start)
                tracker_times.append(built - start)
                report_times.append(done - built)
                totals.append(done - start)
            # "full": the tracker over every tweet (the old path, kept as the baseline);
            # "window": over tweets_for_window's (what tuicoach report runs now).
            tag = f"{label}" if path == "window" else f"{label}_full"
            results[f"tracker_ms_{tag}"] = round(1000 * statistics.median(tracker_times), 1)
            results[f"report_ms_{tag}"] = round(1000 * statistics.median(report_times), 1)
            results[f"total_ms_{tag}"] = round(1000 * statistics.median(totals), 1)
            # CPU time of this process alone: steadier than wall time on a shared machine.
            results[f"total_cpu_ms_{tag}"] = round(1000 * statistics.median(cpu), 1)
            results[f"addressed_{tag}"] = report.first_reply.addressed
        results[f"cpu_ratio_{label}"] = round(
            results[f"total_cpu_ms_{label}"] / results[f"total_cpu_ms_{label}_full"], 2
        )
    if not args.skip_memory:
        results.update(time_people(tweets, own, args.runs, marks=marks, muted=muted, hours=hours))
    if args.store:
        results.update(time_store(Path(args.store), tweets, args.runs))
    if args.demo_dir:
        results.update(time_cli(Path(args.demo_dir), tweets, args.runs))
    results["target_ms"] = 1000
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:<30}{value}")


def time_people(
    tweets: list[Tweet],
    own: list[Tweet],
    runs: int,
    **options: object,
) -> dict[str, float | int]:
    """The 90-day report with and without the per-person table (two teammates sharing the
    account's replies), in the same run: ``people_cpu_ms_90d`` against ``plain_cpu_ms_90d``
    (one tracker, built once: only the report's own work differs)."""
    authors = {
        t.id: ("Jen", "Sam")[n % 2] for n, t in enumerate(own) if t.replied_to_id is not None
    }
    tracker = OwedTracker(tweets, account_id=ACCOUNT_ID, account_username=ACCOUNT)
    tracker.addressed_lazily()
    coach = Coach()
    since = NOW - timedelta(days=90)
    build_report(tracker, own, since=since, until=NOW, now=NOW, **options)  # type: ignore[arg-type]
    plain, people = [], []
    report = None
    for _ in range(runs):
        for extra, into in (({}, plain), ({"reply_authors": authors, "people": ("Kim",)}, people)):
            start = time.process_time()
            report = build_report(
                tracker,
                own,
                since=since,
                until=NOW,
                now=NOW,
                is_promotional=coach.is_promotional,
                **options,  # type: ignore[arg-type]
                **extra,  # type: ignore[arg-type]
            )
            into.append(time.process_time() - start)
    assert report is not None
    return {
        "plain_cpu_ms_90d": round(1000 * statistics.median(plain), 1),
        "people_cpu_ms_90d": round(1000 * statistics.median(people), 1),
        "people_rows_90d": len(report.by_person),
    }


def time_store(path: Path, tweets: list[Tweet], runs: int) -> dict[str, float | int]:
    """``insights.report`` over the last 90 days, one shot from a fresh store each run."""
    import tuicoach.backends.registry  # noqa: F401  # every backend's tables, before a store opens
    from tuicoach.store import Store, insights

    if not path.exists():
        store = Store.open(path)
        store.set_account(User(ACCOUNT_ID, ACCOUNT))
        store.upsert_tweets([t for t in tweets if t.author_id == ACCOUNT_ID], stream="own")
        store.upsert_tweets([t for t in tweets if t.author_id != ACCOUNT_ID], stream="mentions")
        store.close()

    def full(store: Store, **period: Any) -> AccountReport:
        """The path before the window: a tracker over every stored tweet, then the report."""
        account_id, username = store.account_or(None, None)
        with store.reading(snapshot=True) as db:
            tracker = store.owed_tracker(db, account_id, username)
            marks, muted, own = store.marks_in(db), store.muted_in(db), insights.own_tweets(db)
        return build_report(tracker, own, marks=marks, muted=muted, **period)

    results: dict[str, float | int] = {}
    for label, compute in (("_full", full), ("", insights.report)):
        times, cpu = [], []
        for _ in range(runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            store = Store.open(path)
            try:
                report = compute(
                    store,
                    since=NOW - timedelta(days=90),
                    until=NOW,
                    now=NOW,
                    hours=BusinessHours.of(timezone="Europe/London"),
                    is_promotional=Coach().is_promotional,
                )
            finally:
                store.close()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        results[f"store_report_ms_90d{label}"] = round(1000 * statistics.median(times), 1)
        results[f"store_report_cpu_ms_90d{label}"] = round(1000 * statistics.median(cpu), 1)
        results[f"store_addressed_90d{label}"] = report.first_reply.addressed
    return results


def time_cli(data_dir: Path, tweets: list[Tweet], runs: int) -> dict[str, float | int]:
    """``python -m tuicoach report --demo`` over the demo's store filled with ``tweets``."""
    import dataclasses
    import os
    import subprocess

    from tuicoach import paths
    from tuicoach.backends.demo import open_demo_store
    from tuicoach.domain.models import Mention, isoformat

    if not paths.demo_db(data_dir).exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        store = open_demo_store(data_dir, NOW)
        me = store.account()
        assert me is not None
        who = {ACCOUNT_ID: me.id}

        def as_demo(t: Tweet) -> Tweet:
            return dataclasses.replace(
                t,
                text=t.text.replace("@" + ACCOUNT, "@" + me.username),
                author_id=who.get(t.author_id, t.author_id),
                in_reply_to_user_id=who.get(t.in_reply_to_user_id or "", t.in_reply_to_user_id),
                mentions=tuple(
                    Mention(me.username, m.start, m.start + len(me.username) + 1, me.id)
                    if m.id == ACCOUNT_ID
                    else m
                    for m in t.mentions
                ),
            )

        store.upsert_tweets([as_demo(t) for t in tweets if t.author_id == ACCOUNT_ID], stream="own")
        store.upsert_tweets(
            [as_demo(t) for t in tweets if t.author_id != ACCOUNT_ID], stream="mentions"
        )
        store.close()
    command = [sys.executable, "-m", "tuicoach", "report", "--demo", "--data-dir", str(data_dir)]
    command += ["--now", isoformat(NOW), "--days", "90", "--json"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
    figures = json.loads(done.stdout)
    return {
        "cli_report_ms_90d": round(1000 * statistics.median(times), 1),
        "cli_addressed_90d": figures["addressed"],
    }


if __name__ == "__main__":
    main()
