"""`tuicoach report`, `checkup`, `feedback` and `queue` on the demo, as a person runs them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import tc

from tuicoach.domain.xapi import parse_time

NOW = "2026-03-04T15:00:00Z"


def test_report_json_has_the_documented_shape(env: dict[str, str]) -> None:
    code, out, err = tc(env, "report", "--demo", "--now", NOW, "--json", "--days", "30")
    assert code == 0, err
    data = json.loads(out)
    assert 0 <= data["reply_rate"] <= 1
    assert 0 <= data["replied_within_hour"] <= data["reply_rate"]
    first = data["first_reply"]
    assert first["median_seconds"] <= first["p90_seconds"]
    assert set(first["by_band"]) == {"needs-answer", "normal", "thanks"}
    hours = first["business_hours"]["addressed"] + first["off_hours"]["addressed"]
    assert hours == data["addressed"] > 0
    assert len(data["backlog"]) == 31
    assert data["backlog"][-1]["day"] == "2026-03-04"
    assert data["promo_share"]["line"] == 0.25
    assert len(data["posts_by_hour"]) == 24 and len(data["posts_by_weekday"]) == 7


def test_report_owed_now_matches_the_owed_command(env: dict[str, str]) -> None:
    _, out, _ = tc(env, "report", "--demo", "--now", NOW, "--json")
    owed = json.loads(tc(env, "owed", "--demo", "--now", NOW, "--json")[1])
    owed_items = [item for item in owed if item["band"] != "probably-spam"]  # listed, not owed
    assert len(owed_items) < len(owed)
    people = {item["author_id"] for item in owed_items}
    assert len(people) < len(owed_items)  # the demo has someone who wrote twice
    today = json.loads(out)["backlog"][-1]
    assert (today["owed"], today["tweets"]) == (len(people), len(owed_items))  # "N owed": people


def test_report_csv_and_text(env: dict[str, str]) -> None:
    code, out, _ = tc(env, "report", "--demo", "--now", NOW, "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["figure", "key", "value"]
    keys = {(r[0], r[1]) for r in rows[1:]}
    assert ("replies", "reply_rate") in keys and ("first_reply:off_hours", "p90_seconds") in keys
    code, out, _ = tc(env, "report", "--demo", "--now", NOW)
    assert "Reply rate" in out and "Promotional share" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "yesterday"], "YYYY-MM-DD"),
        (["--since", "2026-03-05", "--until", "2026-03-01"], "before --until"),
        (["--days", "0"], "1 or more"),
        (["--days", "7", "--since", "2026-03-01"], "not both"),
    ],
)
def test_report_bad_period(env: dict[str, str], args: list[str], words: str) -> None:
    code, _, err = tc(env, "report", "--demo", "--now", NOW, *args)
    assert code == 2 and words in err


def test_checkup_on_the_demo(env: dict[str, str]) -> None:
    code, out, err = tc(env, "checkup", "--demo", "--now", NOW, "--json")
    assert code == 0, err
    rules = {f["rule"]: f["severity"] for f in json.loads(out)}
    assert rules["profile-link"] == "good"  # the demo brand links to its site
    assert {"profile-business", "profile-objective", "quiet-account", "reply-rate"} <= set(rules)


def first_owed(env: dict[str, str]) -> list[dict[str, str]]:
    return json.loads(tc(env, "owed", "--demo", "--now", NOW, "--json")[1])


def test_feedback_tag_show_and_export(env: dict[str, str]) -> None:
    owed = first_owed(env)
    a, b = owed[0]["id"], owed[1]["id"]
    assert tc(env, "feedback", "tag", "--demo", "--now", NOW, a, "complaint", "decaf")[0] == 0
    assert tc(env, "feedback", "tag", "--demo", "--now", NOW, b, "complaint")[0] == 0
    code, _, err = tc(env, "feedback", "tag", "--demo", "--now", NOW, b, "idea", "Bad!")
    assert code == 2 and "one word" in err
    _, out, _ = tc(env, "feedback", "show", "--demo", "--now", NOW, "--json")
    shown = {f["tag"]: f["count"] for f in json.loads(out)}
    assert shown == {"complaint": 2, "decaf": 1}  # "idea" was not applied with the bad tag
    code, out, err = tc(
        env, "feedback", "export", "--demo", "--now", NOW, "--tag", "complaint", "--jsonl"
    )
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert {line["link"].rsplit("/", 1)[1] for line in lines} == {a, b}
    assert all(line["author"].startswith("@") and "complaint" in line["tags"] for line in lines)
    assert all(
        set(line) == {"link", "author", "date", "text", "tags", "answered", "answered_at"}
        for line in lines
    )
    code, out, _ = tc(env, "feedback", "export", "--demo", "--now", NOW, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and {r["tags"] for r in rows} == {"complaint,decaf", "complaint"}


def test_feedback_export_stops_at_500_a_day(env: dict[str, str], tmp_path: Path) -> None:
    from tuicoach.backends.demo import open_demo_store
    from tuicoach.domain.models import Tweet
    from tuicoach.domain.xapi import parse_time
    from tuicoach.store import feedback

    now = parse_time(NOW, "now")
    with open_demo_store(tmp_path / "data", now) as store:
        tweets = [
            Tweet(id=str(10**15 + i), text=f"idea {i}", created_at=now, author_id="42")
            for i in range(510)
        ]
        store.upsert_tweets(tweets, stream="mentions")
        for tweet in tweets:
            feedback.add_tag(store, tweet.id, "idea", now=now)
    code, out, err = tc(env, "feedback", "export", "--demo", "--now", NOW, "--jsonl")
    assert code == 0
    assert len(out.splitlines()) == 500
    assert "500 posts per person per day" in err
    again = tc(env, "feedback", "export", "--demo", "--now", NOW, "--jsonl")
    assert len(again[1].splitlines()) == 500  # the same 500 again: they count once


def test_feedback_export_counts_a_handled_opportunity_as_answered(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A listening find answered on X by hand and marked handled is answered in the export;
    one still open is not, and one whose reply is stored says when it was answered."""
    from tuicoach.backends.demo import open_demo_store
    from tuicoach.domain.listen import SavedSearch, State
    from tuicoach.domain.models import Tweet, User
    from tuicoach.store import feedback
    from tuicoach.store.listen import ListenStore

    now = parse_time(NOW, "now")
    stranger = User("777000", "espresso_fan")
    found = [
        Tweet(id=str(9 * 10**15 + i), text=f"any decaf that tastes good? {i}",
              created_at=now - timedelta(hours=5), author_id=stranger.id)
        for i in range(3)
    ]  # fmt: skip
    with open_demo_store(tmp_path / "data", now) as store:
        me = store.account()
        assert me is not None
        listen = ListenStore(store)
        listen.save_search(SavedSearch("decaf", ("decaf",)), now=now)
        listen.add("decaf", found, [stranger], now=now)
        reply = Tweet(id=str(9 * 10**15 + 99), text="@espresso_fan try our Swiss water decaf",
                      created_at=now - timedelta(hours=2), author_id=me.id,
                      in_reply_to_user_id=stranger.id, replied_to_id=found[2].id)  # fmt: skip
        store.upsert_tweets([reply], stream="own")
        for tweet in found:
            feedback.add_tag(store, tweet.id, "question", now=now)
        listen.decide(found[0].id, State.HANDLED)  # answered on x.com by hand
        listen.decide(found[2].id, State.HANDLED)  # answered, and the reply is stored
    code, out, err = tc(env, "feedback", "export", "--demo", "--now", NOW, "--jsonl")
    assert code == 0, err
    rows = {line["link"].rsplit("/", 1)[1]: line for line in map(json.loads, out.splitlines())}
    assert rows[found[0].id]["answered"] is True and rows[found[0].id]["answered_at"] is None
    assert rows[found[1].id]["answered"] is False  # still open
    assert rows[found[2].id]["answered"] is True
    assert rows[found[2].id]["answered_at"] == "2026-03-04T13:00:00Z"
    code, out, _ = tc(env, "feedback", "export", "--demo", "--now", NOW, "--csv")
    answered = {
        r["link"].rsplit("/", 1)[1]: r["answered"] for r in csv.DictReader(io.StringIO(out))
    }
    assert answered[found[0].id] == "True" and answered[found[1].id] == "False"


