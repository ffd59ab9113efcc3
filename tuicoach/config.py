"""The config file: one TOML file a person can read, copy from and edit.

It lives at :func:`tuicoach.paths.config_file` (``--config``, ``$TUICOACH_CONFIG``,
or the platform's config folder); a missing file means the defaults.

Declared once: every table is a ``msgspec`` type (its fields, types, bounds and
defaults) in :func:`sections`, with a ``fold`` that puts the parsed table into
:class:`Config` and a ``write`` that prints the effective values back as TOML
for ``tuicoach config``. The coach's and the app's tables are declared here;
each backend declares its own (``BackendKind.sections``, e.g. ``[x]`` and
``[pricing]`` in :mod:`tuicoach.backends.x.config`), and they land in
:attr:`Config.sections`, printed by one generic writer.

Every mistake is a :class:`ConfigError` that names the file and the key::

    config.toml: rules.spam-signals.severity: "loud" is not one of error, warning, tip, good
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import os
import re
import stat
import tomllib
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from tuicoach import paths
from tuicoach.backends import registry
from tuicoach.coach import DEFAULT_WORDS, RULES, CoachSettings, Thresholds
from tuicoach.coach.text import phrase_pattern
from tuicoach.domain.checkup import Goals
from tuicoach.domain.listen import ListenSettings, QueryError, SavedSearch, build_query, check_name
from tuicoach.domain.models import Severity
from tuicoach.domain.report import WEEKDAYS, BusinessHours, ReportError, zone
from tuicoach.domain.slots import PostingHours
from tuicoach.domain.triage import TriageSettings, TriageWords

#: A config file larger than this is not a config file (and is not read).
MAX_BYTES = 1 << 20
#: Deeper than this, a table is refused before anything recurses through it.
MAX_DEPTH = 32


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
    """Everything the config file says, with defaults for what it leaves out.

    ``sections`` holds the backends' tables that the file has (name -> the
    parsed ``msgspec`` struct); :meth:`section` gives one, or its defaults.
    """

    path: Path
    exists: bool = False
    coach: CoachSettings = field(default_factory=CoachSettings)
    theme: str | None = None  # None: the app's default theme
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> "key,key"
    rank_by_followers: bool = False  # [owed]: within a band, bigger audiences first
    backend: str | None = None  # [account] backend: None means the default (see the registry)
    sections: Mapping[str, object] = field(default_factory=dict)
    triage: TriageSettings = field(default_factory=TriageSettings)  # [triage]
    listen: ListenSettings = field(default_factory=ListenSettings)  # [listen], [[listen.search]]
    business_hours: BusinessHours = field(default_factory=BusinessHours)  # [business_hours]
    goals: Goals = field(default_factory=Goals)  # [goals]: reply_rate, reply_seconds
    queue: QueueConfig = field(default_factory=lambda: QueueConfig())  # [queue]
    feedback_tags: tuple[str, ...] = ()  # [feedback] tags: the user's own, beside the built-in
    store_url: str | None = None  # [store] url: a PostgreSQL store; None: the SQLite file
    team_name: str | None = None  # [team] name: who this person is, to teammates
    team_signature: str | None = None  # [team] signature: "^JD", offered at the end of replies

    def checkup_goals(self) -> Goals:
        """[goals] with the coach's promo_share and quiet_days, as the check-up reads them."""
        t = self.coach.thresholds
        return replace(self.goals, promo_share=t.promo_share, quiet_days=t.quiet_days)

    def section(self, name: str) -> object:
        """A backend's table: as the file has it, else its defaults."""
        if name in self.sections:
            return self.sections[name]
        schema = backend_sections(self.backend).get(name)
        if schema is None:
            raise KeyError(name)
        return schema()

    def backend_request_sections(self, kind: registry.BackendKind) -> dict[str, object]:
        """The tables ``kind`` declared, for its :class:`~tuicoach.backends.registry.Request`."""
        return {name: self.section(name) for name in kind.sections()}


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """The ``[queue]`` table: when queued posts go out, and what a missed slot does.

    ``missed``: "late" posts an item whose slot passed (more than
    ``late_after`` ago) with a note; "hold" keeps it for the user.
    :meth:`runner_settings` is the queue runner's own settings object.
    """

    hours: PostingHours = field(default_factory=PostingHours)
    missed: Literal["late", "hold"] = "late"
    late_after: timedelta = timedelta(minutes=15)

    def runner_settings(self, *, hold: bool = False) -> Any:
        """The :class:`~tuicoach.backends.queue_runner.QueueSettings` (``hold`` forces "hold")."""
        from tuicoach.backends.queue_runner import QueueSettings

        return QueueSettings(missed="hold" if hold else self.missed, late_after=self.late_after)


