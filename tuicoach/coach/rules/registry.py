"""The table of rules, keyed by the ids in RULEBOOK.md.

A rule is a generator function decorated with :func:`rule`, which records its
id, default severity and default weight beside the code, so ``grep -n
'"spam-signals"'`` finds the whole of it. The engine looks rules up here and
applies the user's settings (enabled, severity, weight) on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tuicoach.coach.neardup import Match
from tuicoach.domain.models import RelatedTweet, Severity, Tweet

if TYPE_CHECKING:
    from tuicoach.coach.history import History
    from tuicoach.coach.settings import CoachSettings
    from tuicoach.coach.text import DraftAnalysis, Lexicon


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule saw; the engine turns it into a :class:`Finding`.

    ``severity`` is left ``None`` to use the configured one; a rule sets it only
    when the rulebook escalates (a promotional near-duplicate within days).
    """

    message: str
    suggestion: str
    start: int | None = None
    end: int | None = None
    related: RelatedTweet | None = None
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may read besides the draft: settings, the account, the clock.

    ``history`` holds the user's own tweets; ``search`` is the near-duplicate
    search, or ``None`` on the cheap per-keystroke pass. ``stranger``: the
    draft answers an opportunity, a stranger's conversation the account was
    not invited into (listening).
    """

    settings: CoachSettings
    lexicon: Lexicon
    now: datetime
    history: History
    owed_since: Sequence[datetime] = ()
    is_promotional: Callable[[Tweet], bool] = lambda _tweet: False
    search: Callable[[str, datetime], Match | None] | None = None
    stranger: bool = False


Check = Callable[["DraftAnalysis", Context], Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    weight: int
    check: Check
    account: bool  # needs the account (history, owed mentions, clock), not just the draft

    @property
    def summary(self) -> str:
        """The first line of the check's docstring: when the rule fires."""
        lines = (self.check.__doc__ or "").strip().splitlines()
        return lines[0] if lines else ""


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, weight: int, *, account: bool = False
) -> Callable[[Check], Check]:
    """Register a check under ``rule_id`` with its rulebook defaults."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id!r} is registered twice")
        RULES[rule_id] = Rule(rule_id, severity, weight, check, account)
        return check

    return register
