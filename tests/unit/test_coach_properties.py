"""Property tests: whatever the user types, the coach answers sensibly and never crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tuicoach.coach import Coach
from tuicoach.domain.models import Draft, Report, Tweet

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HISTORY = [
    Tweet(id=str(i), text=text, created_at=NOW - timedelta(hours=i * 7), author_id="me")
    for i, text in enumerate(
        [
            "Spring sale: 20% off all our beans this week, shop now https://shop.example.com",
            "Fresh sourdough loaves are out of the oven, come grab one while they're warm",
            "What's your favourite way to brew on a Sunday morning?",
            "@ann thanks for visiting! ^JD",
        ]
        * 6
    )
]
COACH = Coach(history=HISTORY)

# Every code point, surrogates and unassigned ones included, and text built from
# the pieces the rules look for, so the property also runs through their branches.
ANY_CHAR = st.characters(blacklist_categories=())
PIECES = st.sampled_from(
    [
        " ",
        "!!",
        "$$",
        "?",
        "#tag",
        "@ann",
        "https://x.com/a",
        "www.y.org",
        "^JD",
        " - Jen",
        "RT",
        "please RT",
        "20% off",
        "$5",
        "WE",
        "SALE",
        "you",
        "we",
        "our",
        "\u200d",
        "😀",
        "👨‍👩‍👧",
        "字",
        "\n",
        "’",
        "1/2",
        "-",
        "/",
        "tag 3 friends",
    ]
)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=400),
    st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=5)), max_size=60).map("".join),
)


def check(result: Report, text: str) -> None:
    assert 0 <= result.score <= 100
    assert result.text == text
    for finding in result.findings:
        assert (finding.start is None) == (finding.end is None)
        if finding.start is not None and finding.end is not None:
            assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.message and finding.suggestion


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_scores(text: str) -> None:
    check(COACH.report(text, now=NOW), text)
    check(COACH.report(text, now=NOW, near_duplicates=False), text)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.frozensets(st.sampled_from(["ann", "bob", "x"])))
def test_any_reply_scores(text: str, conversation: frozenset[str]) -> None:
    draft = Draft(text, reply_to=HISTORY[3], reply_usernames=conversation)
    check(COACH.report(draft, now=NOW, owed_since=[NOW - timedelta(hours=3)]), text)
