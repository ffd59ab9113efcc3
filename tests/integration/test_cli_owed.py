"""``tuicoach owed``, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_tuicoach

from tuicoach import paths
from tuicoach.domain.models import Mention, Tweet, User
from tuicoach.store import Store

NOW = "2026-03-01T12:00:00Z"
NOW_DT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def tuicoach(
    *args: str, columns: int = 100, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("TUICOACH_DATA_DIR", None)
    return run_tuicoach(*args, env=env, stdin=stdin)


LINES = [
    # A question, waiting 4 hours; its text runs long.
    {
        "id": "1",
        "text": "@roastery where is my order? It was due on Tuesday and the tracking page has said "
        "'out for delivery' ever since. Could you look into it?",
        "author_id": "200",
        "created_at": "2026-03-01T08:00:00Z",
        "conversation_id": "1",
        "entities": {"mentions": [{"start": 0, "end": 9, "username": "roastery", "id": "100"}]},
    },
    # Thanks, waiting 3 days; written over two lines.
    {
        "id": "2",
        "text": "@Roastery thank you!\nBest beans in town 🙏",
        "author_id": "201",
        "created_at": "2026-02-26T12:00:00Z",
    },
    # Chatter that the brand answered.
    {
        "id": "3",
        "text": "@roastery loved the market stall",
        "author_id": "202",
        "created_at": "2026-02-28T08:00:00Z",
    },
    {
        "id": "4",
        "text": "@cust so glad!",
        "author_id": "100",
        "created_at": "2026-02-28T09:30:00Z",
        "in_reply_to_user_id": "202",
        "referenced_tweets": [{"type": "replied_to", "id": "3"}],
    },
    # A reply to the brand's own tweet, waiting 1 day.
    {
        "id": "5",
        "text": "Saturday at the market then",
        "author_id": "203",
        "created_at": "2026-02-28T12:00:00Z",
        "referenced_tweets": [{"type": "replied_to", "id": "4"}],
    },
]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n", encoding="utf-8")
    return path


def from_file(export: Path, *more: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    return tuicoach(
        "owed",
        "--tweets",
        str(export),
        "--account-id",
        "100",
        "--account-username",
        "roastery",
        "--now",
        NOW,
        *more,
        columns=columns,
    )


def test_json_in_priority_order(export: Path) -> None:
    result = from_file(export, "--json")
    assert result.returncode == 0, result.stderr
    owed = json.loads(result.stdout)
    assert [o["id"] for o in owed] == ["1", "5", "2"]
    reasons = owed[0].pop("reasons")
    assert reasons and all(
        LINES[0]["text"][r["start"] : r["end"]] == r["cue"] for r in reasons
    )  # every cue is where it says it is
    assert owed[0] == {
        "id": "1",
        "author_id": "200",
        "text": LINES[0]["text"],
        "created_at": "2026-03-01T08:00:00Z",
        "waiting_seconds": 4 * 3600,
        "band": "needs-answer",
        "conversation_id": "1",
    }
    assert all(set(o) - {"reasons"} == set(owed[0]) for o in owed)
    assert [(o["band"], o["waiting_seconds"]) for o in owed[1:]] == [
        ("normal", 24 * 3600),
        ("thanks", 3 * 86400),
    ]
    assert owed[1]["conversation_id"] == "3"  # derived: 5 -> 4 -> 3


def test_readable_list(export: Path) -> None:
    result = from_file(export, columns=72)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "3 people owed a reply; the longest wait is 3d."
    rows = lines[2:]
    assert len(rows) == 3
    assert rows[0].split()[:3] == ["4h", "@200", "needs-answer"]
    assert rows[1].split()[:3] == ["1d", "@203", "normal"]
    assert rows[2].split()[:3] == ["3d", "@201", "thanks"]
    assert rows[0].endswith("…")  # cut to the terminal
    assert all(len(row) <= 72 for row in rows)
    assert "thank you! Best beans in town 🙏" in rows[2]  # one line


def test_without_the_username_text_mentions_do_not_count(export: Path) -> None:
    result = tuicoach(
        "owed", "--tweets", str(export), "--account-id", "100", "--now", NOW, "--json"
    )
    # 1 mentions by entity id, 5 replies to an own tweet; 2 only says "@Roastery" in its text.
    assert [o["id"] for o in json.loads(result.stdout)] == ["1", "5"]


def test_stats(export: Path) -> None:
    result = from_file(export, "--stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats == {
        "addressed": 4,
        "answered": 1,
        "reply_rate": 0.25,
        "median_first_reply_seconds": 5400,
        "owed": 3,
        "owed_tweets": 3,
        "oldest_owed_seconds": 3 * 86400,
        "window_days": 30,
    }
    text = from_file(export, "--stats").stdout
    assert "25% (1 of 4 tweets addressed to you in the last 30 days)" in text
    assert "Median first reply: 1h 30m" in text
    assert "Owed now:           3 people (longest wait 3d 0h)" in text


def test_owed_counts_people_and_says_the_tweets(tmp_path: Path) -> None:
    """Issue 11: "N owed" counts people; a person who wrote twice is one, with both tweets said."""
    again = {**LINES[0], "id": "6", "text": "@roastery hello?? still no order",
             "created_at": "2026-03-01T10:00:00Z", "conversation_id": "6"}  # fmt: skip
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in [*LINES, again]) + "\n", "utf-8")
    lines = from_file(path).stdout.splitlines()
    assert lines[0] == "3 people (4 tweets) owed a reply; the longest wait is 3d."
    assert len(lines[2:]) == 4  # every tweet is still listed
    stats = json.loads(from_file(path, "--stats", "--json").stdout)
    assert (stats["owed"], stats["owed_tweets"]) == (3, 4)
    assert (
        "Owed now:           3 people (4 tweets) (longest wait" in from_file(path, "--stats").stdout
    )


def test_stdin(export: Path) -> None:
    result = tuicoach(
        "owed",
        "--tweets",
        "-",
        "--account-id",
        "100",
        "--now",
        NOW,
        "--json",
        stdin=export.read_text(encoding="utf-8"),
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"id": "9", "text": "hi", "author_id": "7"}, "created_at"),
        ({"id": "9", "text": "hi", "author_id": "7", "created_at": "yesterday"}, "created_at"),
        ({"text": "hi", "author_id": "7", "created_at": NOW}, "id"),
        (
            {"id": "9", "text": "hi", "created_at": NOW, "referenced_tweets": "1890"},
            "referenced_tweets",
        ),
        ({"id": "9", "text": ["hi"], "created_at": NOW}, "text"),
    ],
)
def test_a_bad_line_names_the_line_and_the_field(
    tmp_path: Path, bad: dict[str, object], field: str
) -> None:
    path = tmp_path / "tweets.jsonl"
    good = json.dumps(LINES[0])
    path.write_text(f"{good}\n\n{json.dumps(bad)}\n{good}\n", encoding="utf-8")
    result = tuicoach("owed", "--tweets", str(path), "--account-id", "100")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "line 3" in result.stderr
    assert f"'{field}'" in result.stderr


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "tweets.jsonl"
    path.write_text('{"id": "1",\n', encoding="utf-8")
    result = tuicoach("owed", "--tweets", str(path), "--account-id", "100")
    assert result.returncode == 2
    assert "line 1: not valid JSON" in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tweets", "missing.jsonl", "--account-id", "1"], "cannot read missing.jsonl"),
        (["--tweets", "x.jsonl"], "--tweets needs --account-id"),
        (["--account-id", "1"], "go with --tweets"),
        (["--tweets", "x.jsonl", "--account-id", "1", "--demo"], "leave out --demo"),
        (["--now", "next tuesday"], "--now"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], says: str) -> None:
    result = tuicoach("--data-dir", str(tmp_path), "owed", *args)
    assert result.returncode == 2
    assert says in result.stderr


def make_account(data: Path, username: str) -> Path:
    path = paths.account_db(data, username)
    with Store.open(path) as store:
        store.set_account(User("100", username))
        store.upsert_users([User("200", "sam_k")])
        store.upsert_tweets(
            [
                Tweet(
                    "1",
                    f"@{username} is the Kenya back?",
                    NOW_DT - timedelta(hours=2),
                    "200",
                    mentions=(Mention(username, 0, len(username) + 1, "100"),),
                )
            ],
            stream="mentions",
        )
        store.mark_no_reply("9", "spam", now=NOW_DT)
    return path


def test_reads_the_only_account(tmp_path: Path) -> None:
    make_account(tmp_path, "roastery")
    result = tuicoach("owed", "--data-dir", str(tmp_path), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2].split()[:3] == ["2h", "@sam_k", "needs-answer"]


def test_choosing_among_accounts(tmp_path: Path) -> None:
    make_account(tmp_path, "roastery")
    make_account(tmp_path, "bakery")
    result = tuicoach("owed", "--data-dir", str(tmp_path), "--now", NOW)
    assert result.returncode == 2
    assert "2 accounts" in result.stderr and "--account" in result.stderr
    chosen = tuicoach(
        "owed", "--data-dir", str(tmp_path), "--account", "@bakery", "--json", "--now", NOW
    )
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)[0]["text"] == "@bakery is the Kenya back?"
    unknown = tuicoach("owed", "--data-dir", str(tmp_path), "--account", "cafe")
    assert unknown.returncode == 2
    assert "no account @cafe" in unknown.stderr
    assert not paths.account_db(tmp_path, "cafe").exists()  # no empty database made for a typo


def test_no_account(tmp_path: Path) -> None:
    result = tuicoach("owed", "--data-dir", str(tmp_path / "fresh"))
    assert result.returncode == 2
    assert "no X account is signed in" in result.stderr
    assert "tuicoach login" in result.stderr and "--demo" in result.stderr
    assert result.stdout == ""


def test_a_damaged_store_is_a_clear_error(tmp_path: Path) -> None:
    path = paths.account_db(tmp_path, "roastery")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not sqlite" * 100)
    result = tuicoach("owed", "--data-dir", str(tmp_path))
    assert result.returncode == 3  # the store failed: exit 3, as in every command
    assert str(path) in result.stderr and "not a tuicoach database" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_config_can_rank_bigger_audiences_first_within_each_band(tmp_path: Path) -> None:
    from tuicoach.backends.demo.sample import load_world

    def demo_owed(*more: str) -> list[dict[str, object]]:
        args = ("owed", "--demo", "--json", "--now", NOW, "--data-dir", str(tmp_path), *more)
        result = tuicoach(*args)
        assert result.returncode == 0, result.stderr
        return list(json.loads(result.stdout))

    config = tmp_path / "config.toml"
    config.write_text("[owed]\nrank_by_followers = true\n")
    plain, ranked = demo_owed(), demo_owed("--config", str(config))

    followers = {
        u.id: u.followers_count or 0 for page in load_world().streams.values() for u in page.users
    }
    assert sorted(o["id"] for o in plain) == sorted(o["id"] for o in ranked)
    assert [o["band"] for o in plain] == [o["band"] for o in ranked]  # need still comes first
    assert [o["id"] for o in plain] != [o["id"] for o in ranked]
    for band in {str(o["band"]) for o in ranked}:
        sizes = [len(str(followers[str(o["author_id"])])) for o in ranked if o["band"] == band]
        assert sizes == sorted(sizes, reverse=True), band  # orders of magnitude, biggest first