# --- the schema -----------------------------------------------------------------

_NON_EMPTY = r"\S"
Phrase = Annotated[str, msgspec.Meta(pattern=_NON_EMPTY, extra={"expected": "a non-empty string"})]


class RuleEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    enabled: bool | UnsetType = UNSET
    severity: (
        Annotated[
            Literal["error", "warning", "tip", "good"],
            msgspec.Meta(extra={"choices": [s.value for s in Severity]}),
        ]
        | UnsetType
    ) = UNSET
    weight: Annotated[int, msgspec.Meta(ge=0, le=100)] | UnsetType = UNSET


class WordsEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    replace: list[Phrase] | UnsetType = UNSET
    extend: list[Phrase] | UnsetType = UNSET
    remove: list[Phrase] | UnsetType = UNSET


def _thresholds_schema() -> type[msgspec.Struct]:
    defaults = Thresholds()
    declared: list[tuple[str, Any, Any]] = []
    for f in fields(Thresholds):
        low, high = Thresholds.bounds(f.name)
        kind = int if isinstance(getattr(defaults, f.name), int) else float
        meta = msgspec.Meta(ge=low, le=high, description=Thresholds.help(f.name))
        declared.append((f.name, Annotated[kind, meta] | UnsetType, UNSET))
    return msgspec.defstruct(
        "ThresholdsTable", declared, forbid_unknown_fields=True, kw_only=True, module=__name__
    )


class OwedTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    rank_by_followers: bool | UnsetType = UNSET


ThemeName = Annotated[
    str, msgspec.Meta(pattern=_NON_EMPTY, extra={"expected": 'a theme name like "espresso"'})
]


class ThemeTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: ThemeName | UnsetType = UNSET


Keys = Annotated[str, msgspec.Meta(extra={"expected": 'keys in quotes, like "r" or "r,ctrl+r"'})]


class AccountTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which backend `tuicoach` opens: "x", or the dotted name of a module defining
    BACKEND. $TUICOACH_BACKEND, when set, wins; --demo always opens the demo."""

    backend: Annotated[
        str,
        msgspec.Meta(
            pattern=_NON_EMPTY,
            description="the backend to open",
            extra={"expected": 'a backend name like "x"'},
        ),
    ] = registry.DEFAULT_BACKEND


Fold = Callable[["Config", Any, Path], "Config"]
Writer = Callable[["Config"], list[str]]


@dataclass(frozen=True, slots=True)
class Section:
    """One top-level table: its declared type, how it folds into :class:`Config`, how it prints."""

    schema: Any
    fold: Fold
    write: Writer
    noun: str = "setting"  # "unknown threshold (did you mean ...?)"


def _fold_rules(config: Config, table: dict[str, RuleEntry], path: Path) -> Config:
    settings = config.coach
    for rule_id, entry in table.items():
        changes: dict[str, object] = {}
        if entry.enabled is not UNSET:
            changes["enabled"] = entry.enabled
        if entry.severity is not UNSET:
            changes["severity"] = Severity(entry.severity)
        if entry.weight is not UNSET:
            changes["weight"] = entry.weight
        settings = settings.with_rule(rule_id, **changes)
    return replace(config, coach=settings)


def _fold_thresholds(config: Config, table: msgspec.Struct, path: Path) -> Config:
    defaults = Thresholds()
    changes: dict[str, float] = {}
    for name in table.__struct_fields__:
        value = getattr(table, name)
        if value is not UNSET:
            changes[name] = value if isinstance(getattr(defaults, name), int) else float(value)
    return replace(config, coach=config.coach.with_thresholds(**changes))


def _fold_words(config: Config, table: dict[str, WordsEntry], path: Path) -> Config:
    settings = config.coach
    for name, entry in table.items():
        for key in ("replace", "extend"):
            given = getattr(entry, key)
            for i, phrase in enumerate(() if given is UNSET else given):
                try:
                    phrase_pattern(phrase)
                except ValueError as exc:
                    raise ConfigError(path, f"words.{name}.{key}[{i}]", str(exc)) from None
        words = list(settings.word_list(name) if entry.replace is UNSET else entry.replace)
        if entry.extend is not UNSET:
            words += [w for w in entry.extend if w not in words]
        if entry.remove is not UNSET:
            gone = {w.casefold() for w in entry.remove}
            words = [w for w in words if w.casefold() not in gone]
        settings = settings.with_words(name, tuple(words))
    return replace(config, coach=settings)


def _fold_owed(config: Config, table: OwedTable, path: Path) -> Config:
    if table.rank_by_followers is UNSET:
        return config
    return replace(config, rank_by_followers=table.rank_by_followers)


def _fold_theme(config: Config, table: ThemeTable, path: Path) -> Config:
    return config if table.name is UNSET else replace(config, theme=table.name.strip())


# A key is a name ("enter", "f5", "question_mark"), one printable character, or
# either with modifiers ("ctrl+enter", "alt+s", "shift+tab"). Whether the id
# names a binding is checked by the app, which owns the bindings.
_KEY = re.compile(r"^(?:(?:ctrl|alt|shift|super|meta|hyper)\+)*(?:[a-z0-9_]{2,}|\S)$")


def _fold_keymap(config: Config, table: dict[str, str], path: Path) -> Config:
    keymap = dict(config.keymap)
    for binding_id, value in table.items():
        keys = [key.strip() for key in value.split(",")]
        if not value.strip():
            raise ConfigError(
                path, f"keymap.{binding_id}", 'expected keys in quotes, like "r" or "r,ctrl+r"'
            )
        for key in keys:
            if not _KEY.match(key):
                raise ConfigError(
                    path,
                    f"keymap.{binding_id}",
                    f'{key!r} is not a key name; write e.g. "x", "ctrl+x", "alt+enter", '
                    '"f5" or "question_mark"',
                )
        keymap[binding_id] = ",".join(keys)
    return replace(config, keymap=keymap)


def _fold_account(config: Config, table: AccountTable, path: Path) -> Config:
    return replace(config, backend=table.backend.strip())


def _fold_backend(name: str) -> Fold:
    def fold(config: Config, table: object, path: Path) -> Config:
        return replace(config, sections={**config.sections, name: table})

    return fold


def _write_account(config: Config) -> list[str]:
    effective = registry.selected_name(config.backend)
    lines = _write_struct("account", AccountTable(backend=effective))
    if os.environ.get(registry.BACKEND_ENV):
        said = f"says {_toml(config.backend)}" if config.backend else "names none"
        lines.insert(-1, f"# (from ${registry.BACKEND_ENV}; the file {said})")
    return lines


def _write_backend(name: str) -> Writer:
    def write(config: Config) -> list[str]:
        return _write_struct(name, config.section(name))

    return write


# --- triage, listening, hours, goals, queue, feedback -----------------------------


class TriageTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    spam_follow_ratio: (
        Annotated[
            float,
            msgspec.Meta(
                ge=1,
                le=10000,
                description="following this many times its followers looks like a ring",
            ),
        ]
        | UnsetType
    ) = UNSET
    spam_max_followers: (
        Annotated[
            int,
            msgspec.Meta(
                ge=0, le=1_000_000_000, description="... while followed by fewer than this"
            ),
        ]
        | UnsetType
    ) = UNSET
    praise_per_failure: (
        Annotated[
            int,
            msgspec.Meta(ge=1, le=20, description="praise words that outweigh one failure word"),
        ]
        | UnsetType
    ) = UNSET
    long_statement_words: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1, le=1000, description="a statement this long with one weak cue is a complaint"
            ),
        ]
        | UnsetType
    ) = UNSET
    words: dict[str, WordsEntry] | UnsetType = UNSET


_TRIAGE_FIELDS = (
    "spam_follow_ratio",
    "spam_max_followers",
    "praise_per_failure",
    "long_statement_words",
)


def _fold_triage(config: Config, table: TriageTable, path: Path) -> Config:
    changes: dict[str, Any] = {}
    for name in _TRIAGE_FIELDS:
        value = getattr(table, name)
        if value is not UNSET:
            changes[name] = float(value) if name == "spam_follow_ratio" else value
    words = config.triage.words
    for name, entry in ({} if table.words is UNSET else table.words).items():
        listed = list(getattr(words, name) if entry.replace is UNSET else entry.replace)
        if entry.extend is not UNSET:
            listed += [w for w in entry.extend if w not in listed]
        if entry.remove is not UNSET:
            gone = {w.casefold() for w in entry.remove}
            listed = [w for w in listed if w.casefold() not in gone]
        words = words.replaced(**{name: tuple(listed)})
    return replace(config, triage=replace(config.triage, words=words, **changes))


def _write_triage(config: Config) -> list[str]:
    settings = config.triage
    lines = [
        "# Triage: how a mention is banded (needs an answer, owed, thanks, probably spam).",
        "# An account following spam_follow_ratio times more people than follow it, with",
        "# fewer than spam_max_followers followers, looks like a follow ring or a bot.",
        "[triage]",
    ]
    for name in _TRIAGE_FIELDS:
        lines.append(f"{name} = {_toml(getattr(settings, name))}")
    lines += [
        "",
        "# Triage word lists: whole words or phrases, any case; a trailing * matches any",
        "# ending. extend = [...] adds, remove = [...] takes out, replace = [...] starts over.",
    ]
    for name in TriageWords.names():
        lines += ["", f"[triage.words.{name}]", "replace = ["]
        lines += [f"    {_toml(word)}," for word in getattr(settings.words, name)]
        lines.append("]")
    return lines


_CLOCK = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        extra={"expected": 'a time of day in quotes, like "09:00"'},
    ),
]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_DAY = Annotated[
    Weekday,
    msgspec.Meta(extra={"choices": list(WEEKDAYS)}),
]
_ZONE = Annotated[
    str, msgspec.Meta(extra={"expected": 'an IANA time zone like "Europe/London", or ""'})
]


class BusinessHoursTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Business hours, for the reports' first-reply times in and outside them.
    timezone: an IANA name such as "Europe/London"; "" is this machine's zone."""

    start: Annotated[_CLOCK, msgspec.Meta(description="opening time")] = "09:00"
    end: Annotated[_CLOCK, msgspec.Meta(description="closing time (not included)")] = "17:00"
    days: Annotated[list[_DAY], msgspec.Meta(min_length=1, description="open days")] = (
        msgspec.field(default_factory=lambda: ["Mon", "Tue", "Wed", "Thu", "Fri"])
    )
    timezone: _ZONE = ""


