"""How long a full coach report takes as the history grows, and whether the index misses.

For each history size it generates a small business's tweets (a coffee roaster:
offers, menu news, events, tips, replies to customers, with near-copies of
earlier tweets mixed in, as real accounts repeat themselves), then times
``Coach.report`` (the whole report, near-duplicate search included) on a mix
of near-copies and fresh drafts, and times the plain scan in the same run:
``process.extractOne`` with ``token_set_ratio``, as ``neardup.brute_force_search``
does, over the same 90-day window, normalised once.

All generated tweets fall inside the 90-day window: the worst case for the
search, since nothing can be skipped by date.

A second corpus, ``prose``, draws each tweet's words (6 to 35 of them) from
ordinary English prose, the essays in ``../shared/seeds/`` with their word
frequencies kept: common words are shared by most tweets, the hard case for
an index. Each row also reports the index's build time and the memory it
holds (tracemalloc, beside the memory of the tweets themselves).

The machine's load average (1 minute) is printed with the rows: on a shared
machine the timings swing with it, the recall and memory do not.

``recall_vs_brute_force`` is the share of drafts for which the scan finds a
match that the coach's near-duplicate finding also reports (a true match:
``token_set_ratio`` at or above the threshold). A coach match that is not a
true match is reported on stderr. This prints timings; it asserts nothing.

    python benchmarks/coach_latency.py            # a table (tuicoach installed,
    python benchmarks/coach_latency.py --json     # or PYTHONPATH=. from a checkout)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz, process

from tuicoach.coach import Coach
from tuicoach.coach.neardup import NearDuplicateIndex, normalise
from tuicoach.domain.models import Tweet

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WINDOW_DAYS = 80
SIZES = (1000, 10000, 100000)

PRODUCTS = [
    "the Ethiopian Yirgacheffe",
    "our house espresso",
    "the Colombian decaf",
    "cold brew",
    "the Guatemala Antigua",
    "oat flat whites",
    "the Kenyan AA",
    "cardamom buns",
    "sourdough loaves",
    "the winter blend",
    "pour-over kits",
    "the Sumatra dark roast",
    "almond croissants",
    "chai lattes",
    "the Brazil Santos",
    "single-origin filter",
    "the Rwanda natural",
    "banana bread",
    "the Costa Rica honey",
    "hand grinders",
]
NOTES = [
    "blueberry and dark chocolate",
    "toffee and orange peel",
    "jasmine and bergamot",
    "brown sugar and hazelnut",
    "cherry and cocoa",
    "stone fruit and honey",
    "caramel and red apple",
    "molasses and cedar",
    "lemon and black tea",
    "plum and almond",
]
PLACES = [
    "the Saturday farmers market",
    "Riverside Park",
    "the Old Town food hall",
    "Harbour Street",
    "the Northside makers fair",
    "the university campus",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIPS = [
    "grind just before you brew",
    "use water just off the boil",
    "weigh your beans",
    "rinse paper filters first",
    "store beans away from light",
    "let the bloom sit 30 seconds",
    "try a 1:16 ratio for filter",
    "clean your grinder burrs monthly",
]
QUESTIONS = [
    "What are you brewing this morning?",
    "How do you take yours?",
    "Which one should we roast next?",
    "Have you tried it yet?",
    "What would you pair it with?",
    "Tell us your favourite!",
]
FEELINGS = [
    "You made our week.",
    "We're still smiling.",
    "What a crowd!",
    "Same time next month?",
]
REPLY_OPENERS = [
    "Thanks so much",
    "So sorry about that",
    "Great question",
    "Happy to help",
    "Good news",
    "Thanks for letting us know",
]
REPLY_BODIES = [
    "your order is on its way and should arrive tomorrow",
    "we've sent a replacement bag today",
    "the cafe opens at 7 on weekdays and 8 at weekends",
    "yes, all our milks are available at no extra cost",
    "could you DM us your order number so we can check?",
    "the grinder setting we'd suggest is 18 for pour-over",
    "we'll have more of that one next week",
]
SIGNATURES = ["^JD", "^MK", "- Sam", "- Priya", "/AL", ""]
STAFF = ["Ana", "Tom", "Priya", "Kofi", "Mei", "Lars", "Jade", "Omar"]
WEATHER = [
    "Rain all day here.",
    "First sunny morning in weeks!",
    "Snow on the roastery roof.",
    "Windy one out there.",
    "Fog rolling in off the harbour.",
]
PRAISE = [
    "Best flat white in town",
    "The cardamom buns are dangerous",
    "My new favourite cafe",
    "Friendliest baristas around",
    "That decaf actually tastes like coffee",
]
CODES = ["BEANS10", "WELCOME", "SPRING15", "BREWCLUB"]


def _link(rng: random.Random) -> str:
    return (
        f"https://northside.example.com/{rng.choice(['p', 'shop', 'blog'])}/{rng.randrange(10**6)}"
    )


def compose(rng: random.Random) -> tuple[str, bool]:
    """One tweet in the roaster's voice, and whether it is a reply."""
    product, note, day = rng.choice(PRODUCTS), rng.choice(NOTES), rng.choice(DAYS)
    place, question = rng.choice(PLACES), rng.choice(QUESTIONS)
    hour = rng.randrange(7, 11)
    broadcasts = [
        f"{day} special: {rng.choice([10, 15, 20, 25])}% off {product}, shop now {_link(rng)}",
        f"New on the menu: {product}, with notes of {note}. {question}",
        f"We're at {place} on {day} from {hour}am with {product}. Come say hi!",
        f"Brewing tip: {rng.choice(TIPS)}. {question}",
        f"Back in stock: {product}, tasting of {note}. {_link(rng)}",
        f"Thanks to everyone who came to {place} on {day}! {rng.choice(FEELINGS)}",
        f"Closed {day} for a staff training day; back {rng.choice(DAYS)} at {hour}am.",
        f"Meet {rng.choice(STAFF)}, who has been pulling shots here for "
        f"{rng.randrange(2, 12)} years and swears by {product}.",
        f"{rng.choice(WEATHER)} Perfect weather for {product}. {question}",
        f"Roast day! This week's batch of {product} smells of {note}.",
        f"Holiday hours: open {day} {hour}am to {rng.randrange(2, 6)}pm, closed "
        f"{rng.choice(DAYS)}. {rng.choice(FEELINGS)}",
        f'"{rng.choice(PRAISE)}" Thank you, @cust{rng.randrange(10**5)}! {rng.choice(FEELINGS)}',
        f"Poll: {product} or {rng.choice(PRODUCTS)} for the {day} cupping? Reply below.",
        f"Our {rng.choice(['spring', 'summer', 'autumn', 'winter'])} subscription box has "
        f"{product} and {rng.choice(PRODUCTS)}. Use code {rng.choice(CODES)} {_link(rng)}",
    ]
    if rng.random() < 0.35:
        signature = rng.choice(SIGNATURES)
        text = f"@cust{rng.randrange(10**5)} {rng.choice(REPLY_OPENERS)}, "
        return f"{text}{rng.choice(REPLY_BODIES)} {signature}".rstrip(), True
    return rng.choice(broadcasts), False


