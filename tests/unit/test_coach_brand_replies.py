"""Real brand replies (twcs sample, inbound False) are written by professionals.

The coach must rarely warn about them: no more than 1 in 20 (5%) may get a warning or
an error. They are scored as the replies they are, with the tweet they answer
as context where it is in the file.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from conftest import shared_fixture

from tuicoach.coach import Coach
from tuicoach.domain.models import Draft, Tweet

NOW = datetime(2017, 10, 12, tzinfo=UTC)


def brand_replies() -> list[Draft]:
    path = shared_fixture("twcs-sample", "twcs_sample_93rows.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {row["tweet_id"]: row for row in rows}
    drafts = []
    for row in rows:
        if row["inbound"] != "False":
            continue
        parent = by_id.get(row["in_response_to_tweet_id"])
        answered = Tweet(
            id=row["in_response_to_tweet_id"] or "unknown",
            text=parent["text"] if parent else "",
            created_at=NOW,
            author_id=parent["author_id"] if parent else "",
        )
        # Customer handles in this file are their numeric author ids.
        in_thread = frozenset({parent["author_id"].lower()}) if parent else frozenset()
        drafts.append(Draft(row["text"], reply_to=answered, reply_usernames=in_thread))
    return drafts


def test_brand_replies_rarely_get_warnings() -> None:
    drafts = brand_replies()
    assert len(drafts) >= 40
    coach = Coach()
    flagged = {}
    for draft in drafts:
        result = coach.report(draft, now=NOW)
        if result.has_errors or result.has_warnings:
            flagged[draft.text] = [f.rule for f in result.findings if f.severity.rank <= 1]
    assert len(flagged) * 20 <= len(drafts), flagged  # at most 5% warned


def test_brand_replies_mostly_earn_praise() -> None:
    """The same replies show what the good rules are for: questions, "you", signatures."""
    coach = Coach()
    results = [coach.report(draft, now=NOW) for draft in brand_replies()]
    praised = [r for r in results if any(f.severity.value == "good" for f in r.findings)]
    assert len(praised) * 4 >= len(results) * 3
