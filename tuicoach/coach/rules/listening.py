"""The rule for answering an opportunity: a stranger's conversation found by listening.

RULEBOOK, "Listening": "A sales pitch dropped into a stranger's conversation
is spam (000); help is the point (004)." The draft reads as a reply; the
engine says it answers a stranger with ``Coach.report(..., stranger=True)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tuicoach.coach.rules.phrasing import quoted
from tuicoach.coach.rules.registry import Context, Hit, rule
from tuicoach.coach.text import DraftAnalysis
from tuicoach.domain.models import Severity


@rule("pitch-to-stranger", Severity.WARNING, 30)
def pitch_to_stranger(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Sales language in a reply to a stranger's conversation the account was not invited to."""
    if not ctx.stranger:
        return
    for found in draft.sales_pitches:
        yield Hit(
            f"{quoted(found.text)} is a sales pitch in a conversation you were not invited "
            "into; dropped there, it reads as spam.",
            "Answer what they said or asked, plainly and helpfully, and leave the offer out: "
            "the help is what brings them to you.",
            found.start,
            found.end,
        )