def near_copy(rng: random.Random, text: str) -> str:
    """The same tweet again with a small edit, as people re-post things."""
    words = text.split()
    edit = rng.randrange(4)
    if edit == 0:
        words.append(rng.choice(["Don't miss it!", "Today only.", "🙂", "Again!"]))
    elif edit == 1 and len(words) > 4:
        words.pop(rng.randrange(1, len(words)))
    elif edit == 2:
        words = [_link(rng) if w.startswith("https://") else w for w in words]
        words.insert(0, rng.choice(["Reminder:", "ICYMI", "In case you missed it:"]))
    elif rng.random() < 0.2:
        words = [w.upper() for w in words]
    else:
        words = [w if "://" in w else w.replace(",", "").replace(".", "!") for w in words]
    return " ".join(words)


SEEDS = Path(os.environ.get("TUICOACH_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEEDS = SEEDS / "seeds"


def prose_words() -> list[str]:
    """Every word of the essays, repeats kept, so a sample keeps their frequencies."""
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += re.findall(r"[A-Za-z][A-Za-z'’-]*[.,!?]?", path.read_text(encoding="utf-8"))
    return words


_PROSE: list[str] = []


def prose(rng: random.Random) -> tuple[str, bool]:
    """A tweet of 6 to 35 words drawn from the essays' prose."""
    if not _PROSE:
        _PROSE.extend(prose_words())
    words = rng.choices(_PROSE, k=rng.randint(6, 35))
    return " ".join(words), False


def history(size: int, seed: int, corpus: str = "roaster") -> list[Tweet]:
    rng = random.Random(seed)
    tweets: list[Tweet] = []
    for i in range(size):
        if tweets and rng.random() < 0.15:
            original = rng.choice(tweets)
            text, reply = near_copy(rng, original.text), original.is_reply
        elif corpus == "prose":
            text, reply = prose(rng)
        else:
            text, reply = compose(rng)
        ago = timedelta(seconds=rng.uniform(60, WINDOW_DAYS * 86400))
        tweets.append(
            Tweet(
                id=str(10**15 + i),
                text=text,
                created_at=NOW - ago,
                author_id="northside",
                replied_to_id=str(10**14 + i) if reply else None,
            )
        )
    return tweets


def fresh(rng: random.Random) -> str:
    """A draft in the same voice but not written before: frames the history never uses."""
    product, other, note = rng.choice(PRODUCTS), rng.choice(PRODUCTS), rng.choice(NOTES)
    staff, day = rng.choice(STAFF), rng.choice(DAYS)
    return rng.choice(
        [
            f"Ask {staff} about {product} next time you're in; they think it tastes of {note}.",
            f"Did you know {product} goes with {other}? {staff} tried it on {day}.",
            f"{staff} is off to origin next month to visit the farm behind {product}.",
            f"Our roaster broke down on {day}, so {product} is late. Sorry, and thank you!",
            f"Tiny win: we now compost every bag of grounds, {rng.randrange(40, 200)}kg so far.",
            f"Looking for a weekend barista who loves {product}. DM {staff}!",
            f"Who remembers the {rng.randrange(2012, 2020)} flood? {staff} still has the photos.",
        ]
    )


def drafts(tweets: list[Tweet], count: int, seed: int, corpus: str = "roaster") -> list[str]:
    """Half near-copies of broadcasts in the history, half drafts not written before."""
    rng = random.Random(seed + 1)
    broadcasts = [t for t in tweets if not t.is_reply]
    new = (lambda: prose(rng)[0]) if corpus == "prose" else (lambda: fresh(rng))
    return [
        near_copy(rng, rng.choice(broadcasts).text) if i % 2 == 0 else new() for i in range(count)
    ]


@dataclass
class Row:
    corpus: str
    history_size: int
    p50_ms: float
    p99_ms: float
    brute_force_p50_ms: float
    recall_vs_brute_force: float
    build_s: float
    false_matches: int
    index_build_s: float
    index_mb: float
    tweets_mb: float


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(size: int, count: int, seed: int, corpus: str = "roaster") -> Row:
    tracemalloc.start()
    tweets = history(size, seed, corpus)
    tweets_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    texts = drafts(tweets, count, seed, corpus)
    started = time.perf_counter()
    NearDuplicateIndex(tweets)
    index_build_s = time.perf_counter() - started
    tracemalloc.start()
    index = NearDuplicateIndex(tweets)
    index_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del index
    started = time.perf_counter()
    coach = Coach(history=tweets)
    build_s = time.perf_counter() - started
    threshold = coach.settings.thresholds.near_duplicate_ratio
    since = NOW - timedelta(days=coach.settings.thresholds.near_duplicate_days)
    # The scan gets the history normalised once, as any sensible scan would keep it.
    window = [normalise(t.text) for t in tweets if t.created_at >= since]
    for text in texts[:5]:  # warm up caches, compiled patterns
        coach.report(text, now=NOW)

    coach_ms: list[float] = []
    scan_ms: list[float] = []
    expected = recalled = false_matches = 0
    for text in texts:
        started = time.perf_counter()
        report = coach.report(text, now=NOW)
        coach_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        truth = process.extractOne(
            normalise(text), window, scorer=fuzz.token_set_ratio, score_cutoff=threshold
        )
        scan_ms.append((time.perf_counter() - started) * 1000)

        reported = [f.related for f in report.by_rule("near-duplicate") if f.related]
        true_hits = [
            r
            for r in reported
            if fuzz.token_set_ratio(normalise(text), normalise(r.text)) >= threshold
        ]
        false_matches += len(reported) - len(true_hits)
        if truth is not None:
            expected += 1
            recalled += bool(true_hits)
    if false_matches:
        print(
            f"coach_latency: {false_matches} near-duplicate finding(s) at {size} tweets "
            f"point at a tweet below the {threshold:g} threshold",
            file=sys.stderr,
        )
    return Row(
        corpus=corpus,
        history_size=size,
        p50_ms=round(statistics.median(coach_ms), 3),
        p99_ms=round(percentile(coach_ms, 0.99), 3),
        brute_force_p50_ms=round(statistics.median(scan_ms), 3),
        recall_vs_brute_force=round(recalled / expected, 4) if expected else 1.0,
        build_s=round(build_s, 2),
        false_matches=false_matches,
        index_build_s=round(index_build_s, 2),
        index_mb=round(index_mb, 1),
        tweets_mb=round(tweets_mb, 1),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), metavar="N")
    parser.add_argument("--drafts", type=int, default=200, help="drafts per size (default 200)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--corpus", choices=("roaster", "prose", "both"), default="both",
        help="templated roaster tweets, prose from the essays (../shared/seeds), or both",
    )  # fmt: skip
    args = parser.parse_args()
    corpora = ["roaster", "prose"] if args.corpus == "both" else [args.corpus]
    if "prose" in corpora and not list(SEEDS.glob("*.txt")):
        print(f"coach_latency: no essays in {SEEDS}; skipping the prose corpus", file=sys.stderr)
        corpora.remove("prose")
    rows = [
        measure(size, args.drafts, args.seed, corpus) for corpus in corpora for size in args.sizes
    ]
    if args.json:
        keys = (
            "corpus", "history_size", "p50_ms", "p99_ms", "brute_force_p50_ms",
            "recall_vs_brute_force", "false_matches", "build_s", "index_build_s", "index_mb",
            "tweets_mb",
        )  # fmt: skip
        rows_out = [{k: getattr(row, k) for k in keys} for row in rows]
        print(json.dumps({"load_average": round(os.getloadavg()[0], 2), "rows": rows_out}))
        return 0
    print(
        f"{args.drafts} drafts per size (half near-copies), full report incl. near-duplicates; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'corpus':>8} {'history':>8} {'p50 ms':>9} {'p99 ms':>9} {'scan p50':>9} {'recall':>7} "
        f"{'false':>6} {'build s':>8} {'index s':>8} {'index MB':>9} {'tweets MB':>10}"
    )
    for row in rows:
        print(
            f"{row.corpus:>8} {row.history_size:>8} {row.p50_ms:>9.3f} {row.p99_ms:>9.3f} "
            f"{row.brute_force_p50_ms:>9.3f} {row.recall_vs_brute_force:>7.4f} "
            f"{row.false_matches:>6} {row.build_s:>8.2f} {row.index_build_s:>8.2f} "
            f"{row.index_mb:>9.1f} {row.tweets_mb:>10.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
