"""The config file: defaults when missing, every mistake named by file and key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import write_config

from tuicoach.coach import DEFAULT_WORDS, CoachSettings
from tuicoach.config import Config, ConfigError, dumps, load, load_config, sections
from tuicoach.domain.models import Severity


def test_a_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load(tmp_path / "nope.toml")
    assert config == Config(tmp_path / "nope.toml", exists=False)
    assert config.coach == CoachSettings()


def test_an_empty_file_means_defaults(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, ""))
    assert config.exists and config.coach == CoachSettings()


def test_override_and_environment_pick_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = write_config(tmp_path, "[thresholds]\nmax_hashtags = 4\n")
    monkeypatch.setenv("TUICOACH_CONFIG", str(env_file))
    assert load_config().coach.thresholds.max_hashtags == 4
    other = tmp_path / "other.toml"
    other.write_text("[thresholds]\nmax_hashtags = 5\n", encoding="utf-8")
    assert load_config(str(other)).coach.thresholds.max_hashtags == 5


def test_rules_thresholds_and_words(tmp_path: Path) -> None:
    config = load(
        write_config(
            tmp_path,
            """
[rules.we-we-we]
enabled = false

[rules.spam-signals]
severity = "tip"
weight = 5

[thresholds]
max_hashtags = 3
promo_share = 0.5
quiet_days = 1

[words.sensitive-topic]
extend = ["referendum"]
remove = ["Church"]

[words.profanity]
replace = ["heck"]
""",
        )
    )
    coach = config.coach
    assert not coach.rule("we-we-we").enabled
    assert coach.rule("we-we-we").severity is Severity.TIP  # untouched keys keep defaults
    assert (coach.rule("spam-signals").severity, coach.rule("spam-signals").weight) == (
        Severity.TIP,
        5,
    )
    assert coach.rule("write-only") == CoachSettings().rule("write-only")
    assert coach.thresholds.max_hashtags == 3
    assert coach.thresholds.promo_share == 0.5
    assert coach.thresholds.quiet_days == 1.0 and isinstance(coach.thresholds.quiet_days, float)
    topics = coach.word_list("sensitive-topic")
    assert "referendum" in topics and "church" not in topics and "election" in topics
    assert coach.word_list("profanity") == ("heck",)


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        (
            '[rules.spam-signals]\nseverity = "loud"\n',
            "rules.spam-signals.severity",
            '"loud" is not one of error, warning, tip, good',
        ),
        (
            "[rules.spam-signal]\nenabled = false\n",
            "rules.spam-signal",
            "no such rule (did you mean spam-signals?)",
        ),
        (
            '[rules.burst]\nenabled = "no"\n',
            "rules.burst.enabled",
            'expected true or false, got "no"',
        ),
        ("[rules.burst]\nweight = 2.5\n", "rules.burst.weight", "expected a whole number, got 2.5"),
        ("[rules.burst]\nweight = 500\n", "rules.burst.weight", "500 is out of range"),
        ("[rules.burst]\ncolour = 1\n", "rules.burst.colour", "unknown setting"),
        ("[rules]\nburst = false\n", "rules.burst", "expected a table ([rules.burst]), got false"),
        (
            "[thresholds]\nmax_hashtag = 3\n",
            "thresholds.max_hashtag",
            "unknown threshold (did you mean max_hashtags?)",
        ),
        (
            '[thresholds]\nmax_hashtags = "3"\n',
            "thresholds.max_hashtags",
            'expected a number, got "3"',
        ),
        ("[thresholds]\nmax_hashtags = -1\n", "thresholds.max_hashtags", "-1 is out of range"),
        ("[thresholds]\npromo_share = 2\n", "thresholds.promo_share", "between 0 and 1"),
        ("[thresholds]\nmax_links = true\n", "thresholds.max_links", "expected a number, got true"),
        (
            '[words.sensitive-topics]\nextend = ["x"]\n',
            "words.sensitive-topics",
            "no such word list (did you mean sensitive-topic?)",
        ),
        (
            '[words.profanity]\nextend = "heck"\n',
            "words.profanity.extend",
            'expected a list of strings, got "heck"',
        ),
        (
            '[words.profanity]\nextend = ["ok", 3]\n',
            "words.profanity.extend[1]",
            "expected a non-empty string, got 3",
        ),
        ('[words.profanity]\nextend = ["  "]\n', "words.profanity.extend[0]", "non-empty string"),
        ('[words.profanity]\nadd = ["x"]\n', "words.profanity.add", "unknown setting"),
        ('[keymaps]\nquit = "q"\n', "keymaps", "unknown table (did you mean keymap?)"),
        ("[colours]\nx = 1\n", "colours", "unknown table (known: rules, thresholds, words, x"),
        ("[keymap]\nreply = 3\n", "keymap.reply", 'expected keys in quotes, like "r"'),
        ('[keymap]\nreply = "ctrl+"\n', "keymap.reply", "'ctrl+' is not a key name"),
        ('[theme]\nname = ""\n', "theme.name", "expected a theme name"),
        ('[theme]\ncolour = "oat"\n', "theme.colour", "unknown setting"),
        ('[owed]\nrank_by_followers = "yes"\n', "owed.rank_by_followers", "expected true or false"),
        ("[owed]\nby_followers = true\n", "owed.by_followers", "did you mean rank_by_followers"),
        ("thresholds = 3\n", "thresholds", "expected a table ([thresholds]), got 3"),
    ],
)
def test_each_mistake_names_the_file_and_the_key(
    tmp_path: Path, toml: str, key: str, problem: str
) -> None:
    path = write_config(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message
    assert caught.value.key == key


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[thresholds]\nmax_hashtags = \n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: not valid TOML")
    assert "line 2" in str(caught.value)


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read it"):
        load(tmp_path)  # a directory
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe[rules]")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load(tmp_path / "bad.toml")


def test_dumps_is_toml_that_round_trips(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "[rules.burst]\nenabled = false\n[thresholds]\nburst_minutes = 45\n"
        '[words.acronyms]\nextend = ["BREW"]\n[words.hard-sell]\nextend = ["say \\"yes\\" now"]\n',
    )
    config = load(path)
    text = dumps(config)
    assert text.startswith(f"# Config file: {path} (exists)")
    parsed = tomllib.loads(text)
    assert set(parsed) == set(sections())
    assert parsed["rules"]["burst"]["enabled"] is False
    assert parsed["thresholds"]["burst_minutes"] == 45
    again = load(write_config(tmp_path, text))
    assert again.coach == config.coach


def test_dumps_shows_every_rule_threshold_and_list_of_the_defaults(tmp_path: Path) -> None:
    parsed = tomllib.loads(dumps(load(tmp_path / "missing.toml")))
    assert set(parsed["rules"]) == set(CoachSettings().rules)
    assert parsed["rules"]["hard-sell"] == {"enabled": True, "severity": "tip", "weight": 5}
    assert parsed["thresholds"]["near_duplicate_ratio"] == 85
    assert set(parsed["words"]) == set(DEFAULT_WORDS)
    assert parsed["words"]["sensitive-topic"]["replace"] == list(DEFAULT_WORDS["sensitive-topic"])


def test_owed_can_rank_by_followers(tmp_path: Path) -> None:
    assert load(write_config(tmp_path, "")).rank_by_followers is False
    config = load(write_config(tmp_path, "[owed]\nrank_by_followers = true\n"))
    assert config.rank_by_followers is True
    assert "rank_by_followers = true" in dumps(config)