def _hours_of(path: Path, name: str, table: Any) -> dict[str, Any]:
    """Checked start/end/days/timezone of ``[name]``, each error naming its key."""
    try:
        tz = zone(table.timezone.strip() or None)
    except ReportError as exc:
        raise ConfigError(path, f"{name}.timezone", str(exc)) from None
    start, end = time.fromisoformat(table.start), time.fromisoformat(table.end)
    if end <= start:
        raise ConfigError(
            path, f"{name}.end", f"{table.end!r} must come after start ({table.start!r})"
        )
    return {
        "start": start,
        "end": end,
        "days": frozenset(map(WEEKDAYS.index, table.days)),
        "tz": tz,
    }


def _fold_business_hours(config: Config, table: BusinessHoursTable, path: Path) -> Config:
    return replace(config, business_hours=BusinessHours(**_hours_of(path, "business_hours", table)))


def _zone_name(tz: Any) -> str:
    return str(getattr(tz, "key", "") or "") if tz is not None else ""


def _days(numbers: Iterable[int]) -> list[Weekday]:
    return [typing.cast(Weekday, WEEKDAYS[n]) for n in sorted(numbers)]


def _write_business_hours(config: Config) -> list[str]:
    hours = config.business_hours
    return _write_struct(
        "business_hours",
        BusinessHoursTable(
            start=hours.start.strftime("%H:%M"),
            end=hours.end.strftime("%H:%M"),
            days=_days(hours.days),
            timezone=_zone_name(hours.tz),
        ),
    )


class GoalsTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The check-up's goals: the share of people answered, and how fast (the median
    first reply in business hours)."""

    reply_rate: Annotated[float, msgspec.Meta(ge=0, le=1, description="0 to 1")] = 0.8
    reply_minutes: Annotated[float, msgspec.Meta(ge=1, le=10080, description="minutes")] = 60.0


def _fold_goals(config: Config, table: GoalsTable, path: Path) -> Config:
    goals = replace(
        config.goals, reply_rate=float(table.reply_rate), reply_seconds=table.reply_minutes * 60.0
    )
    return replace(config, goals=goals)


def _write_goals(config: Config) -> list[str]:
    minutes = config.goals.reply_seconds / 60
    return _write_struct(
        "goals",
        GoalsTable(
            reply_rate=config.goals.reply_rate,
            reply_minutes=int(minutes) if minutes == int(minutes) else minutes,
        ),
    )


class QueueTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The queue posts from start to end on days, at most per_day a day. A slot that
    passed while nothing ran (more than late_after_minutes ago): missed = "late" posts
    it late with a note, "hold" keeps it for you."""

    start: Annotated[_CLOCK, msgspec.Meta(description="first posting time")] = "08:00"
    end: Annotated[_CLOCK, msgspec.Meta(description="last posting time (not included)")] = "20:00"
    days: Annotated[list[_DAY], msgspec.Meta(min_length=1, description="posting days")] = (
        msgspec.field(default_factory=lambda: _days(range(7)))
    )
    timezone: _ZONE = ""
    per_day: Annotated[int, msgspec.Meta(ge=1, le=96, description="queued posts a day at most")] = 4
    missed: Annotated[
        Literal["late", "hold"],
        msgspec.Meta(description='"late" or "hold"', extra={"choices": ["late", "hold"]}),
    ] = "late"
    late_after_minutes: Annotated[
        float, msgspec.Meta(ge=0, le=10080, description="how late counts as missed")
    ] = 15.0


