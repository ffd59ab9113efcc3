"""The coach reads a reply as a reply: the address is not the message, blame is not
conversation, and airline acronyms are not shouting (issue 11's table)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuicoach.coach import Coach
from tuicoach.domain.models import Draft, Report, Tweet

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
COACH = Coach()
PARENT = Tweet(id="1", text="@larkspur my latte tastes burnt", created_at=NOW, author_id="9")


def reply(text: str) -> Report:
    return COACH.report(
        Draft(text, reply_to=PARENT, reply_usernames=frozenset({"yyc_caffeine"})), now=NOW
    )


def pointed(result: Report, rule: str) -> list[str]:
    return [result.text[f.start : f.end] for f in result.by_rule(rule) if f.start is not None]


@pytest.mark.parametrize(
    "text",
    ["@yyc_caffeine ", "@yyc_caffeine", "@yyc_caffeine @larkspur  ", "@yyc_caffeine https://t.co/abc",
     "https://example.com/a\n"],
)  # fmt: skip
def test_only_handles_and_links_is_empty(text: str) -> None:
    result = reply(text)
    assert [f.severity.value for f in result.by_rule("empty")] == ["error"]
    assert result.score <= 40
    assert not result.by_rule("invites-conversation")


def test_a_handle_and_words_is_not_empty() -> None:
    assert not reply("@yyc_caffeine so sorry, a fresh one is on us").by_rule("empty")


@pytest.mark.parametrize(
    ("text", "blamed"),
    [
        ("@yyc_caffeine the problem is on your end, maybe learn to brew it right!!",
         "the problem is on your end"),
        ("@yyc_caffeine that's user error, read the instructions", "user error"),
        ("@yyc_caffeine as we already said, it's your fault", "as we already said"),
        ("@yyc_caffeine you should have read the label", "you should have"),
    ],
)  # fmt: skip
def test_blaming_the_customer_is_unprofessional_and_earns_no_praise(text: str, blamed: str) -> None:
    result = reply(text)
    assert blamed in pointed(result, "unprofessional")
    assert result.by_rule("unprofessional")[0].severity.value == "warning"
    assert not result.by_rule("invites-conversation")  # the blaming sentence's "your" earns nothing
    assert result.score < 85


def test_a_kind_sentence_beside_a_blaming_one_still_earns_praise() -> None:
    result = reply("@yyc_caffeine not our fault. Could you DM us your order number?")
    assert pointed(result, "unprofessional") == ["not our fault"]
    assert pointed(result, "invites-conversation") == ["Could you DM us your order number?"]


@pytest.mark.parametrize("text", ["Damn, sold out again", "damned grinder broke", "dammit"])
def test_damn_is_flagged(text: str) -> None:
    assert COACH.report(text, now=NOW).by_rule("unprofessional")


@pytest.mark.parametrize(
    "text",
    [
        "Your KTN goes in the TSA PreCheck box when you book, then it shows on the pass.",
        "We fly ATL & MSP daily, see you there.",
        "Check the PNR and the ETA on your app, or DM us the PNR.",
        "Our SLC and DFW crews will rebook you on the next flight.",
    ],
)
def test_short_capitals_next_to_ordinary_words_are_acronyms(text: str) -> None:
    assert not COACH.report(text, now=NOW).by_rule("spam-signals")


@pytest.mark.parametrize(
    "text", ["IS THE DECAF ACTUALLY DECAF", "HUGE SALE TODAY ONLY", "BUY NOW AND SAVE BIG"]
)
def test_a_run_of_capitals_is_still_shouting(text: str) -> None:
    assert COACH.report(text, now=NOW).by_rule("spam-signals")
