"""The config's new tables change what the commands do: triage, hours, goals, queue, feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import tc

from tuicoach.domain.xapi import parse_time

NOW = "2026-03-04T15:00:00Z"


def configure(env: dict[str, str], text: str) -> None:
    Path(env["TUICOACH_CONFIG"]).write_text(text, encoding="utf-8")


def owed_band(env: dict[str, str], words: str) -> str:
    code, out, err = tc(env, "owed", "--demo", "--now", NOW, "--json")
    assert code == 0, err
    (found,) = [o for o in json.loads(out) if words in o["text"]]
    return str(found["band"])


def test_triage_word_lists_and_spam_shape_change_the_owed_bands(env: dict[str, str]) -> None:
    assert owed_band(env, "cushions") == "thanks"
    assert owed_band(env, "so much potential") == "probably-spam"
    configure(env, '[triage.words.complaint]\nextend = ["cushions"]\n')
    assert owed_band(env, "cushions") == "needs-answer"
    configure(
        env,
        "[triage]\nspam_follow_ratio = 10000\nspam_max_followers = 0\n"
        '[triage.words.spam]\nreplace = ["xyzzy"]\n',
    )
    assert owed_band(env, "so much potential") == "normal"


def test_business_hours_decide_the_reports_buckets(env: dict[str, str]) -> None:
    def buckets() -> tuple[int, int]:
        code, out, err = tc(env, "report", "--demo", "--now", NOW, "--json", "--days", "30")
        assert code == 0, err
        first = json.loads(out)["first_reply"]
        return first["business_hours"]["addressed"], first["off_hours"]["addressed"]

    inside, outside = buckets()
    assert inside and outside
    configure(
        env,
        '[business_hours]\nstart = "00:00"\nend = "23:59"\n'
        'days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]\ntimezone = "UTC"\n',
    )
    everything, _ = buckets()
    assert everything >= inside + outside - 2  # all but the 23:59-24:00 minute, if any
    assert everything > inside


def test_goals_set_the_checkups_reply_rate_line(env: dict[str, str]) -> None:
    def reply_rate() -> dict[str, str]:
        code, out, err = tc(env, "checkup", "--demo", "--now", NOW, "--json")
        assert code == 0, err
        (found,) = [f for f in json.loads(out) if f["rule"] == "reply-rate"]
        return found

    assert reply_rate()["severity"] == "warning"  # the demo answers 71%, under 80%
    configure(env, "[goals]\nreply_rate = 0.5\nreply_minutes = 30\n")
    assert reply_rate()["severity"] == "good"
    configure(env, "[goals]\nreply_rate = 0.99\n")
    assert "99%" in reply_rate()["message"]


def test_queue_hours_place_the_next_slot(env: dict[str, str]) -> None:
    configure(env, '[queue]\nstart = "18:00"\nend = "19:00"\ntimezone = "UTC"\n')
    code, _, err = tc(env, "queue", "add", "--demo", "--now", NOW, "What are you brewing today?")
    assert code == 0, err
    (item,) = json.loads(tc(env, "queue", "list", "--demo", "--json")[1])
    assert parse_time(item["slot_at"], "slot").hour == 18


def test_queue_missed_hold_comes_from_the_config(env: dict[str, str]) -> None:
    configure(env, '[queue]\nmissed = "hold"\n')
    tc(env, "queue", "add", "--demo", "--now", NOW, "Good morning!", "--at", "2026-03-04T16:20:00Z")
    code, out, err = tc(env, "queue", "run", "--demo", "--now", "2026-03-05T09:00:00Z")
    assert code == 0, err
    assert out.startswith("Held 1")


def test_feedback_tags_from_the_config_are_the_users_own(env: dict[str, str]) -> None:
    code, out, _ = tc(env, "owed", "--demo", "--now", NOW, "--json")
    tweet = json.loads(out)[0]["id"]
    code, _, err = tc(env, "feedback", "tag", "--demo", "--now", NOW, tweet, "decaf")
    assert code == 0 and "not one of your tags" in err and "[feedback] tags" in err
    configure(env, '[feedback]\ntags = ["Decaf"]\n')
    code, _, err = tc(env, "feedback", "tag", "--demo", "--now", NOW, tweet, "decaf", "bug")
    assert code == 0 and "not one of your tags" not in err


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[queue]\nmissed = "never"\n', "queue.missed"),
        ("[goals]\nreply_rate = 2\n", "goals.reply_rate"),
        ('[business_hours]\ntimezone = "Mars/Base"\n', "business_hours.timezone"),
        ('[triage.words.complain]\nextend = ["x"]\n', "triage.words.complain"),
    ],
)
def test_the_commands_refuse_a_bad_table_naming_the_key(
    env: dict[str, str], toml: str, key: str
) -> None:
    configure(env, toml)
    for command in (["report"], ["checkup"], ["queue", "list"]):
        code, _, err = tc(env, *command, "--demo", "--now", NOW)
        assert code == 2 and f"config.toml: {key}: " in err
