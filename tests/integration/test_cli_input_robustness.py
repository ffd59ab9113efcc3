"""Hostile input to `score` and `owed`: each bad line named in its place, the rest scored.

Each of these ended in a traceback before (RecursionError, UnicodeEncodeError,
UnicodeDecodeError, OverflowError).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_tuicoach

from tuicoach.domain.xapi import LineError, PayloadError, parse_time, tweets_from_lines

NOW = "2026-03-10T12:00:00Z"
EARLY = "0001-01-01T00:00:00+01:00"  # before year 1 in UTC


def tuicoach(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUICOACH_CONFIG": str(tmp_path / "none.toml"), "NO_COLOR": "1"}
    return run_tuicoach(*args, env=env)


def test_a_time_before_year_one_in_utc_is_a_named_error() -> None:
    with pytest.raises(PayloadError, match="out of range"):
        parse_time(EARLY)


def test_such_a_tweet_in_history_is_a_named_line_error() -> None:
    line = json.dumps({"id": "1", "text": "hi", "created_at": EARLY, "author_id": "2"})
    with pytest.raises(LineError, match="line 1: field 'created_at'"):
        tweets_from_lines([line])


def test_100000_deep_nesting_in_history_is_a_named_line_error() -> None:
    with pytest.raises(LineError, match="nested more than"):
        tweets_from_lines(["[" * 100_000 + "]" * 100_000])


def test_score_now_and_history_with_an_impossible_time(tmp_path: Path) -> None:
    run = tuicoach("score", "hello", "--now", EARLY, tmp_path=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    history = tmp_path / "h.jsonl"
    history.write_text(
        json.dumps({"id": "1", "text": "x", "created_at": EARLY, "author_id": "2"}) + "\n"
    )
    run = tuicoach("score", "hello", "--history", str(history), tmp_path=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "line 1" in run.stderr
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    run = tuicoach("score", "hello", "--history", str(deep), tmp_path=tmp_path)
    assert run.returncode == 2 and "nested more than" in run.stderr, run.stderr


def test_score_jsonl_goes_on_past_every_kind_of_bad_line(tmp_path: Path) -> None:
    text = "Fresh rye bread today at the bakery \ud800 come by"
    history = tmp_path / "h.jsonl"
    history.write_text(
        json.dumps({"id": "5", "text": text, "created_at": "2026-03-09T10:00:00Z"}) + "\n"
    )
    drafts = tmp_path / "drafts.jsonl"
    with drafts.open("wb") as out:
        out.write((json.dumps({"id": 1, "text": text}) + "\n").encode())  # quoted back
        out.write(b"[" * 100_000 + b"]" * 100_000 + b"\n")
        out.write(b'{"id": 3, "text": "caf\xe9 au lait"}\n')  # Latin-1, not UTF-8
        out.write((json.dumps({"id": 4, "text": "hello there"}) + "\n").encode())
    run = tuicoach(
        "score", "--jsonl", "--input", str(drafts), "--history", str(history), "--now", NOW,
        tmp_path=tmp_path,
    )  # fmt: skip
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r.get("id", r.get("line")) for r in results] == [1, 2, 3, 4]
    assert results[0]["findings"][0]["rule"] == "near-duplicate"
    assert "\ud800" in results[0]["findings"][0]["related"]["text"]  # escaped, not dropped
    assert results[1] == {"line": 2, "error": results[1]["error"]}
    assert "nested more than" in results[1]["error"]
    assert results[2]["line"] == 3 and "not UTF-8" in results[2]["error"]
    assert results[3]["id"] == 4 and results[3]["score"] == 100


def test_owed_tweets_with_deep_nesting_is_named(tmp_path: Path) -> None:
    tweets = tmp_path / "t.jsonl"
    tweets.write_text("{" * 0 + "[" * 100_000 + "]" * 100_000 + "\n")
    run = tuicoach("owed", "--tweets", str(tweets), "--account-id", "1", tmp_path=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "line 1" in run.stderr and "nested more than" in run.stderr
