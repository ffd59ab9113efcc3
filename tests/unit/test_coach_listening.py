"""Answering an opportunity: a pitch in a stranger's conversation is spam, help is the point."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuicoach.coach import Coach
from tuicoach.domain.models import Draft, Tweet, User

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
COACH = Coach()
SAM = User("7", "sam_sips")
COMPLAINT = Tweet("900", "larkspur was out of oat milk AGAIN, third time this week", NOW, SAM.id)
QUESTION = Tweet("901", "anyone know if larkspur does decaf? asking for my mum", NOW, SAM.id)

CASES = [
    # (draft, answered, stranger, must fire, must not fire)
    (
        "@sam_sips Sorry about that! Our new oat milk order lands Tuesday. Try our beans, "
        "20% off this week, shop now",
        COMPLAINT,
        True,
        {"pitch-to-stranger", "hard-sell"},
        set(),
    ),
    (
        "@sam_sips So sorry, Sam. A bigger oat milk delivery starts Tuesday. Could you tell "
        "us which shop it was? ^JD",
        COMPLAINT,
        True,
        {"invites-conversation", "personal-touch"},
        {"pitch-to-stranger", "hard-sell"},
    ),
    (
        "@sam_sips We do! Swiss-water decaf, all day. Tell your mum the first cup is on us.",
        QUESTION,
        True,
        set(),
        {"pitch-to-stranger"},
    ),
    (
        "@sam_sips Use code DECAF20 for 20% off, order today!",
        QUESTION,
        True,
        {"pitch-to-stranger"},
        set(),
    ),
    # The same pitch answering someone who summoned the account: a tip, not spam.
    (
        "@sam_sips Use code DECAF20 for 20% off, order today!",
        QUESTION,
        False,
        {"hard-sell"},
        {"pitch-to-stranger"},
    ),
]


@pytest.mark.parametrize(("text", "answered", "stranger", "fires", "silent"), CASES)
def test_a_draft_answering_a_stranger(
    text: str, answered: Tweet, stranger: bool, fires: set[str], silent: set[str]
) -> None:
    draft = Draft.answering(text, answered, SAM)
    report = COACH.report(draft, now=NOW, stranger=stranger)
    rules = {f.rule for f in report.findings}
    assert fires <= rules
    assert not silent & rules
    for finding in report.by_rule("pitch-to-stranger"):
        assert finding.start is not None and finding.end is not None
        assert text[finding.start : finding.end].strip()
        assert "not invited" in finding.message


def test_a_pitch_to_a_stranger_costs_more_than_the_same_pitch_to_a_customer() -> None:
    text = "@sam_sips Use code DECAF20 for 20% off, order today!"
    draft = Draft.answering(text, QUESTION, SAM)
    to_customer = COACH.report(draft, now=NOW).score
    to_stranger = COACH.report(draft, now=NOW, stranger=True).score
    assert to_stranger <= to_customer - 25
