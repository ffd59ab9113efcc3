"""The tables wired in round 2: triage, listen, business_hours, goals, queue, feedback, and
the pricing rows' unit prices. Each loads, refuses a bad value naming the key, round-trips."""

from __future__ import annotations

import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import write_config

from tuicoach.backends.x.config import pricing_settings
from tuicoach.backends.x.cost import DEFAULT_UNIT_TABLE, DayUsage, units_on
from tuicoach.config import ConfigError, dumps, load
from tuicoach.domain.checkup import Goals
from tuicoach.domain.listen import ListenSettings
from tuicoach.domain.report import BusinessHours
from tuicoach.domain.triage import Triage, TriageSettings, TriageWords

NEW_TABLES = """
[triage]
spam_follow_ratio = 30
spam_max_followers = 500
praise_per_failure = 3
long_statement_words = 15

[triage.words.complaint]
extend = ["meh", "lukewarm"]

[triage.words.spam]
replace = ["airdrop", "giveaway*"]

[triage.words.praise]
remove = ["awesome"]

[listen]
daily_budget = 1.25
max_results = 25
pages = 2

[[listen.search]]
name = "larkspur"
terms = ["larkspur", "larkspur coffee"]
lang = "en"
exclude = ["flowers"]

[[listen.search]]
name = "blends"
query = "(\\"morning fog\\" OR \\"night owl\\") coffee"

[business_hours]
start = "08:30"
end = "18:00"
days = ["Mon", "Tue", "Sat"]
timezone = "Europe/London"

[goals]
reply_rate = 0.9
reply_minutes = 30

[queue]
start = "07:00"
end = "21:30"
days = ["Mon", "Wed", "Fri"]
timezone = "America/New_York"
per_day = 6
missed = "hold"
late_after_minutes = 45

[feedback]
tags = ["Decaf", "wifi", "decaf"]
"""


def test_each_new_table_loads_into_its_config_attribute(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, NEW_TABLES))
    triage = config.triage
    assert (triage.spam_follow_ratio, triage.spam_max_followers) == (30.0, 500)
    assert (triage.praise_per_failure, triage.long_statement_words) == (3, 15)
    assert triage.words.complaint[-2:] == ("meh", "lukewarm")
    assert triage.words.complaint[:-2] == TriageWords().complaint
    assert triage.words.spam == ("airdrop", "giveaway*")
    assert "awesome" not in triage.words.praise and "awesome" in TriageWords().praise
    Triage(triage)  # compiles
    listen = config.listen
    assert (listen.daily_budget, listen.max_results, listen.pages) == (1.25, 25, 2)
    first, second = listen.searches
    assert (first.name, first.terms, first.lang, first.exclude) == (
        "larkspur",
        ("larkspur", "larkspur coffee"),
        "en",
        ("flowers",),
    )
    assert second.query == '("morning fog" OR "night owl") coffee' and second.terms == ()
    hours = config.business_hours
    assert (hours.start, hours.end, hours.days) == (time(8, 30), time(18), frozenset({0, 1, 5}))
    assert hours.tz == ZoneInfo("Europe/London")
    assert (config.goals.reply_rate, config.goals.reply_seconds) == (0.9, 1800.0)
    assert config.checkup_goals().promo_share == config.coach.thresholds.promo_share
    queue = config.queue
    assert (queue.hours.start, queue.hours.end, queue.hours.per_day) == (time(7), time(21, 30), 6)
    assert queue.hours.days == frozenset({0, 2, 4})
    assert queue.hours.tz == ZoneInfo("America/New_York")
    assert (queue.missed, queue.late_after) == ("hold", timedelta(minutes=45))
    runner = queue.runner_settings()
    assert (runner.missed, runner.late_after) == ("hold", timedelta(minutes=45))
    assert queue.runner_settings(hold=True).missed == "hold"
    assert config.feedback_tags == ("decaf", "wifi")


def test_without_the_tables_the_defaults_hold(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, "[owed]\nrank_by_followers = true\n"))
    assert config.triage == TriageSettings()
    assert config.listen == ListenSettings()
    assert config.business_hours == BusinessHours()
    assert config.goals == Goals()
    assert config.queue.missed == "late" and config.queue.late_after == timedelta(minutes=15)
    assert config.feedback_tags == ()


def test_listen_as_array_tables_is_one_saved_search_each(tmp_path: Path) -> None:
    config = load(
        write_config(tmp_path, '[[listen]]\nname = "a"\nterms = "larkspur, oat flat white"\n')
    )
    (search,) = config.listen.searches
    assert search.terms == ("larkspur", "oat flat white")


def test_the_new_tables_round_trip_through_tuicoach_config(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, NEW_TABLES))
    text = dumps(config)
    parsed = tomllib.loads(text)
    assert {"triage", "listen", "business_hours", "goals", "queue", "feedback"} <= set(parsed)
    again = load(write_config(tmp_path, text))
    assert again.triage == config.triage
    assert again.listen == config.listen
    assert again.business_hours == config.business_hours
    assert again.goals == config.goals
    assert again.queue == config.queue
    assert again.feedback_tags == config.feedback_tags
    assert dumps(again).splitlines()[1:] == text.splitlines()[1:]


