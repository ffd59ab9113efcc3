"""The demo is practice for the coach: its history and its morning must give every rule a turn.

Read at the data's reference instant, straight from the files, with the real
coach and the real owed-replies code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tuicoach.backends.demo.sample import SeedMark, load_world
from tuicoach.coach import RULES, Coach
from tuicoach.domain.models import Draft, Severity, Tweet
from tuicoach.domain.owed import Mark, compute_owed

WORLD = load_world()
NOW = WORLD.reference_time
OWN = sorted(WORLD.streams["own"].tweets, key=lambda t: t.created_at)
CLUSTERS: list[list[str]] = WORLD.streams["own"].meta["demo_near_duplicate_clusters"]
KNOWN = {t.id: t for page in WORLD.streams.values() for t in page.tweets + page.included_tweets}
#: Rules no tweet that was ever posted can trigger.
UNPOSTABLE = {"empty", "too-long"}
#: Rules that read the account at the moment of drafting, checked at the reference instant.
ACCOUNT_NOW = {"promo-balance", "owed-replies-waiting", "quiet-account"}
#: Rules for a draft answering an opportunity, which the brand's history never was.
LISTENING = {"pitch-to-stranger"}


def _mark(seed: SeedMark) -> Mark:
    if seed.snoozed_until is not None:
        return Mark.snoozed(seed.snoozed_until, at=NOW)
    return Mark.no_reply(seed.no_reply_needed or "", at=NOW)


def owed_since() -> list[datetime]:
    owed = compute_owed(
        KNOWN.values(),
        account_id=WORLD.account.id,
        account_username=WORLD.account.username,
        marks={m.tweet_id: _mark(m) for m in WORLD.marks},
        muted=frozenset(u.id for u in WORLD.muted),
        now=NOW,
    )
    return [o.tweet.created_at for o in owed]


def rules_fired(coach: Coach, draft: str, reply_to: Tweet | None = None) -> set[str]:
    report = coach.report(Draft(draft, reply_to=reply_to), now=NOW, owed_since=owed_since())
    return {f.rule for f in report.findings}


def test_the_brand_s_history_shows_every_draft_rule_at_work() -> None:
    """Each tweet scored as it was drafted, against the history before it."""
    coach = Coach()
    fired: set[str] = set()
    for tweet in OWN:
        parent = KNOWN.get(tweet.replied_to_id or "")
        report = coach.report(Draft(tweet.text, reply_to=parent), now=tweet.created_at)
        fired |= {f.rule for f in report.findings}
        coach.add_to_history(tweet)
    assert set(RULES) - UNPOSTABLE - ACCOUNT_NOW - LISTENING <= fired


def test_the_last_twenty_sit_on_the_promotional_line() -> None:
    coach = Coach(history=OWN)
    assert sum(coach.is_promotional(t) for t in OWN[-20:]) == 5
    assert not coach.is_promotional(OWN[-20])  # so a plain draft keeps the share at 1 in 4
    assert "promo-balance" in rules_fired(coach, "Gift cards make great presents, shop now")
    assert "promo-balance" not in rules_fired(coach, "What are you brewing this week?")


def test_a_broadcast_while_people_wait_is_flagged_but_the_account_is_not_quiet() -> None:
    coach = Coach(history=OWN)
    fired = rules_fired(coach, "What are you brewing this week?")
    assert "owed-replies-waiting" in fired
    assert {"quiet-account", "burst"}.isdisjoint(fired)


def test_repeating_the_latest_sale_is_an_error() -> None:
    coach = Coach(history=OWN)
    report = coach.report(
        "Harvest Sale is back: 20% off every bag of whole bean through Sunday", now=NOW
    )
    (finding,) = report.by_rule("near-duplicate")
    assert finding.severity is Severity.ERROR
    assert finding.related is not None
    assert any(finding.related.id in cluster for cluster in CLUSTERS)


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_every_promo_cluster_is_promotional_and_caught(cluster: list[str]) -> None:
    own = {t.id: t for t in OWN}
    tweets = sorted((own[i] for i in cluster), key=lambda t: t.created_at)
    coach = Coach(history=[t for t in OWN if t.created_at < tweets[-1].created_at])
    assert all(coach.is_promotional(t) for t in tweets)
    report = coach.report(tweets[-1].text, now=tweets[-1].created_at)
    (finding,) = report.by_rule("near-duplicate")
    assert finding.severity is Severity.ERROR
    assert tweets[-1].created_at - tweets[-2].created_at < timedelta(days=7)
