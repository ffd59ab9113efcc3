"""The coach: rules from RULEBOOK.md that read a draft and the account. Pure; no I/O, no UI.

>>> from datetime import UTC, datetime
>>> coach = Coach()
>>> coach.report("New blog post: https://example.com/p/123", now=datetime.now(UTC)).score < 100
True
"""

from tuicoach.coach.engine import Coach
from tuicoach.coach.rules import RULES, Rule
from tuicoach.coach.settings import DEFAULT_WORDS, CoachSettings, RuleSettings, Thresholds

__all__ = [
    "DEFAULT_WORDS",
    "RULES",
    "Coach",
    "CoachSettings",
    "Rule",
    "RuleSettings",
    "Thresholds",
]
