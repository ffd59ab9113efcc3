"""The config's ``[x]`` and ``[pricing]`` sections, and the dated price table."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import write_config

from tuicoach.backends.x.config import pricing_settings, x_settings
from tuicoach.backends.x.cost import (
    DEFAULT_PRICE_TABLE,
    DayUsage,
    Prices,
    PricingSettings,
    format_dollars,
    has_url,
    link_cost_note,
    prices_on,
    utc_day,
)
from tuicoach.backends.x.settings import XSettings, min_interval
from tuicoach.config import ConfigError, dumps, load


def test_defaults(tmp_path: Path) -> None:
    config = load(tmp_path / "missing.toml")
    assert x_settings(config.sections) == XSettings()
    assert pricing_settings(config.sections).table == DEFAULT_PRICE_TABLE
    assert pricing_settings(config.sections).link_tip is True


def test_x_section(tmp_path: Path) -> None:
    config = load(
        write_config(
            tmp_path,
            '[x]\napi_base = "http://127.0.0.1:8080/"\ntimeout = 5\nbackfill_pages = 3\n'
            "poll_seconds = 2\n",
        )
    )
    assert x_settings(config.sections).api_base == "http://127.0.0.1:8080"
    assert x_settings(config.sections).timeout == 5.0 and isinstance(
        x_settings(config.sections).timeout, float
    )
    assert x_settings(config.sections).backfill_pages == 3
    assert (
        x_settings(config.sections).poll_interval == min_interval("home") == 5.0
    )  # X's limits win over 2 s


def test_pricing_section(tmp_path: Path) -> None:
    config = load(
        write_config(
            tmp_path,
            """
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
""",
        )
    )
    table = pricing_settings(config.sections).table
    assert pricing_settings(config.sections).link_tip is False
    assert [row.since for row in table] == [date(2026, 2, 1), date(2026, 6, 1)]
    assert prices_on(date(2026, 1, 31), table) is None
    may = prices_on(date(2026, 5, 31), table)
    june = prices_on(date(2026, 6, 1), table)
    assert may is not None and may.post_read == 0.005
    assert june is not None and june.post_read == 0.004


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        ('[x]\napi_base = "api.twitter.com"\n', "x.api_base", "not an http(s) URL"),
        ("[x]\napi_base = 3\n", "x.api_base", "expected a URL"),
        ("[x]\ntimeout = 0\n", "x.timeout", "out of range"),
        ("[x]\npage_size = 500\n", "x.page_size", "between 5 and 100"),
        ("[x]\ntimout = 3\n", "x.timout", "did you mean timeout?"),
        ("[pricing]\ntable = []\n", "pricing.table", "one or more"),
        (
            "[[pricing.table]]\nsince = 2026-02-01\npost_read = 0.005\n",
            "pricing.table[0].user_read",
            "missing",
        ),
        (
            '[[pricing.table]]\nsince = "soon"\npost_read = 1\nuser_read = 1\npost_create = 1\n'
            "post_create_url = 1\n",
            "pricing.table[0].since",
            "a date such as 2026-02-01",
        ),
        (
            "[[pricing.table]]\nsince = 2026-02-01\npost_read = -1\nuser_read = 1\n"
            "post_create = 1\npost_create_url = 1\n",
            "pricing.table[0].post_read",
            "out of range",
        ),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, toml: str, key: str, problem: str) -> None:
    path = write_config(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert problem in str(caught.value)


def test_dumps_round_trips_x_and_pricing(tmp_path: Path) -> None:
    config = load(
        write_config(
            tmp_path,
            '[x]\napi_base = "https://proxy.example/x"\nretries = 2\n[pricing]\nlink_tip = false\n',
        )
    )
    text = dumps(config)
    parsed = tomllib.loads(text)
    assert parsed["x"]["api_base"] == "https://proxy.example/x"
    assert parsed["pricing"]["table"][0]["since"] == date(2026, 2, 1)
    again = load(write_config(tmp_path, text))
    assert x_settings(again.sections) == x_settings(config.sections)
    assert pricing_settings(again.sections) == pricing_settings(config.sections)


# -- pricing a day ---------------------------------------------------------------------


def test_a_day_is_priced_by_the_row_in_force() -> None:
    table = (
        Prices(date(2026, 2, 1), 0.005, 0.010, 0.015, 0.200),
        Prices(date(2026, 6, 1), 0.004, 0.020, 0.015, 0.100),
    )
    usage = {"post_reads": 100, "user_reads": 10, "posts_created": 2, "posts_created_url": 1}
    assert DayUsage.from_counts(date(2026, 3, 1), usage).cost(table) == pytest.approx(
        100 * 0.005 + 10 * 0.010 + 2 * 0.015 + 0.200
    )
    assert DayUsage.from_counts(date(2026, 7, 1), usage).cost(table) == pytest.approx(
        100 * 0.004 + 10 * 0.020 + 2 * 0.015 + 0.100
    )
    assert DayUsage(date(2025, 12, 31), post_reads=5).cost(table) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fresh bread today", False),
        ("Order at https://acme.example.com/order", True),
        ("see acme.com for hours", True),
        ("email me at hi@acme", False),
    ],
)
def test_has_url(text: str, expected: bool) -> None:
    assert has_url(text) is expected


def test_link_cost_note_is_config_gated() -> None:
    day = date(2026, 5, 1)
    note = link_cost_note("Order at https://acme.example.com/o", PricingSettings(), day)
    assert note == "X charges $0.200 for a post with a link, $0.015 without."
    # Before 2026-04-20 a link cost nothing more: no note.
    assert link_cost_note("https://a.com", PricingSettings(), date(2026, 3, 1)) is None
    assert link_cost_note("No link here", PricingSettings(), day) is None
    assert link_cost_note("https://a.com", PricingSettings(link_tip=False), day) is None
    assert link_cost_note("https://a.com", PricingSettings(), date(2025, 1, 1)) is None


def test_utc_day_and_money_words() -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert utc_day(late.astimezone()) == date(2026, 3, 1)
    assert format_dollars(None) == "price unknown"
    assert format_dollars(0.015) == "$0.015"
    assert format_dollars(12.5) == "$12.50"