def _fold_queue(config: Config, table: QueueTable, path: Path) -> Config:
    hours = PostingHours(**_hours_of(path, "queue", table), per_day=table.per_day)
    queue = QueueConfig(hours, table.missed, timedelta(minutes=table.late_after_minutes))
    return replace(config, queue=queue)


def _write_queue(config: Config) -> list[str]:
    queue = config.queue
    minutes = queue.late_after.total_seconds() / 60
    return _write_struct(
        "queue",
        QueueTable(
            start=queue.hours.start.strftime("%H:%M"),
            end=queue.hours.end.strftime("%H:%M"),
            days=_days(queue.hours.days),
            timezone=_zone_name(queue.hours.tz),
            per_day=queue.hours.per_day,
            missed=queue.missed,
            late_after_minutes=int(minutes) if minutes == int(minutes) else minutes,
        ),
    )


class FeedbackTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Your own feedback tags, offered beside bug, idea, praise, complaint and question."""

    tags: Annotated[
        list[Annotated[str, msgspec.Meta(extra={"expected": 'a tag like "decaf-beans"'})]],
        msgspec.Meta(description="one word each: letters, digits, - or _"),
    ] = msgspec.field(default_factory=list)


def _fold_feedback(config: Config, table: FeedbackTable, path: Path) -> Config:
    from tuicoach.store.feedback import TagError, clean_tag

    tags: list[str] = []
    for i, tag in enumerate(table.tags):
        try:
            name = clean_tag(tag)
        except TagError as exc:
            raise ConfigError(path, f"feedback.tags[{i}]", str(exc)) from None
        if name not in tags:
            tags.append(name)
    return replace(config, feedback_tags=tuple(tags))


def _write_feedback(config: Config) -> list[str]:
    return _write_struct("feedback", FeedbackTable(tags=list(config.feedback_tags)))


STORE_URL_ENV = "TUICOACH_STORE_URL"
#: The keyring service a PostgreSQL store's password may live under (user: the URL, redacted).
STORE_KEYRING_SERVICE = "tuicoach-store"


class StoreTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Where the account's store lives: leave url out for the SQLite file in the data folder, or
    name a PostgreSQL database a team shares. Never a password here: ~/.pgpass, a service
    entry, $PGPASSWORD or the keyring (`tuicoach store password`). --store and
    $TUICOACH_STORE_URL win over this."""

    url: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^(postgresql|postgres)://",
                description="a PostgreSQL URL, without a password",
                extra={"expected": 'a URL like "postgresql://jen@db.example.com/tuicoach"'},
            ),
        ]
        | UnsetType
    ) = UNSET


def _fold_store(config: Config, table: StoreTable, path: Path) -> Config:
    from tuicoach.store.engine import url_password

    if isinstance(table.url, UnsetType):
        return config
    if url_password(table.url) is not None:
        raise ConfigError(
            path,
            "store.url",
            "holds a password, and passwords never go in the config file: take it out of the "
            "URL and put it in ~/.pgpass (or a service file), in $PGPASSWORD, or in the keyring "
            "with `tuicoach store password`",
        )
    return replace(config, store_url=table.url.strip())


def _write_store(config: Config) -> list[str]:
    lines = _write_struct("store", StoreTable())
    url = os.environ.get(STORE_URL_ENV)
    if url:
        from tuicoach.store.engine import redact

        lines.append(f"# url = {_toml(redact(url))}  (from ${STORE_URL_ENV})")
    elif config.store_url:
        lines.append(f"url = {_toml(config.store_url)}")
    else:
        lines.append('# url = "postgresql://you@db.example.com/tuicoach"  (unset: the SQLite file)')
    return lines


class TeamTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Who you are to your teammates on a shared store: your name, and the signature Compose
    offers to append to a reply."""

    name: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=_NON_EMPTY,
                max_length=40,
                description="your name, as teammates see it",
                extra={"expected": 'a name like "Jen"'},
            ),
        ]
        | UnsetType
    ) = UNSET
    signature: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=_NON_EMPTY,
                max_length=12,
                description="appended to your replies when you choose",
                extra={"expected": 'a short signature like "^JD"'},
            ),
        ]
        | UnsetType
    ) = UNSET


def _fold_team(config: Config, table: TeamTable, path: Path) -> Config:
    name = None if isinstance(table.name, UnsetType) else table.name.strip()
    signature = None if isinstance(table.signature, UnsetType) else table.signature.strip()
    return replace(config, team_name=name, team_signature=signature)


def _write_team(config: Config) -> list[str]:
    return _write_struct(
        "team",
        TeamTable(
            name=config.team_name if config.team_name is not None else UNSET,
            signature=config.team_signature if config.team_signature is not None else UNSET,
        ),
    )


def store_url(config: Config | None, override: str | None = None) -> str | None:
    """The PostgreSQL store to use: ``--store``, else ``$TUICOACH_STORE_URL``, else
    ``[store] url``; ``None``: the account's SQLite file, as without a team."""
    chosen = override or os.environ.get(STORE_URL_ENV) or (config and config.store_url)
    return chosen.strip() if chosen else None


