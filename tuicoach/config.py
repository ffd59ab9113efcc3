"""The config file: one TOML file a person can read, copy from and edit.

It lives at :func:`tuicoach.paths.config_file` (``--config``, ``$TUICOACH_CONFIG``,
or the platform's config folder); a missing file means the defaults. Each
known top-level table is a :class:`Section` in :data:`SECTIONS`: a reader that
folds the table into a :class:`Config`, and a writer that prints the effective
values back as TOML for ``tuicoach config``. Adding a section (``[keymap]``,
``[theme]``...) is a field on :class:`Config`, two small functions, and one
line in :data:`SECTIONS`.

Every mistake is a :class:`ConfigError` that names the file and the key::

    config.toml: rules.spam-signals.severity: "loud" is not one of error, warning, tip, good
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path

from tuicoach import paths
from tuicoach.backends.x.cost import Prices, PricingSettings
from tuicoach.backends.x.settings import DEFAULT_API_BASE, ApiBaseError, XSettings, normalise_base
from tuicoach.coach import DEFAULT_WORDS, RULES, CoachSettings, Thresholds
from tuicoach.coach.text import phrase_pattern
from tuicoach.domain.models import Severity


class ConfigError(ValueError):
    """A config file that cannot be used as written: names the file, the key and the problem."""

    def __init__(self, path: Path, key: str | None, problem: str) -> None:
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + problem)
        self.path = path
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the config file says, with defaults for what it leaves out."""

    path: Path
    exists: bool = False
    coach: CoachSettings = field(default_factory=CoachSettings)
    x: XSettings = field(default_factory=XSettings)
    pricing: PricingSettings = field(default_factory=PricingSettings)
    theme: str | None = None  # None: the app's default theme
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> "key,key"
    rank_by_followers: bool = False  # [owed]: within a band, bigger audiences first


