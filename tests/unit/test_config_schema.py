"""The declared config: today's files keep working, nonsense values and hostile files are refused.

The schema is msgspec structs (``tuicoach.config``, each backend's own in its
package); these tests hold it to the file format people already have.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, write_config

from tuicoach.backends.x.config import pricing_settings, x_settings
from tuicoach.coach import CoachSettings
from tuicoach.config import ConfigError, dumps, load, sections
from tuicoach.domain.models import Severity

# A config as people wrote it before the schema was declared (every table of today's format).
TODAYS_FORMAT = """
[rules.we-we-we]
enabled = false

[rules.spam-signals]
severity = "tip"
weight = 5

[thresholds]
max_hashtags = 3
promo_share = 0.5

[words.hard-sell]
extend = ["pre-order today"]

[words.profanity]
replace = ["heck"]
remove = ["heck"]

[x]
api_base = "http://127.0.0.1:9999/"
timeout = 5
retries = 2
page_size = 50
backfill_pages = 3
catch_up_pages = 4
poll_seconds = 120

[pricing]
link_tip = false

[[pricing.table]]
since = 2026-06-01
post_read = 0.004
user_read = 0.01
post_create = 0.02
post_create_url = 0.25

[[pricing.table]]
since = "2026-02-01"
post_read = 0.005
user_read = 0.010
post_create = 0.015
post_create_url = 0.200

[owed]
rank_by_followers = true

[theme]
name = "oat"

[keymap]
reply = "r,ctrl+r"
send = "f5"
"""


def test_a_config_in_todays_format_still_reads(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, TODAYS_FORMAT))
    coach = config.coach
    assert not coach.rule("we-we-we").enabled
    assert (coach.rule("spam-signals").severity, coach.rule("spam-signals").weight) == (
        Severity.TIP,
        5,
    )
    assert coach.thresholds.max_hashtags == 3 and coach.thresholds.promo_share == 0.5
    assert "pre-order today" in coach.word_list("hard-sell")
    assert coach.word_list("profanity") == ()
    x = x_settings(config.sections)
    assert (x.api_base, x.timeout, x.retries, x.page_size) == ("http://127.0.0.1:9999", 5.0, 2, 50)
    assert (x.backfill_pages, x.catch_up_pages, x.poll_seconds) == (3, 4, 120.0)
    pricing = pricing_settings(config.sections)
    assert pricing.link_tip is False
    assert [row.since for row in pricing.table] == [date(2026, 2, 1), date(2026, 6, 1)]
    assert config.rank_by_followers is True
    assert config.theme == "oat"
    assert dict(config.keymap) == {"reply": "r,ctrl+r", "send": "f5"}
    assert config.backend is None  # no [account]: the default backend


def test_every_setting_round_trips_through_tuicoach_config(tmp_path: Path) -> None:
    round_two = (
        '\n[triage]\nspam_follow_ratio = 25\n[triage.words.waiting]\nextend = ["in the queue"]\n'
        '[[listen.search]]\nname = "beans"\nterms = ["larkspur beans"]\n'
        '[business_hours]\ntimezone = "Asia/Tokyo"\n[goals]\nreply_minutes = 90\n'
        '[queue]\nper_day = 2\n[feedback]\ntags = ["decaf"]\n'
    )
    config = load(
        write_config(tmp_path, TODAYS_FORMAT + round_two + '\n[account]\nbackend = "x"\n')
    )
    text = dumps(config)
    parsed = tomllib.loads(text)
    assert set(parsed) == set(sections())
    again = load(write_config(tmp_path, text))
    assert again.coach == config.coach
    assert x_settings(again.sections) == x_settings(config.sections)
    assert pricing_settings(again.sections) == pricing_settings(config.sections)
    assert (again.theme, dict(again.keymap), again.rank_by_followers, again.backend) == (
        config.theme,
        dict(config.keymap),
        config.rank_by_followers,
        "x",
    )
    assert (again.triage, again.listen, again.business_hours) == (
        config.triage,
        config.listen,
        config.business_hours,
    )
    assert (again.goals, again.queue, again.feedback_tags) == (
        config.goals,
        config.queue,
        config.feedback_tags,
    )
    assert again.triage.spam_follow_ratio == 25 and again.goals.reply_seconds == 5400
    assert dumps(again).splitlines()[1:] == text.splitlines()[1:]


def test_the_defaults_round_trip_too(tmp_path: Path) -> None:
    text = dumps(load(tmp_path / "missing.toml"))
    again = load(write_config(tmp_path, text))
    assert again.coach == CoachSettings()
    assert x_settings(again.sections).timeout == 15.0
    assert pricing_settings(again.sections) == pricing_settings({})


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        ("[x]\npoll_seconds = nan\n", "x.poll_seconds", "nan is not a number tuicoach can use"),
        ("[x]\ntimeout = nan\n", "x.timeout", "nan is not a number"),
        ("[x]\ntimeout = inf\n", "x.timeout", "inf is not a number"),
        ("[x]\npoll_seconds = inf\n", "x.poll_seconds", "inf is not a number"),
        ("[x]\npoll_seconds = -5\n", "x.poll_seconds", "-5 is out of range"),
        (
            "[x]\ntimeout = -0.5\n",
            "x.timeout",
            "-0.5 is out of range: expected between 0.1 and 300",
        ),
        ("[x]\nretries = -1\n", "x.retries", "-1 is out of range"),
        ("[thresholds]\nburst_minutes = inf\n", "thresholds.burst_minutes", "inf is not a number"),
        ("[thresholds]\npromo_share = -nan\n", "thresholds.promo_share", "nan is not a number"),
        (
            "[[pricing.table]]\nsince = 2026-02-01\npost_read = nan\nuser_read = 1\n"
            "post_create = 1\npost_create_url = 1\n",
            "pricing.table[0].post_read",
            "nan is not a number",
        ),
        (
            "[[pricing.table]]\nsinse = 2026-02-01\n",
            "pricing.table[0].sinse",
            "unknown setting (did you mean since?)",
        ),
        ('[acount]\nbackend = "x"\n', "acount", "unknown table (did you mean account?)"),
        ('[account]\nbackends = "x"\n', "account.backends", "did you mean backend?"),
        ('[account]\nbackend = ""\n', "account.backend", 'expected a backend name like "x"'),
    ],
)
def test_values_that_parse_but_make_no_sense_are_refused(
    tmp_path: Path, toml: str, key: str, problem: str
) -> None:
    path = write_config(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {key}: "), str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "[x]\nt = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
        "[" + ".".join(["deep"] * 5000) + "]\n",
    ],
    ids=["arrays", "inline-tables", "dotted-tables"],
)
def test_5000_deep_nesting_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:  # not RecursionError
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "nested" in str(caught.value) and "deep" in str(caught.value)
    assert len(str(caught.value)) < 300  # the key is not 5,000 parts long


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "tuicoach", "--config", str(fifo), "config"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=30,  # a hang fails here rather than stalling the suite
        check=False,
    )
    assert done.returncode == 2
    assert f"{fifo}: cannot read it: not a regular file" in done.stderr


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    with pytest.raises(ConfigError, match="too big for a config file"):
        load(path)
