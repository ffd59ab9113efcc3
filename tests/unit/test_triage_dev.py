"""Triage on the airline development set (../shared; skipped when absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from conftest import shared_fixture

from tuicoach.domain.triage import Band, triage

REPO = Path(__file__).resolve().parents[2]


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("triage_bench", REPO / "benchmarks/triage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["triage_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_real_customers_are_almost_never_spam() -> None:
    path = shared_fixture("airline-sentiment-dev", "airline_sentiment_dev.csv.gz")
    rows = [r for r in _benchmark().load(path) if r["airline_sentiment"] != "neutral"]
    spam = [r["text"] for r in rows if triage(r["text"]).band is Band.SPAM]
    assert len(spam) <= 0.005 * len(rows), spam[:5]
    with_links = [r for r in rows if "http" in r["text"] and "?" in r["text"]]
    assert with_links  # the set has customers with a link and a question ...
    assert all(triage(r["text"]).band is not Band.SPAM for r in with_links)  # ... never spam


def test_reasons_lie_in_every_real_tweet() -> None:
    path = shared_fixture("airline-sentiment-dev", "airline_sentiment_dev.csv.gz")
    for row in _benchmark().load(path):
        text = row["text"]
        for r in triage(text).reasons:
            if r.start is not None:
                assert text[r.start : r.end] == r.words
