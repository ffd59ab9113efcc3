"""Triage's cold cost: importing it, and a fresh :class:`Triage` reading the demo's mentions.

    PYTHONPATH=. python benchmarks/triage_cold.py [--runs 9] [--json] [--against ../main]

Before the demo's first frame, the opening thread reads the owed list: a fresh
``Triage`` classifies the mentions it shows (28 of them, each with its author), and
that first reading pays for every pattern and table it builds on first use. This
records which ``classify`` calls ``tuicoach owed --demo`` makes (once, in a temporary
data folder), then times, in a fresh interpreter per run with ``gc.disable()`` (as
the start-up path sees it, before any collection): the CPU time of
``import tuicoach.domain.triage`` (its own module only: ``tuicoach.domain.models``
and the standard modules the app has loaded by then are imported first), and of
``Triage()`` plus those 28 calls. The medians are the headline; ``--against DIR``
times another checkout in the same runs, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

RECORD = """
import json, sys
import tuicoach.domain.triage as t
calls = []
original = t.Triage.classify
def recording(self, text, author=None, *, spam=True):
    fields = None if author is None else {k: getattr(author, k) for k in author.__slots__}
    calls.append({"text": text, "author": fields, "spam": spam})
    return original(self, text, author, spam=spam)
t.Triage.classify = recording
from tuicoach.cli import main
try:
    main(["owed", "--demo", "--data-dir", sys.argv[1]])
except SystemExit:
    pass
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(calls, f)
"""

COLD = """
import gc, json, sys, time
gc.disable()
# What the app has imported by then (Textual does): the import timed is triage's own.
import dataclasses, enum, functools, importlib.util, itertools, pathlib, re, typing
import unicodedata
import tuicoach
assert tuicoach.__file__.startswith(sys.argv[2]), tuicoach.__file__
from tuicoach.domain.models import User
with open(sys.argv[1], encoding="utf-8") as f:
    calls = json.load(f)
authors = [None if c["author"] is None else User(**c["author"]) for c in calls]
t0 = time.process_time()
from tuicoach.domain.triage import Triage
t1 = time.process_time()
reader = Triage()
verdicts = [
    reader.classify(c["text"], a, spam=c["spam"]) for c, a in zip(calls, authors, strict=True)
]
t2 = time.process_time()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "classify_ms": (t2 - t1) * 1e3,
                  "bands": [v.band.value for v in verdicts]}))
"""


def record(tmp: Path) -> Path:
    out = tmp / "calls.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-c", RECORD, str(tmp / "data"), str(out)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return out


def cold(repo: Path, calls: Path, pycache: Path) -> dict[str, Any]:
    # From compiled bytecode, as an installed tuicoach runs (see benchmarks/startup.py).
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", COLD, str(calls), str(repo)],
        check=True,
        env=env,
        cwd=repo,  # "-c" puts the working folder first on the path
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--against", type=Path, help="another checkout, timed in the same runs")
    args = parser.parse_args()
    checkouts = {"this": REPO}
    if args.against is not None:
        checkouts["against"] = args.against.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        calls = record(Path(tmp))
        n_calls = len(json.loads(calls.read_text(encoding="utf-8")))
        caches = {name: Path(tmp, "pycache-" + name) for name in checkouts}
        for name, repo in checkouts.items():
            cold(repo, calls, caches[name])  # bytecode compiled, files in the page cache
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in checkouts}
        for _ in range(args.runs):
            for name, repo in checkouts.items():
                runs[name].append(cold(repo, calls, caches[name]))
    summary: dict[str, dict[str, Any]] = {}
    for name, got in runs.items():
        bands = {tuple(r["bands"]) for r in got}
        summary[name] = {
            "checkout": str(checkouts[name]),
            "import_ms": statistics.median(r["import_ms"] for r in got),
            "classify_ms": statistics.median(r["classify_ms"] for r in got),
            "classify_ms_min": min(r["classify_ms"] for r in got),
            "classify_ms_max": max(r["classify_ms"] for r in got),
            "bands": list(next(iter(bands))) if len(bands) == 1 else "differ between runs",
        }
    same = summary["this"]["bands"] == summary["against"]["bands"] if args.against else None
    if args.json:
        print(json.dumps({"calls": n_calls, "runs": args.runs, **summary, "same_bands": same}))
        return
    print(f"Cold triage, {n_calls} classify calls of `tuicoach owed --demo`, {args.runs} runs,")
    print("CPU ms (median, min-max), fresh interpreter, gc disabled:")
    for name, r in summary.items():
        print(
            f"  {name:8} {r['checkout']:40.40}  import {r['import_ms']:6.1f}"
            f"   Triage() + classify {r['classify_ms']:6.1f}"
            f" ({r['classify_ms_min']:.1f}-{r['classify_ms_max']:.1f})"
        )
    if same is not None:
        print(f"  same bands: {same}")


if __name__ == "__main__":
    main()
