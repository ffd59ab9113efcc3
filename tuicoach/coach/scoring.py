"""The score: 100, less the weight of each rule that found a problem, plus small bonuses.

A rule costs its weight once however many times it fires: it is one piece of
advice, and typing a second offer phrase shouldn't sink the score twice.
Praise softens a problem but never erases it: bonuses win back at most half of
the penalties, so a draft with a warning never reads 100. Any ``error`` caps
the score (40 by default): such a draft cannot be posted as is.
"""

from __future__ import annotations

from collections.abc import Iterable

from tuicoach.coach.settings import CoachSettings
from tuicoach.domain.models import Finding, Severity


def score(findings: Iterable[Finding], settings: CoachSettings) -> int:
    penalties: dict[str, int] = {}
    bonuses: dict[str, int] = {}
    has_error = False
    for finding in findings:
        weight = settings.rule(finding.rule).weight
        if finding.severity is Severity.GOOD:
            bonuses[finding.rule] = weight
        else:
            penalties[finding.rule] = weight
            has_error = has_error or finding.severity is Severity.ERROR
    penalty = sum(penalties.values())
    bonus = min(sum(bonuses.values()), penalty // 2)
    total = max(0, min(100, 100 - penalty + bonus))
    if has_error:
        total = min(total, settings.thresholds.error_cap)
    return total
