"""From the last key to the coach's full report on screen, with 10,000 tweets of history.

    PYTHONPATH=. python benchmarks/ui_coach_latency.py [--history 10000] [--drafts 12] [--json]

The demo account gets 10,000 more tweets of its own (so the near-duplicate
search has 10,000 to look through), then the Pilot types drafts into the
Compose pane one key at a time, a key every ``--gap`` seconds as a quick
typist would. For each draft it measures:

- while typing: how late the UI's event loop wakes from a 2 ms sleep; any work
  that blocks it (a slow handler, a worker hogging the GIL) shows here, and it
  is what "never delays a keystroke" is about;
- after the last key: how long until the full report (near-duplicates
  included) of exactly the final text is on screen. Target: 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tuicoach.domain.models import Tweet
from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import demo_connect, fixed_clock

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

OPENERS = [
    "Fresh today:",
    "This week at the roastery:",
    "Good morning!",
    "Tasting notes:",
    "Heads up:",
]
SUBJECTS = [
    "our Ethiopia Guji",
    "the Colombia decaf",
    "a washed Kenya",
    "the house espresso blend",
    "cold brew concentrate",
    "the V60 starter kit",
    "our oat milk latte",
    "the Sumatra lot",
]
ENDINGS = [
    "is back in stock.",
    "tastes like blueberries and jasmine.",
    "ships tomorrow.",
    "is 15% off until Sunday.",
    "pairs well with a croissant.",
    "won a small award!",
    "what should we roast next?",
    "is now in compostable bags.",
]
DRAFTS = [
    "Please RT our spring sale, 20% off all beans this weekend only!",
    "So sorry your grinder arrived damaged, Sam. Could you DM us your order number?",
    "Fresh today: our Ethiopia Guji is back in stock.",
    "What's the one brewing tip you wish you'd learned sooner?",
    "New blog post: https://example.com/blog/how-we-roast",
    "Tag 3 friends who need coffee and win a bag of beans!",
    "We are proud of our team and our new roastery. We worked hard on our beans.",
    "This week at the roastery: the Colombia decaf tastes like chocolate and cherry.",
    "Thanks for coming to the cupping last night, it was lovely to meet you all. ^JD",
    "Heads up: the house espresso blend is 15% off until Sunday.",
    "Our cafe opens at 8 tomorrow because of the market, see you there!",
    "Good morning! The V60 starter kit is back, with a free bag of beans.",
]


def history(count: int, author_id: str) -> list[Tweet]:
    rng = random.Random(2026)
    return [
        Tweet(
            id=str(5_000_000 + i),
            text=f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {rng.choice(ENDINGS)} #{i % 97}",
            created_at=NOW - timedelta(minutes=13 * (i + 1)),
            author_id=author_id,
        )
        for i in range(count)
    ]


async def measure(data: Path, drafts: list[str], gap: float) -> dict[str, Any]:
    clock = fixed_clock(NOW)
    app = TuicoachApp(connect=demo_connect(data, clock), clock=clock, sync=False)
    key_ms: list[float] = []
    final_ms: list[float] = []
    lag_ms: list[float] = []
    typing = False

    async def sample_lag() -> None:
        """How late the UI's event loop wakes up: anything blocking it delays keys."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.002)
            if typing:
                lag_ms.append((time.perf_counter() - started - 0.002) * 1000)

    async with app.run_test(size=(160, 45)) as pilot:
        sampler = asyncio.create_task(sample_lag())
        coach = app.main.coach  # the Coach pane; its worker owns the coach and lives on
        while coach.history_size is None:  # the coach has built its index
            await pilot.pause(0.01)
        history_size = coach.history_size
        for draft in drafts:
            await pilot.press("escape", "n")
            await pilot.pause()
            typing = True
            for char in draft:
                await asyncio.sleep(gap)
                last_key = time.perf_counter()
                await pilot.press({" ": "space"}.get(char, char))
                key_ms.append((time.perf_counter() - last_key) * 1000)
            # coach.report is the full report on screen; poll it from the app's own loop.
            while coach.report is None or coach.report.text != draft:
                if time.perf_counter() - last_key > 5:
                    raise SystemExit(f"no full report for {draft!r} within 5 s")
                await asyncio.sleep(0.001)
            typing = False
            final_ms.append((coach.report_shown_at - last_key) * 1000)
        sampler.cancel()
    return {"history": history_size, "key_ms": key_ms, "final_ms": final_ms, "lag_ms": lag_ms}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=len(DRAFTS))
    parser.add_argument("--gap", type=float, default=0.06, help="seconds between keys")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        account = demo_connect(data, fixed_clock(NOW))()
        account.store.upsert_tweets(history(args.history, account.user.id), stream="own")
        account.store.close()
        result = asyncio.run(measure(data, DRAFTS[: args.drafts], args.gap))
    keys, finals, lags = result["key_ms"], result["final_ms"], result["lag_ms"]
    summary = {
        "history": result["history"],
        "drafts": len(finals),
        "keys": len(keys),
        "loop_lag_p50_ms": round(statistics.median(lags), 2),
        "loop_lag_p99_ms": round(pct(lags, 0.99), 2),
        "loop_lag_max_ms": round(max(lags), 2),
        "final_p50_ms": round(statistics.median(finals), 1),
        "final_p95_ms": round(pct(finals, 0.95), 1),
        "final_max_ms": round(max(finals), 1),
    }
    if args.json:
        print(json.dumps(summary))
        return
    print(
        f"{summary['history']} tweets of history, {summary['drafts']} drafts, "
        f"{summary['keys']} keys typed {args.gap * 1000:.0f} ms apart"
    )
    print(
        f"  UI event loop lag while typing:          p50 {summary['loop_lag_p50_ms']:6.1f} ms"
        f"  p99 {summary['loop_lag_p99_ms']:6.1f} ms  max {summary['loop_lag_max_ms']:6.1f} ms"
    )
    print(
        f"  last key -> full report on screen:       p50 {summary['final_p50_ms']:6.1f} ms"
        f"  p95 {summary['final_p95_ms']:6.1f} ms  max {summary['final_max_ms']:6.1f} ms"
        "  (target 100)"
    )


if __name__ == "__main__":
    main()
