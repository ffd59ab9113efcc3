"""The score: 100 less weighted penalties, small bonuses, clamped; an error caps it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuicoach.coach import Coach, CoachSettings
from tuicoach.coach.scoring import score
from tuicoach.domain.models import Finding, Severity

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def finding(rule: str, severity: Severity) -> Finding:
    return Finding(rule, severity, "seen.", "try.")


def weights(**by_rule: int) -> CoachSettings:
    settings = CoachSettings()
    for rule, weight in by_rule.items():
        settings = settings.with_rule(rule.replace("_", "-"), weight=weight)
    return settings


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([], 100),
        ([finding("write-only", Severity.WARNING)], 85),
        ([finding("write-only", Severity.WARNING), finding("hard-sell", Severity.TIP)], 75),
        # a rule costs its weight once, however often it fires
        ([finding("hard-sell", Severity.TIP)] * 3, 90),
        # bonuses lift a penalised draft, by at most half of what it lost
        ([finding("write-only", Severity.WARNING), finding("personal-touch", Severity.GOOD)], 92),
        (
            [
                finding("hard-sell", Severity.TIP),
                finding("personal-touch", Severity.GOOD),
                finding("invites-conversation", Severity.GOOD),
            ],
            95,
        ),
        (
            [
                finding("personal-touch", Severity.GOOD),
                finding("invites-conversation", Severity.GOOD),
            ],
            100,
        ),
        # clamped at 0
        (
            [
                finding(r, Severity.WARNING)
                for r in ("write-only", "spam-signals", "mass-mention", "unprofessional")
            ],
            0,
        ),
        # an error caps the score, even when its own weight is small; below the cap it counts
        ([finding("too-long", Severity.ERROR)], 40),
        ([finding("too-long", Severity.ERROR), finding("write-only", Severity.WARNING)], 40),
        (
            [finding("too-long", Severity.ERROR), finding("spam-signals", Severity.WARNING)],
            25,
        ),  # 100 - 5 - 70
    ],
)
def test_score_arithmetic(findings: list[Finding], expected: int) -> None:
    settings = weights(
        write_only=15,
        hard_sell=10,
        personal_touch=7,
        invites_conversation=5,
        spam_signals=70,
        mass_mention=30,
        unprofessional=30,
        too_long=5,
    )
    assert score(findings, settings) == expected


def test_the_error_cap_comes_from_settings() -> None:
    settings = weights(too_long=0).with_thresholds(error_cap=25)
    assert score([finding("too-long", Severity.ERROR)], settings) == 25


def test_weights_from_settings_drive_a_real_report() -> None:
    text = (
        "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com"
    )
    default = Coach().report(text, now=NOW)
    d = CoachSettings()
    expected = 100 - sum(d.rule(r).weight for r in ("ask-to-promote", "spam-signals", "hard-sell"))
    assert default.score == expected
    heavier = Coach(weights(ask_to_promote=40, spam_signals=30, hard_sell=0)).report(text, now=NOW)
    assert heavier.score == 30


def test_a_disabled_rule_costs_nothing() -> None:
    text = "New blog post: https://example.com/p/123"
    assert Coach().report(text, now=NOW).score < 100
    off = CoachSettings().with_rule("write-only", enabled=False)
    assert Coach(off).report(text, now=NOW).score == 100


def test_a_rule_raised_to_error_caps_the_score() -> None:
    text = "New blog post: https://example.com/p/123"
    settings = CoachSettings().with_rule("write-only", severity=Severity.ERROR, weight=1)
    result = Coach(settings).report(text, now=NOW)
    assert result.has_errors and result.score == 40


def test_praise_lifts_a_draft_with_a_tip() -> None:
    settings = weights(hard_sell=10, personal_touch=4, invites_conversation=3)
    result = Coach(settings).report(
        "Use code BEANS for your next bag, what do you brew? ^JD", now=NOW
    )
    assert {f.rule for f in result.findings} == {
        "hard-sell",
        "personal-touch",
        "invites-conversation",
    }
    assert result.score == 100 - 10 + 5  # the 7 of praise wins back half the penalty


def test_a_draft_with_a_warning_never_reads_100() -> None:
    result = Coach().report(
        "Could you DM us your email so we can tell you first? ^JD",
        now=NOW,
        owed_since=[NOW.replace(hour=1)],
    )
    assert result.has_warnings and {"personal-touch", "invites-conversation"} <= {
        f.rule for f in result.findings
    }
    assert result.score < 100
