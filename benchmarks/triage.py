"""The owed bands on real tweets: the airline sentiment development set.

Reads ``../shared/fixtures/airline-sentiment-dev/`` (5,947 tweets to six US
airlines, labelled negative, neutral or positive by people), undoes the
dataset's known word swap ("Cancelled Flight" for "cancel", "Late Flight" for
"late", "Flight Booking Problems" for "booking"; see its NOTE.md), and reads
each tweet as a mention of its airline's account.

Prints the confusion table (label x band), the shares the issue sets targets
for, P(a negative tweet is listed above a positive one of the same account)
in the owed list's own order, the share sent to probably-spam, and examples
of each kind of miss. ``--json`` prints it all as one object.

    PYTHONPATH=. python benchmarks/triage.py [--json] [--examples N]
        [--dump FILE | --compare FILE]

``--dump FILE`` writes every tweet's verdict (band, tier, reasons) as JSON;
``--compare FILE`` reads such a file and lists every tweet whose verdict is no
longer the same (exit status 1 if any): the check that a change meant only to
make triage faster changed no verdict.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from tuicoach.domain.triage import Band, triage

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TUICOACH_SHARED", REPO.parent / "shared"))
DEV = SHARED / "fixtures" / "airline-sentiment-dev"
DEV_FILE = DEV / "airline_sentiment_dev.csv.gz"
TARGETS = {
    "negative_needs_answer": (">=", 0.85),
    "negative_thanks": ("<=", 0.02),
    "positive_thanks": (">=", 0.60),
    "negative_above_positive": (">=", 0.95),
    "customer_spam": ("<=", 0.005),
}


def undo_swap(text: str) -> str:
    """The dataset's published text, with its three-phrase word swap undone."""
    return (
        text.replace("Cancelled Flight", "cancel")
        .replace("Late Flight", "late")
        .replace("Flight Booking Problems", "booking")
    )


def load(path: Path = DEV_FILE) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["text"] = undo_swap(row["text"])
    return rows


def above_share(items: list[tuple[tuple[object, ...], str]]) -> float:
    """P(negative listed before positive) over all (negative, positive) pairs."""
    items.sort(key=lambda item: item[0])
    negatives_before = 0
    pairs = before = 0
    for _, label in items:
        if label == "negative":
            negatives_before += 1
        elif label == "positive":
            before += negatives_before
    negs = sum(1 for _, label in items if label == "negative")
    poss = sum(1 for _, label in items if label == "positive")
    pairs = negs * poss
    return before / pairs if pairs else 1.0


def evaluate(rows: list[dict[str, str]], examples: int = 8) -> dict[str, object]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    by_account: dict[str, list[tuple[tuple[object, ...], str]]] = defaultdict(list)
    misses: dict[str, list[dict[str, object]]] = defaultdict(list)
    started = time.perf_counter()
    for row in rows:
        label, text = row["airline_sentiment"], row["text"]
        verdict = triage(text)
        table[label][verdict.band.value] += 1
        created = datetime.strptime(row["tweet_created"], "%Y-%m-%d %H:%M:%S %z")
        key = (verdict.band.rank, verdict.tier, created, row["tweet_id"])
        by_account[row["airline"]].append((key, label))
        kind = None
        if label == "negative" and verdict.band is Band.THANKS:
            kind = "negative_as_thanks"
        elif label == "negative" and verdict.band is Band.NORMAL:
            kind = "negative_as_normal"
        elif label == "positive" and verdict.band is Band.NEEDS_ANSWER:
            kind = "positive_as_needs_answer"
        elif label == "positive" and verdict.band is Band.NORMAL:
            kind = "positive_as_normal"
        elif label != "neutral" and verdict.band is Band.SPAM:
            kind = "customer_as_spam"
        if kind and len(misses[kind]) < examples:
            misses[kind].append({"text": text, "reasons": [r.to_json() for r in verdict.reasons]})
    elapsed = time.perf_counter() - started

    def share(label: str, band: Band) -> float:
        total = sum(table[label].values())
        return table[label][band.value] / total if total else 0.0

    pairs_weighted = 0.0
    pairs = 0
    for items in by_account.values():
        n = sum(1 for _, lab in items if lab == "negative")
        p = sum(1 for _, lab in items if lab == "positive")
        pairs_weighted += above_share(items) * n * p
        pairs += n * p
    customers = sum(table["negative"].values()) + sum(table["positive"].values())
    shares = {
        "negative_needs_answer": share("negative", Band.NEEDS_ANSWER),
        "negative_thanks": share("negative", Band.THANKS),
        "positive_thanks": share("positive", Band.THANKS),
        "negative_above_positive": pairs_weighted / pairs if pairs else 1.0,
        "customer_spam": (table["negative"]["probably-spam"] + table["positive"]["probably-spam"])
        / customers,
    }
    met = {
        name: (value >= TARGETS[name][1] if TARGETS[name][0] == ">=" else value <= TARGETS[name][1])
        for name, value in shares.items()
    }
    return {
        "dataset": str(DEV_FILE.resolve()),
        "text": "published text with the word swap undone (Cancelled Flight->cancel, ...)",
        "tweets": len(rows),
        "table": {
            label: {band.value: table[label][band.value] for band in Band}
            for label in ("negative", "neutral", "positive")
        },
        "shares": {k: round(v, 4) for k, v in shares.items()},
        "targets": {k: f"{op} {v}" for k, (op, v) in TARGETS.items()},
        "met": met,
        "classify_ms_per_tweet": round(elapsed * 1000 / max(len(rows), 1), 4),
        "misses": dict(misses),
    }