@pytest.mark.parametrize(
    ("toml", "key", "words"),
    [
        ("[triage]\nspam_folow_ratio = 2\n", "triage.spam_folow_ratio", "did you mean spam_follow"),
        ("[triage]\npraise_per_failure = 0\n", "triage.praise_per_failure", "out of range"),
        ("[triage]\nspam_max_followers = 1.5\n", "triage.spam_max_followers", "expected"),
        ('[triage.words.complain]\nextend = ["x"]\n', "triage.words.complain", "did you mean"),
        ('[triage.words.spam]\nextend = [""]\n', "triage.words.spam.extend[0]", "non-empty"),
        ('[triage.words.spam]\nadd = ["x"]\n', "triage.words.spam.add", "unknown"),
        ("[listen]\nmax_results = 5\n", "listen.max_results", "out of range"),
        ("[listen]\ndaily_budget = -1\n", "listen.daily_budget", "out of range"),
        ("[listen]\npage = 2\n", "listen.page", "did you mean pages"),
        ('[[listen.search]]\nname = "a"\n', "listen.search[0]", "give terms"),
        ('[[listen.search]]\nname = "a"\nterms = ["lang:en"]\n', "listen.search[0]", "lang:"),
        ('[[listen.search]]\nname = "a"\nterm = ["x"]\n', "listen.search[0].term", "terms"),
        (
            '[[listen.search]]\nname = "a"\nquery = "x" \nlang = "english"\n',
            "listen.search[0]",
            "language code",
        ),
        (
            '[[listen.search]]\nname = "a"\nterms = ["x"]\n[[listen.search]]\nname = "A"\n'
            'terms = ["y"]\n',
            "listen.search[1].name",
            "two saved searches",
        ),
        ('[business_hours]\nstart = "9am"\n', "business_hours.start", '"09:00"'),
        ('[business_hours]\ndays = ["Mon", "Fry"]\n', "business_hours.days[1]", "Mon, Tue"),
        ("[business_hours]\ndays = []\n", "business_hours.days", ""),
        ('[business_hours]\ntimezone = "Mars/Base"\n', "business_hours.timezone", "IANA"),
        ('[business_hours]\nstart = "18:00"\n', "business_hours.end", "must come after"),
        ("[goals]\nreply_rate = 1.5\n", "goals.reply_rate", "out of range"),
        ("[goals]\nreply_minutes = 0\n", "goals.reply_minutes", "out of range"),
        ('[goals]\nreply_rate = "80%"\n', "goals.reply_rate", "expected"),
        ('[queue]\nmissed = "never"\n', "queue.missed", "late, hold"),
        ("[queue]\nper_day = 0\n", "queue.per_day", "out of range"),
        ('[queue]\nend = "07:00"\n', "queue.end", "must come after"),
        ("[queue]\nlate_after_minutes = -1\n", "queue.late_after_minutes", "out of range"),
        ('[feedback]\ntags = ["two words"]\n', "feedback.tags[0]", "one word"),
        ('[feedback]\ntags = "bug"\n', "feedback.tags", "expected"),
        ('[busines_hours]\nstart = "09:00"\n', "busines_hours", "did you mean business_hours"),
        (
            "[[pricing.table]]\nsince = 2026-01-01\npost_read = 0.1\nuser_read = 0.1\n"
            "post_create = 0.1\npost_create_url = 0.1\nowned_read = -1\n",
            "pricing.table[0].owned_read",
            "out of range",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_file_and_key(
    tmp_path: Path, toml: str, key: str, words: str
) -> None:
    path = write_config(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert words in caught.value.problem


def test_pricing_rows_carry_the_unit_prices(tmp_path: Path) -> None:
    assert pricing_settings({}).units == DEFAULT_UNIT_TABLE
    # The printed defaults read back as the same table.
    defaults = load(write_config(tmp_path, dumps(load(tmp_path / "none.toml"))))
    assert pricing_settings(defaults.sections).units == DEFAULT_UNIT_TABLE
    config = load(
        write_config(
            tmp_path,
            "[[pricing.table]]\nsince = 2026-05-01\npost_read = 0.005\nuser_read = 0.01\n"
            "post_create = 0.015\npost_create_url = 0.2\nowned_read = 0.002\n"
            "counts_request = 0.01\n",
        )
    )
    pricing = pricing_settings(config.sections)
    (units,) = pricing.units
    # Given: the row's; left out: X's price for that date.
    assert (units.owned_read, units.counts_request) == (0.002, 0.01)
    assert units.summoned_reply == units_on(date(2026, 5, 1)).summoned_reply == 0.010
    day = DayUsage(date(2026, 5, 2), owned_reads=10, counts_requests=2)
    assert day.cost(pricing.table, pricing.units) == pytest.approx(10 * 0.002 + 2 * 0.01)
    assert day.cost(pricing.table) == pytest.approx(10 * 0.001 + 2 * 0.005)
