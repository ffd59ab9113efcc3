"""The coach on a queued draft: read against the account as it will be at its slot.

A queued item is scored as if it were posted at its slot, after everything
queued before it has gone out: so ``promo-balance`` counts the offers queued
ahead of it, and ``burst`` the posts (real and queued) in the window before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from tuicoach.coach.engine import Coach
from tuicoach.coach.settings import CoachSettings
from tuicoach.domain.models import Draft, Report, Tweet


def queued_tweet(item_id: int | str, text: str, slot: datetime, account_id: str) -> Tweet:
    """A queued item as the tweet it will be (an id that cannot clash with X's)."""
    return Tweet(id=f"queued-{item_id}", text=text, created_at=slot, author_id=account_id)


def report_at_slot(
    draft: Draft | str,
    *,
    slot: datetime,
    history: Iterable[Tweet],
    queued: Iterable[Tweet],
    settings: CoachSettings | None = None,
    owed_since: Sequence[datetime] = (),
) -> Report:
    """What the coach says about ``draft`` posted at ``slot``, with the queue ahead of it.

    ``queued`` holds the other queued items (see :func:`queued_tweet`); those
    after the slot do not count yet, as the rules look back from their moment.
    """
    ahead = [t for t in queued if t.created_at < slot]
    coach = Coach(settings, [*history, *ahead])
    return coach.report(draft, now=slot, owed_since=owed_since)