def verdicts_of(rows: list[dict[str, str]]) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for i, row in enumerate(rows):  # some tweet ids repeat: keyed by row too
        verdict = triage(row["text"])
        reasons = [list(r) for r in verdict.reasons]
        out[f"{i}:{row['tweet_id']}"] = [verdict.band.value, verdict.tier, reasons]
    return out


def dump_or_compare(rows: list[dict[str, str]], *, dump: str | None, compare: str | None) -> int:
    now = verdicts_of(rows)
    if dump:
        Path(dump).write_text(json.dumps(now), encoding="utf-8")
        print(f"{len(now)} verdicts written to {dump}")
        return 0
    assert compare is not None
    before = json.loads(Path(compare).read_text(encoding="utf-8"))
    changed = [tid for tid in now.keys() | before.keys() if now.get(tid) != before.get(tid)]
    texts = {f"{i}:{row['tweet_id']}": row["text"] for i, row in enumerate(rows)}
    for tid in sorted(changed)[:20]:
        print(f"{tid}: {before.get(tid)} -> {now.get(tid)}\n    {texts.get(tid, '')[:140]!r}")
    print(f"{len(changed)} of {len(now)} verdicts changed (band, tier or reasons)")
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--examples", type=int, default=8, help="examples per kind of miss")
    verdicts = parser.add_mutually_exclusive_group()
    verdicts.add_argument("--dump", metavar="FILE", help="write every verdict to FILE (JSON)")
    verdicts.add_argument("--compare", metavar="FILE", help="list verdicts changed since --dump")
    args = parser.parse_args()
    if not DEV_FILE.exists():
        print(f"no development set at {DEV_FILE}: fetch ../shared/fixtures first", file=sys.stderr)
        return 2
    if args.dump or args.compare:
        return dump_or_compare(load(), dump=args.dump, compare=args.compare)
    result = evaluate(load(), args.examples)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    table = result["table"]
    assert isinstance(table, dict)
    print(f"{'label':<10}" + "".join(f"{b.value:>15}" for b in Band))
    for label, counts in table.items():
        total = sum(counts.values()) or 1
        print(f"{label:<10}" + "".join(f"{counts[b.value] / total:>15.1%}" for b in Band))
    print()
    shares, met = result["shares"], result["met"]
    assert isinstance(shares, dict) and isinstance(met, dict)
    for name, value in shares.items():
        print(f"{name:<26}{value:>8.4f}  target {result['targets'][name]:<8}"  # type: ignore[index]
              f"{'met' if met[name] else 'NOT MET'}")  # fmt: skip
    print(f"classify: {result['classify_ms_per_tweet']} ms a tweet")
    misses = result["misses"]
    assert isinstance(misses, dict)
    for kind, items in misses.items():
        print(f"\n{kind}:")
        for item in items:
            print("  ", item["text"].replace("\n", " ")[:150])
    return 0


if __name__ == "__main__":
    sys.exit(main())