class Table:
    """A TOML table being read; it knows its dotted key, so errors can name it."""

    def __init__(self, path: Path, key: str, data: Mapping[str, object]) -> None:
        self.path = path
        self.key = key
        self.data = data

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def where(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.where(key), problem)

    def only(self, known: Iterable[str], what: str = "setting") -> None:
        """Reject keys this table does not know, suggesting the nearest known one."""
        choices = list(known)
        for key in self.data:
            if key not in choices:
                hint = _did_you_mean(key, choices) or f" (known: {', '.join(choices)})"
                raise self.error(key, f"unknown {what}{hint}")

    def table(self, key: str) -> Table:
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table ([{self.where(key)}]), got {_show(value)}")
        return Table(self.path, self.where(key), value)

    def boolean(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_show(value)}")
        return value

    def number(self, key: str, *, whole: bool, low: float, high: float | None) -> float:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"expected a number, got {_show(value)}")
        if whole and not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_show(value)}")
        if value < low or (high is not None and value > high):
            span = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
            raise self.error(key, f"{_show(value)} is out of range: expected {span}")
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        value = self.data[key]
        options = list(choices)
        if value not in options:
            raise self.error(key, f"{_show(value)} is not one of {', '.join(options)}")
        assert isinstance(value, str)
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data[key]
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of strings, got {_show(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{i}]", f"expected a non-empty string, got {_show(item)}")
        return tuple(value)


Reader = Callable[[Config, Table], Config]
Writer = Callable[[Config], list[str]]


@dataclass(frozen=True, slots=True)
class Section:
    read: Reader
    write: Writer


# --- [rules.ID] ---------------------------------------------------------------

_RULE_KEYS = ("enabled", "severity", "weight")


def _read_rules(config: Config, table: Table) -> Config:
    settings = config.coach
    for rule_id in table:
        if rule_id not in RULES:
            raise table.error(
                rule_id,
                f"no such rule{_did_you_mean(rule_id, RULES)}; `tuicoach config` lists them all",
            )
        entry = table.table(rule_id)
        entry.only(_RULE_KEYS)
        changes: dict[str, object] = {}
        if "enabled" in entry:
            changes["enabled"] = entry.boolean("enabled")
        if "severity" in entry:
            changes["severity"] = Severity(entry.choice("severity", [s.value for s in Severity]))
        if "weight" in entry:
            changes["weight"] = int(entry.number("weight", whole=True, low=0, high=100))
        settings = settings.with_rule(rule_id, **changes)
    return replace(config, coach=settings)


def _write_rules(config: Config) -> list[str]:
    lines = [
        "# Each rule: enabled, severity (error, warning, tip, good), and weight: the points",
        "# it takes off the score (for a good finding, the bonus it adds).",
    ]
    for rule in RULES.values():
        chosen = config.coach.rule(rule.id)
        lines += [
            "",
            f"[rules.{rule.id}]  # {rule.summary}",
            f"enabled = {_toml(chosen.enabled)}",
            f"severity = {_toml(chosen.severity.value)}",
            f"weight = {chosen.weight}",
        ]
    return lines


# --- [thresholds] -------------------------------------------------------------

_THRESHOLDS = [f.name for f in fields(Thresholds)]


def _read_thresholds(config: Config, table: Table) -> Config:
    table.only(_THRESHOLDS, "threshold")
    defaults = Thresholds()
    changes: dict[str, float] = {}
    for name in table:
        low, high = Thresholds.bounds(name)
        whole = isinstance(getattr(defaults, name), int)
        value = table.number(name, whole=whole, low=low, high=high)
        changes[name] = value if whole else float(value)
    return replace(config, coach=config.coach.with_thresholds(**changes))


def _write_thresholds(config: Config) -> list[str]:
    lines = ["[thresholds]"]
    for name in _THRESHOLDS:
        value = getattr(config.coach.thresholds, name)
        lines.append(f"{name} = {_toml(value)}  # {Thresholds.help(name)}")
    return lines


# --- [words.NAME] -------------------------------------------------------------

_WORD_KEYS = ("replace", "extend", "remove")


def _read_words(config: Config, table: Table) -> Config:
    settings = config.coach
    for name in table:
        if name not in DEFAULT_WORDS:
            raise table.error(name, f"no such word list{_did_you_mean(name, DEFAULT_WORDS)}")
        entry = table.table(name)
        entry.only(_WORD_KEYS)
        words = list(entry.strings("replace") if "replace" in entry else settings.word_list(name))
        if "extend" in entry:
            words += [w for w in entry.strings("extend") if w not in words]
        if "remove" in entry:
            gone = {w.casefold() for w in entry.strings("remove")}
            words = [w for w in words if w.casefold() not in gone]
        for key in ("replace", "extend"):
            for i, phrase in enumerate(entry.strings(key) if key in entry else ()):
                try:
                    phrase_pattern(phrase)
                except ValueError as exc:
                    raise entry.error(f"{key}[{i}]", str(exc)) from None
        settings = settings.with_words(name, tuple(words))
    return replace(config, coach=settings)


def _write_words(config: Config) -> list[str]:
    lines = [
        "# Word lists: whole words or phrases, any case; <n> stands for a number.",
        "# In your file, extend = [...] adds to a list, remove = [...] takes words out,",
        "# replace = [...] starts it over.",
    ]
    for name in DEFAULT_WORDS:
        lines += ["", f"[words.{name}]", "replace = ["]
        lines += [f"    {_toml(word)}," for word in config.coach.word_list(name)]
        lines.append("]")
    return lines


# --- [x] ----------------------------------------------------------------------

# name -> (whole number?, low, high, what it is)
_X_NUMBERS: dict[str, tuple[bool, float, float | None, str]] = {
    "timeout": (False, 0.1, 300, "seconds to wait for X to connect, and for each answer"),
    "retries": (True, 1, 10, "tries for a read that fails for a passing reason"),
    "page_size": (True, 5, 100, "tweets per request (X allows 5 to 100)"),
    "backfill_pages": (True, 1, 50, "first sync: at most this many requests per stream"),
    "catch_up_pages": (True, 1, 50, "later syncs: at most this many requests per stream"),
    "poll_seconds": (False, 1, None, "how often the app refreshes (never faster than X allows)"),
}


def _read_x(config: Config, table: Table) -> Config:
    table.only(["api_base", *_X_NUMBERS])
    changes: dict[str, object] = {}
    if "api_base" in table:
        value = table.data["api_base"]
        if not isinstance(value, str):
            raise table.error("api_base", f"expected a URL in quotes, got {_show(value)}")
        try:
            changes["api_base"] = normalise_base(value)
        except ApiBaseError as exc:
            raise table.error("api_base", str(exc)) from None
    for name, (whole, low, high, _) in _X_NUMBERS.items():
        if name in table:
            value = table.number(name, whole=whole, low=low, high=high)
            changes[name] = int(value) if whole else float(value)
    return replace(config, x=replace(config.x, **changes))  # type: ignore[arg-type]


def _write_x(config: Config) -> list[str]:
    x = config.x
    lines = [
        "# The X account. $TUICOACH_X_API_BASE, when set, wins over api_base.",
        "[x]",
        f"api_base = {_toml(x.api_base or DEFAULT_API_BASE)}",
    ]
    lines += [f"{name} = {_toml(getattr(x, name))}  # {h}" for name, (*_, h) in _X_NUMBERS.items()]
    return lines


# --- [pricing] ----------------------------------------------------------------

_PRICE_KEYS = ("post_read", "user_read", "post_create", "post_create_url")


def _read_pricing(config: Config, table: Table) -> Config:
    table.only(["link_tip", "table"])
    pricing = config.pricing
    if "link_tip" in table:
        pricing = replace(pricing, link_tip=table.boolean("link_tip"))
    if "table" in table:
        rows = table.data["table"]
        if not isinstance(rows, list) or not rows:
            raise table.error("table", "expected one or more [[pricing.table]] rows")
        prices = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise table.error(f"table[{i}]", f"expected a table, got {_show(row)}")
            entry = Table(table.path, table.where(f"table[{i}]"), row)
            entry.only(["since", *_PRICE_KEYS])
            missing = [k for k in ("since", *_PRICE_KEYS) if k not in entry]
            if missing:
                raise entry.error(missing[0], "missing (each row needs since and every price)")
            since = row["since"]
            if isinstance(since, str):
                try:
                    since = date.fromisoformat(since)
                except ValueError:
                    since = None
            if not isinstance(since, date) or isinstance(since, datetime):
                raise entry.error(
                    "since", f"expected a date such as 2026-02-01, got {_show(row['since'])}"
                )
            costs = {k: float(entry.number(k, whole=False, low=0, high=100)) for k in _PRICE_KEYS}
            prices.append(Prices(since, **costs))
        pricing = replace(pricing, table=tuple(sorted(prices, key=lambda p: p.since)))
    return replace(config, pricing=pricing)


def _write_pricing(config: Config) -> list[str]:
    lines = [
        "# X's pay-per-use prices in US dollars, each row from its date (UTC) on;",
        "# a repeat read of the same item on the same UTC day is free.",
        "[pricing]",
        f"link_tip = {_toml(config.pricing.link_tip)}  # say when a link makes a post cost more",
    ]
    for row in config.pricing.table:
        lines += ["", "[[pricing.table]]", f"since = {row.since.isoformat()}"]
        lines += [f"{k} = {getattr(row, k)}" for k in _PRICE_KEYS]
    return lines


# --- [owed] -----------------------------------------------------------------


def _read_owed(config: Config, table: Table) -> Config:
    table.only(["rank_by_followers"])
    if "rank_by_followers" not in table:
        return config
    return replace(config, rank_by_followers=table.boolean("rank_by_followers"))


def _write_owed(config: Config) -> list[str]:
    return [
        "# Replies owed are ordered by need (questions and complaints first), then by",
        '# waiting time. Everyone counts the same ("they\'re all influencers to me");',
        "# true puts bigger audiences first within each band.",
        "[owed]",
        f"rank_by_followers = {_toml(config.rank_by_followers)}",
    ]


# --- [theme], [keymap]: the app ------------------------------------------


def _read_theme(config: Config, table: Table) -> Config:
    table.only(["name"])
    if "name" not in table:
        return config
    name = table.data["name"]
    if not isinstance(name, str) or not name.strip():
        raise table.error("name", f'expected a theme name like "espresso", got {_show(name)}')
    return replace(config, theme=name.strip())


def _write_theme(config: Config) -> list[str]:
    return [
        "# Shipped: espresso, oat, midnight; Textual's own (textual-dark, nord, ...); or a",
        f"# TOML file of your own in {paths.user_themes_dir(config.path)}.",
        "[theme]",
        f"name = {_toml(config.theme or 'espresso')}",
    ]


# A key is a name ("enter", "f5", "question_mark"), one printable character, or
# either with modifiers ("ctrl+enter", "alt+s", "shift+tab"). Whether the id
# names a binding is checked by the app, which owns the bindings.
_KEY = re.compile(r"^(?:(?:ctrl|alt|shift|super|meta|hyper)\+)*(?:[a-z0-9_]{2,}|\S)$")


def _read_keymap(config: Config, table: Table) -> Config:
    keymap = dict(config.keymap)
    for binding_id in table:
        value = table.data[binding_id]
        if not isinstance(value, str) or not value.strip():
            raise table.error(
                binding_id, f'expected keys in quotes, like "r" or "r,ctrl+r", got {_show(value)}'
            )
        keys = [key.strip() for key in value.split(",")]
        for key in keys:
            if not _KEY.match(key):
                raise table.error(
                    binding_id,
                    f'{key!r} is not a key name; write e.g. "x", "ctrl+x", "alt+enter", '
                    '"f5" or "question_mark"',
                )
        keymap[binding_id] = ",".join(keys)
    return replace(config, keymap=keymap)


def _write_keymap(config: Config) -> list[str]:
    lines = [
        "# Remap keys by binding id (press ? in the app to see every id and its keys):",
        '# reply = "r,ctrl+r" gives reply two keys.',
        "[keymap]",
    ]
    lines += [f"{binding_id} = {_toml(keys)}" for binding_id, keys in config.keymap.items()]
    return lines


SECTIONS: dict[str, Section] = {
    "rules": Section(_read_rules, _write_rules),
    "thresholds": Section(_read_thresholds, _write_thresholds),
    "words": Section(_read_words, _write_words),
    "x": Section(_read_x, _write_x),
    "pricing": Section(_read_pricing, _write_pricing),
    "owed": Section(_read_owed, _write_owed),
    "theme": Section(_read_theme, _write_theme),
    "keymap": Section(_read_keymap, _write_keymap),
}


# --- loading and printing -----------------------------------------------------


def load(path: Path) -> Config:
    """Read the config at ``path``; a missing file gives the defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read it ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    config = Config(path, exists=True)
    root = Table(path, "", data)
    root.only(SECTIONS, "table")
    for name in root:
        config = SECTIONS[name].read(config, root.table(name))
    return config


def load_config(override: str | os.PathLike[str] | None = None) -> Config:
    """The user's config: ``--config`` if given, else ``$TUICOACH_CONFIG``, else the default."""
    return load(paths.config_file(override))


def dumps(config: Config) -> str:
    """The effective settings as TOML a user can paste back into their file."""
    state = "exists" if config.exists else "not found: these are the defaults"
    lines = [
        f"# Config file: {config.path} ({state})",
        "# The settings in effect. Copy any part into that file to change it.",
    ]
    for section in SECTIONS.values():
        lines += ["", *section.write(config)]
    return "\n".join(lines) + "\n"


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _show(value: object) -> str:
    """A value as it looks in TOML, for error messages."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return _toml(value)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A JSON string is a TOML basic string, once DEL is escaped too.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    return str(value)