def test_queue_add_list_move_delete_send(env: dict[str, str]) -> None:
    code, out, err = tc(env, "queue", "add", "--demo", "--now", NOW, "What are you brewing today?")
    assert code == 0, err
    assert out.startswith("Queued 1 for Wed 04 Mar ")
    tc(env, "queue", "add", "--demo", "--now", NOW, "Decaf is back on the shelves")
    listed = json.loads(tc(env, "queue", "list", "--demo", "--json")[1])
    first, second = (parse_time(i["slot_at"], "slot") for i in listed)
    assert abs(second - first) >= timedelta(minutes=30)  # never a burst
    near = (first + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, _, err = tc(env, "queue", "move", "--demo", "--now", NOW, "2", "--at", near)
    assert code == 0 and "burst" in err  # within 30 minutes of item 1: said, and done
    moved = json.loads(tc(env, "queue", "list", "--demo", "--json")[1])[1]
    assert moved["id"] == 2 and parse_time(moved["slot_at"], "slot") == first + timedelta(
        minutes=10
    )
    assert tc(env, "queue", "delete", "--demo", "2")[0] == 0
    assert tc(env, "queue", "delete", "--demo", "2")[0] == 2
    code, out, err = tc(env, "queue", "send", "--demo", "--now", NOW, "1")
    assert code == 0, err
    assert out.startswith("Posted 1: https://x.com/larkspurcoffee/status/")
    assert json.loads(tc(env, "queue", "list", "--demo", "--json")[1]) == []


def test_queue_add_stops_on_a_coach_error(env: dict[str, str]) -> None:
    code, _, err = tc(env, "queue", "add", "--demo", "--now", NOW, "x" * 300)
    assert code == 1 and "too-long" in err and "--force" in err
    assert json.loads(tc(env, "queue", "list", "--demo", "--json")[1]) == []


def test_a_missed_slot_is_held_or_posted_late(env: dict[str, str]) -> None:
    tc(
        env,
        "queue",
        "add",
        "--demo",
        "--now",
        NOW,
        "Good morning! What's in your cup?",
        "--at",
        "2026-03-04T16:20:00Z",
    )
    code, out, _ = tc(
        env, "queue", "run", "--demo", "--now", "2026-03-05T09:00:00Z", "--hold-missed"
    )
    assert code == 0 and out.startswith("Held 1: its slot")
    item = json.loads(tc(env, "queue", "list", "--demo", "--json")[1])[0]
    assert item["state"] == "held"
    code, out, _ = tc(env, "queue", "send", "--demo", "--now", "2026-03-05T09:00:00Z", "1")
    assert code == 0 and out.startswith("Posted 1")
    tc(
        env,
        "queue",
        "add",
        "--demo",
        "--now",
        NOW,
        "Fresh rye at noon",
        "--at",
        "2026-03-04T17:40:00Z",
    )
    code, out, _ = tc(env, "queue", "run", "--demo", "--now", "2026-03-05T09:00:00Z")
    assert "Posted 2" in out and "posted late: its slot was" in out
