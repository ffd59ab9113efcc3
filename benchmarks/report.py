"""How long the whole report takes for a busy account (target: 1 s or less).

    PYTHONPATH=. python benchmarks/report.py [--json] [--mentions N] [--own N] [--runs N]

Uses benchmarks/owed.py's year of traffic (100,000 mentions and 100,000 own
tweets by default) and times, for the last 90 days and for the whole year:

- ``tracker_ms``: building the owed tracker once (the store keeps it between
  calls, so the app pays this once per change of data);
- ``report_ms``: every figure of the report over a built tracker, with 1,000
  marks and 100 muted accounts, including the coach's promotional test of every
  own tweet in the period (a fresh coach each run, so nothing is remembered);
- ``total_ms``: both, from scratch: what ``tuicoach report`` computes.

Each is the median of ``--runs``, after ``gc.freeze()`` of the loaded tweets
(as benchmarks/owed.py does, and for the same reason).
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

sys.path.insert(0, str(Path(__file__).parent))

from owed import ACCOUNT, ACCOUNT_ID, NOW, generate

from tuicoach.coach import Coach
from tuicoach.domain.owed import Mark, OwedTracker
from tuicoach.domain.report import BusinessHours, build_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--own", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
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
    tracker_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        tracker = OwedTracker(tweets, account_id=ACCOUNT_ID, account_username=ACCOUNT)
        tracker.addressed()
        tracker_times.append(time.perf_counter() - start)
    results["tracker_ms"] = round(1000 * statistics.median(tracker_times), 1)
    for label, days in (("90d", 90), ("365d", 365)):
        times = []
        for _ in range(args.runs):
            coach = Coach()
            start = time.perf_counter()
            report = build_report(
                tracker,
                own,
                since=NOW - timedelta(days=days),
                until=NOW,
                now=NOW,
                hours=hours,
                marks=marks,
                muted=muted,
                is_promotional=coach.is_promotional,
            )
            times.append(time.perf_counter() - start)
        results[f"report_ms_{label}"] = round(1000 * statistics.median(times), 1)
        results[f"total_ms_{label}"] = round(
            results["tracker_ms"] + results[f"report_ms_{label}"], 1
        )
        results[f"addressed_{label}"] = report.first_reply.addressed
    results["target_ms"] = 1000
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:<18}{value}")


if __name__ == "__main__":
    main()
