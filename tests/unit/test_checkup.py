"""The check-up: profile findings from a users/me object, habit findings from the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_report import UNTIL, world_report

from tuicoach.backends.base import profile_of
from tuicoach.domain.checkup import Goals, Profile, check_account, check_profile, checkup


def severities(profile: Profile) -> dict[str, str]:
    return {f.rule: f.severity.value for f in check_profile(profile)}


def test_profile_from_users_me_expands_links() -> None:
    raw = {
        "id": "1",
        "username": "larkspurcoffee",
        "name": "Larkspur Coffee Roasters",
        "description": "Roastery & café. Orders: https://t.co/x1",
        "url": "https://t.co/abc",
        "entities": {
            "url": {
                "urls": [{"url": "https://t.co/abc", "expanded_url": "https://larkspur.coffee"}]
            },
            "description": {"urls": [{"url": "https://t.co/x1", "expanded_url": "https://l.co/o"}]},
        },
    }
    profile = Profile.from_json(raw)
    assert profile.url == "https://larkspur.coffee"
    assert profile.description.endswith("https://l.co/o")


@pytest.mark.parametrize(
    ("bio", "url", "expected"),
    [
        ("", None,
         {"profile-business": "warning", "profile-link": "warning", "profile-objective": "tip"}),
        ("Small-batch roastery in Leeds. Questions? We answer here.", "https://a.example",
         {"profile-business": "good", "profile-link": "good", "profile-objective": "good"}),
        ("Living my best life 🌞", None,
         {"profile-business": "warning", "profile-link": "warning"}),
        ("Larkspur since 2016. https://larkspur.coffee", None,
         {"profile-business": "good", "profile-link": "good", "profile-objective": "tip"}),
    ],
)  # fmt: skip
def test_profile_findings(bio: str, url: str | None, expected: dict[str, str]) -> None:
    found = severities(Profile("larkspur", "Larkspur Coffee", bio, url))
    assert {k: found[k] for k in expected} == expected


def test_habits_against_goals() -> None:
    report = world_report()  # reply rate 50%, business-hours median 4200 s, promo 1/6
    rules = {f.rule: f for f in check_account(report, now=UNTIL, goals=Goals())}
    assert rules["reply-rate"].severity.value == "warning" and "50%" in rules["reply-rate"].message
    assert (
        rules["reply-time"].severity.value == "warning" and "1h 10m" in rules["reply-time"].message
    )
    assert rules["promo-balance"].severity.value == "good"
    assert rules["quiet-account"].severity.value == "good"
    lenient = Goals(reply_rate=0.5, reply_seconds=5000, promo_share=0.1)
    rules = {f.rule: f for f in check_account(report, now=UNTIL, goals=lenient)}
    assert rules["reply-rate"].severity.value == "good"
    assert rules["reply-time"].severity.value == "good"
    assert rules["promo-balance"].severity.value == "warning"
    later = {f.rule: f for f in check_account(report, now=UNTIL + timedelta(days=5), goals=Goals())}
    assert later["quiet-account"].severity.value == "tip"


def test_problems_come_first_and_no_profile_is_skipped() -> None:
    findings = checkup(None, world_report(), now=UNTIL)
    assert not any(f.rule.startswith("profile-") for f in findings)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks)


def test_a_backend_without_a_profile_gives_none() -> None:
    class Bare:
        pass

    assert profile_of(Bare()) is None
