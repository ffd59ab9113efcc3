"""Triage reads what each clause does: failures beside praise, turns, regret, reproach,
and the order of needs-answer by need tier (complaints before polite questions)."""

from __future__ import annotations

import pytest

from tuicoach.domain.triage import Band, Triage, TriageSettings, triage


@pytest.mark.parametrize(
    ("text", "band"),
    [
        # A failure said in a clause of its own, praise around it: sarcasm.
        ("@roastery they wouldn't let me collect it. Real nice of you! Love the service",
         Band.NEEDS_ANSWER),
        ("@roastery the courier never turned up. Great job guys", Band.NEEDS_ANSWER),
        # Praise for any failure word is sarcasm, not just the listed targets.
        ("@roastery thanks for wasting my whole afternoon", Band.NEEDS_ANSWER),
        ("@roastery thanks for nothing", Band.NEEDS_ANSWER),
        ("@roastery love how you can't reach anyone on the phone", Band.NEEDS_ANSWER),
        # ... but thanks for something that did not go wrong is thanks.
        ("@roastery thanks for not cancelling my order, you rock", Band.THANKS),
        # "Thanks, but ...": what follows the turn is what the tweet says.
        ("@roastery thanks for the reply, but the grinder is still broken", Band.NEEDS_ANSWER),
        # A negated comparison raises the praise: gratitude, not a complaint.
        ("@roastery couldn't be more thankful to your team today", Band.THANKS),
        # A hedge that opens its clause is no failure.
        ("@roastery don't know her name, but the barista at the market was terrific",
         Band.THANKS),
        # What ought to have happened and did not.
        ("@roastery the parcel should have been delivered on Monday", Band.NEEDS_ANSWER),
        # Failure words from the lexicon, not only from the lists.
        ("@roastery this is an dreadful way to treat regulars", Band.NEEDS_ANSWER),
        ("@roastery not a single dreadful cup all year", Band.NORMAL),  # negated
    ],
)  # fmt: skip
def test_clause_bands(text: str, band: Band) -> None:
    assert triage(text).band is band, triage(text).reasons


def _order(texts: list[str]) -> list[str]:
    return sorted(texts, key=lambda t: (triage(t).band.rank, triage(t).tier))


@pytest.mark.parametrize(
    ("complaint", "polite"),
    [
        ("@roastery my order is late again and nobody answers the phone",
         "@roastery thanks so much, loved it! Can I order another for Friday?"),
        ("@roastery why is my refund still not here?",
         "@roastery great coffee as always. Do you open on Sundays?"),
        ("@roastery thanks for losing my parcel. Where is it?",
         "@roastery thank you! Is the decaf back in stock?"),
    ],
)  # fmt: skip
def test_complaints_outrank_polite_questions(complaint: str, polite: str) -> None:
    assert triage(complaint).band is Band.NEEDS_ANSWER
    assert triage(polite).band is Band.NEEDS_ANSWER
    assert _order([polite, complaint]) == [complaint, polite]


def test_the_lexicon_can_be_turned_off() -> None:
    plain = Triage(TriageSettings(lexicon_failure=None, valence_weight=0))
    assert plain.classify("@roastery this is an dreadful way to treat regulars").band is (
        Band.NORMAL
    )
    assert triage("@roastery this is an dreadful way to treat regulars").band is (Band.NEEDS_ANSWER)


def test_reasons_of_a_failure_clause_point_at_its_words() -> None:
    text = "@roastery they wouldn't let me collect it. Real nice of you!"
    verdict = triage(text)
    words = {r.words for r in verdict.reasons}
    assert "wouldn't" in words
    for r in verdict.reasons:
        assert r.start is not None and text[r.start : r.end] == r.words