def store_password(url: str) -> str | None:
    """The password the keyring holds for ``url`` (``tuicoach store password``), if any.

    ``None`` when there is none, or no keyring, or ``url`` carries its own (from
    ``--store`` or the environment): libpq then uses that, or looks where it
    always does (``~/.pgpass``, a service file, ``$PGPASSWORD``).
    """
    from tuicoach.store.engine import redact, url_password

    if url_password(url) is not None:  # given on the command line or in $TUICOACH_STORE_URL
        return None
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            found: str | None = keyring.get_password(STORE_KEYRING_SERVICE, redact(url))
        except KeyringError:
            return None
    except Exception:  # no keyring backend on this machine: the other ways still work
        return None
    return found


class SearchRow(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(extra={"expected": 'a name in quotes, like "larkspur"'})]
    terms: list[Phrase] | str | UnsetType = UNSET
    query: Phrase | UnsetType = UNSET
    lang: (
        Annotated[str, msgspec.Meta(extra={"expected": 'a language code like "en"'})] | UnsetType
    ) = UNSET
    exclude: list[Phrase] | UnsetType = UNSET


_LISTEN_DEFAULTS = ListenSettings()


class ListenTable(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    daily_budget: Annotated[float, msgspec.Meta(ge=0, le=1000)] = _LISTEN_DEFAULTS.daily_budget
    max_results: Annotated[int, msgspec.Meta(ge=10, le=100)] = _LISTEN_DEFAULTS.max_results
    pages: Annotated[int, msgspec.Meta(ge=1, le=10)] = _LISTEN_DEFAULTS.pages
    search: list[SearchRow] = msgspec.field(default_factory=list)


def _fold_listen(config: Config, table: ListenTable, path: Path) -> Config:
    from tuicoach.domain.listen import split_terms

    searches: list[SavedSearch] = []
    for i, row in enumerate(table.search):
        key = f"listen.search[{i}]"
        terms = [] if row.terms is UNSET else row.terms
        try:
            search = SavedSearch(
                check_name(row.name),
                tuple(split_terms(terms) if isinstance(terms, str) else terms),
                None if row.query is UNSET else row.query,
                None if row.lang is UNSET else row.lang,
                () if row.exclude is UNSET else tuple(row.exclude),
            )
            if not search.terms and search.query is None:
                raise QueryError(search.name, 'give terms = ["..."] or query = "..."')
            build_query(search, "account")
        except QueryError as exc:
            raise ConfigError(path, key, str(exc)) from None
        if any(s.name.casefold() == search.name.casefold() for s in searches):
            raise ConfigError(
                path, f"{key}.name", f"{search.name!r} names two saved searches; rename one"
            )
        searches.append(search)
    settings = ListenSettings(
        float(table.daily_budget), table.max_results, table.pages, tuple(searches)
    )
    return replace(config, listen=settings)


def _write_listen(config: Config) -> list[str]:
    settings = config.listen
    lines = [
        "# Listening: saved searches for what people say about you without @mentioning you.",
        "# daily_budget: dollars per UTC day (listening stops when it is spent);",
        "# max_results: posts per request (10-100); pages: requests per search per poll.",
        '# Each search: [[listen.search]] with name, terms = [...] or query = "...",',
        '# and optionally lang = "en" and exclude = [...].',
        "[listen]",
        f"daily_budget = {_toml(settings.daily_budget)}",
        f"max_results = {settings.max_results}",
        f"pages = {settings.pages}",
    ]
    for search in settings.searches:
        lines += ["", "[[listen.search]]", f"name = {_toml(search.name)}"]
        if search.terms:
            lines.append(f"terms = [{', '.join(map(_toml, search.terms))}]")
        if search.query is not None:
            lines.append(f"query = {_toml(search.query)}")
        if search.lang is not None:
            lines.append(f"lang = {_toml(search.lang)}")
        if search.exclude:
            lines.append(f"exclude = [{', '.join(map(_toml, search.exclude))}]")
    return lines


def backend_sections(selected: str | None = None) -> dict[str, type]:
    """The tables every built-in backend declares, and the selected one's if it is not built in."""
    kinds = registry.builtin_kinds()
    name = registry.selected_name(selected)
    if name not in registry.BUILTIN:
        with contextlib.suppress(registry.UnknownBackend):  # named where it is opened
            kinds.append(registry.load(name))
    found: dict[str, type] = {}
    for kind in kinds:
        found.update(kind.sections())
    return found


def sections(selected: str | None = None) -> dict[str, Section]:
    """Every table a config file may have, in the order ``tuicoach config`` prints them."""
    table: dict[str, Section] = {
        "rules": Section(dict[str, RuleEntry], _fold_rules, _write_rules),
        "thresholds": Section(_THRESHOLDS_SCHEMA, _fold_thresholds, _write_thresholds, "threshold"),
        "words": Section(dict[str, WordsEntry], _fold_words, _write_words),
    }
    for name, schema in backend_sections(selected).items():
        if name in _CORE_TABLES:
            raise registry.UnknownBackend(f"a backend may not declare the [{name}] table")
        table[name] = Section(schema, _fold_backend(name), _write_backend(name))
    table |= {
        "owed": Section(OwedTable, _fold_owed, _write_owed),
        "triage": Section(TriageTable, _fold_triage, _write_triage),
        "listen": Section(ListenTable, _fold_listen, _write_listen),
        "business_hours": Section(BusinessHoursTable, _fold_business_hours, _write_business_hours),
        "goals": Section(GoalsTable, _fold_goals, _write_goals),
        "queue": Section(QueueTable, _fold_queue, _write_queue),
        "feedback": Section(FeedbackTable, _fold_feedback, _write_feedback),
        "theme": Section(ThemeTable, _fold_theme, _write_theme),
        "keymap": Section(dict[str, Keys], _fold_keymap, _write_keymap),
        "account": Section(AccountTable, _fold_account, _write_account),
        "store": Section(StoreTable, _fold_store, _write_store),
        "team": Section(TeamTable, _fold_team, _write_team),
    }
    return table


_THRESHOLDS_SCHEMA = _thresholds_schema()
_CORE_TABLES = frozenset(
    {"rules", "thresholds", "words", "owed", "theme", "keymap", "account"}
    | {"triage", "listen", "business_hours", "goals", "queue", "feedback"}
    | {"store", "team"}
)


def _known_keys(name: str, table: Mapping[str, object], path: Path) -> None:
    """Rule ids and word-list names are data, not fields: check them by name first."""
    known: Mapping[str, object] = RULES if name == "rules" else DEFAULT_WORDS
    what = "no such rule" if name == "rules" else "no such word list"
    tail = "; `tuicoach config` lists them all" if name == "rules" else ""
    for key in table:
        if key not in known:
            raise ConfigError(path, f"{name}.{key}", f"{what}{_did_you_mean(key, known)}{tail}")


# --- loading --------------------------------------------------------------------


def _read(path: Path) -> bytes | None:
    """The file's bytes; ``None`` when there is none. Only a regular file is read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(path, None, "cannot read it (it is a folder, not a file)")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(
                path,
                None,
                "cannot read it: not a regular file (a pipe or a device?); "
                "point --config or $TUICOACH_CONFIG at a TOML file",
            )
        if info.st_size > MAX_BYTES:
            raise ConfigError(path, None, f"too big for a config file (over {MAX_BYTES} bytes)")
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _check_values(path: Path, data: Mapping[str, object]) -> None:
    """Refuse, without recursing, what TOML allows but no setting uses: nan, inf, deep nesting."""
    stack: list[tuple[str, object, int]] = [(k, v, 1) for k, v in data.items()]
    while stack:
        key, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            shown = key if len(key) <= 60 else key[:60] + "…"
            raise ConfigError(
                path, shown, f"nested more than {MAX_DEPTH} levels deep; no setting nests that far"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(path, key, f"{_toml(value)} is not a number tuicoach can use")
        if isinstance(value, dict):
            stack += [(f"{key}.{k}", v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(f"{key}[{i}]", v, depth + 1) for i, v in enumerate(value)]


def load(path: Path) -> Config:
    """Read the config at ``path``; a missing file gives the defaults."""
    raw = _read(path)
    if raw is None:
        return Config(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            path, None, "nested too deeply to read (no setting nests that far): check its brackets"
        ) from None
    _check_values(path, data)
    account = data.get("account")
    chosen = account.get("backend") if isinstance(account, dict) else None
    known = sections(chosen if isinstance(chosen, str) else None)
    config = Config(path, exists=True)
    for name, table in data.items():
        section = known.get(name)
        if section is None:
            hint = _did_you_mean(name, known) or f" (known: {', '.join(known)})"
            raise ConfigError(path, name, f"unknown table{hint}")
        if name == "listen" and isinstance(table, list):
            table = {"search": table}  # [[listen]] tables: each one saved search
        if not isinstance(table, dict):
            raise ConfigError(path, name, f"expected a table ([{name}]), got {_show(table)}")
        if name in ("rules", "words"):
            _known_keys(name, table, path)
        parsed = _convert(path, name, table, section)
        config = section.fold(config, parsed, path)
    return config


def load_config(override: str | os.PathLike[str] | None = None) -> Config:
    """The user's config: ``--config`` if given, else ``$TUICOACH_CONFIG``, else the default."""
    return load(paths.config_file(override))


def _convert(path: Path, name: str, table: dict[str, object], section: Section) -> Any:
    """The table as its declared type; a dict-of-entries table converts entry by entry,
    so an error can name the entry (``rules.burst.weight``)."""
    schema = section.schema
    if schema is TriageTable and isinstance(table.get("words"), dict):
        # Word lists by name, entry by entry, so an error names the list.
        words = typing.cast(dict[str, Any], table["words"])
        names = TriageWords.names()
        for key in words:
            if key not in names:
                raise ConfigError(
                    path,
                    f"triage.words.{key}",
                    f"no such triage word list{_did_you_mean(key, names)}; "
                    "`tuicoach config` lists them all",
                )
        entries = {
            key: _convert_one(path, f"triage.words.{key}", value, WordsEntry, section.noun)
            for key, value in words.items()
        }
        rest = {k: v for k, v in table.items() if k != "words"}
        return _with_words(_convert_one(path, name, rest, schema, section.noun), entries)
    if typing.get_origin(schema) is dict:
        entry_type = typing.get_args(schema)[1]
        return {
            key: _convert_one(path, f"{name}.{key}", value, entry_type, section.noun)
            for key, value in table.items()
        }
    return _convert_one(path, name, table, schema, section.noun)


def _with_words(table: TriageTable, words: dict[str, WordsEntry]) -> TriageTable:
    table.words = words
    return table


def _convert_one(path: Path, key: str, value: object, schema: Any, noun: str) -> Any:
    try:
        return msgspec.convert(value, schema, strict=True)
    except msgspec.ValidationError as exc:
        from tuicoach.config_explain import explain

        where, problem = explain(str(exc), value, schema, noun, key)
        raise ConfigError(path, where, problem) from None


# --- printing -------------------------------------------------------------------


def dumps(config: Config) -> str:
    """The effective settings as TOML a user can paste back into their file."""
    state = "exists" if config.exists else "not found: these are the defaults"
    lines = [
        f"# Config file: {config.path} ({state})",
        "# The settings in effect. Copy any part into that file to change it.",
    ]
    for section in sections(config.backend).values():
        lines += ["", *section.write(config)]
    return "\n".join(lines) + "\n"


def _write_struct(name: str, value: object) -> list[str]:
    """A declared table printed from its declaration: its doc, each field and its comment."""
    from tuicoach.config_explain import field_notes

    lines = [f"# {line.strip()}" for line in (type(value).__doc__ or "").strip().splitlines()]
    lines.append(f"[{name}]")
    tables: list[tuple[str, list[msgspec.Struct]]] = []
    for field_name, (note, example) in field_notes(type(value)).items():
        current = getattr(value, field_name)
        if isinstance(current, list) and current and isinstance(current[0], msgspec.Struct):
            tables.append((field_name, current))
            continue
        comment = f"  # {note}" if note else ""
        if current is None or current is UNSET:
            if example is not None:
                lines.append(f"{field_name} = {_toml(example)}{comment}")
            continue
        lines.append(f"{field_name} = {_toml(current)}{comment}")
    for field_name, rows in tables:
        for row in rows:
            lines += ["", f"[[{name}.{field_name}]]"]
            lines += [
                f"{k} = {_toml(getattr(row, k))}"
                for k in row.__struct_fields__
                if getattr(row, k) is not None and getattr(row, k) is not UNSET
            ]
    return lines


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


_THRESHOLDS = [f.name for f in fields(Thresholds)]


def _write_thresholds(config: Config) -> list[str]:
    lines = ["[thresholds]"]
    for name in _THRESHOLDS:
        value = getattr(config.coach.thresholds, name)
        lines.append(f"{name} = {_toml(value)}  # {Thresholds.help(name)}")
    return lines


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


def _write_owed(config: Config) -> list[str]:
    return [
        "# Replies owed are ordered by need (questions and complaints first), then by",
        '# waiting time. Everyone counts the same ("they\'re all influencers to me");',
        "# true puts bigger audiences first within each band.",
        "[owed]",
        f"rank_by_followers = {_toml(config.rank_by_followers)}",
    ]


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


def _write_keymap(config: Config) -> list[str]:
    lines = [
        "# Remap keys by binding id (press ? in the app to see every id and its keys):",
        '# reply = "r,ctrl+r" gives reply two keys.',
        "[keymap]",
    ]
    lines += [f"{binding_id} = {_toml(keys)}" for binding_id, keys in config.keymap.items()]
    return lines


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
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)
