"""The report's per-person table (pure): who sent the account's replies, and whose first
replies answered the period's addressed tweets, against a small hand-computed world.

Definitions (README, "What the report counts"): a person's replies are the account's
replies to someone else posted in the period with their name on record; their first
replies are the period's answered addressed tweets whose first reply (the owed engine's)
they sent. Replies with no name on record are one row with no name, listed last.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuicoach.cli.report import rows, text
from tuicoach.domain.models import Mention, Tweet
from tuicoach.domain.owed import OwedTracker
from tuicoach.domain.report import AccountReport, BusinessHours, build_report

ME = "1"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SINCE, UNTIL = T0 - timedelta(days=1), T0 + timedelta(days=1)
NOW = UNTIL


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def mention(tweet_id: str, author: str, minutes: float) -> Tweet:
    return Tweet(
        id=tweet_id,
        text="@acme is the rye in?",
        created_at=at(minutes),
        author_id=author,
        conversation_id=tweet_id,
        mentions=(Mention("acme", 0, 5, ME),),
    )


def reply(tweet_id: str, to: Tweet, minutes: float, *, text: str = "@pat yes, from 8") -> Tweet:
    return Tweet(
        id=tweet_id,
        text=text,
        created_at=at(minutes),
        author_id=ME,
        conversation_id=to.conversation_id,
        in_reply_to_user_id=to.author_id,
        replied_to_id=to.id,
    )


M1 = mention("101", "21", 0)
M2 = mention("102", "22", 10)
M3 = mention("103", "23", 20)
M4 = mention("104", "24", 5)
M5 = mention("105", "25", 30)  # never answered: nobody's first reply
# The same customer again, later in M1's conversation (answering Jen's reply). Sam answers
# them with a reply to Jen's tweet, not to this one: its first reply all the same (the owed
# engine's "to its author, later in the same conversation").
M1_AGAIN = Tweet(
    id="106",
    text="@acme and on Sunday?",
    created_at=at(40),
    author_id="21",
    conversation_id="101",
    in_reply_to_user_id=ME,
    replied_to_id="201",
    mentions=(Mention("acme", 0, 5, ME),),
)
J1 = reply("201", M1, 30)  # Jen: 30 min
S1 = reply("202", M2, 50)  # Sam: 40 min
J2 = reply("203", M3, 80)  # Jen: 60 min
X1 = reply("204", M4, 25)  # from X's own app (no name): 20 min
S2 = reply("205", M2, 100)  # Sam again: a reply, not a first reply
S3 = Tweet(  # Sam answers M1_AGAIN's author in the conversation, 50 min later
    id="206",
    text="@customer_21 Sunday too",
    created_at=at(90),
    author_id=ME,
    conversation_id="101",
    in_reply_to_user_id="21",
    replied_to_id="201",
)
THREAD = Tweet(  # a self-thread: a reply to the account itself, no one's reply to a person
    id="207",
    text="More on the rye:",
    created_at=at(95),
    author_id=ME,
    conversation_id="300",
    in_reply_to_user_id=ME,
    replied_to_id="300",
)
OLD = reply("208", mention("109", "29", -3000), -2900)  # before the period: not counted
BROADCAST = Tweet(id="300", text="Rye is in", created_at=at(60), author_id=ME)

OWN = [J1, S1, J2, X1, S2, S3, THREAD, OLD, BROADCAST]
AUTHORS = {"201": "Jen", "203": "Jen", "202": "Sam", "205": "Sam", "206": "Sam", "207": "Sam"}
AUTHORS |= {"208": "Jen"}


def report(**options: object) -> AccountReport:
    tracker = OwedTracker(
        [M1, M2, M3, M4, M5, M1_AGAIN, mention("109", "29", -3000), *OWN],
        account_id=ME,
        account_username="acme",
    )
    return build_report(
        tracker,
        OWN,
        since=SINCE,
        until=UNTIL,
        now=NOW,
        hours=BusinessHours(tz=UTC),
        **options,  # type: ignore[arg-type]
    )


def test_each_person_has_their_replies_and_their_first_replies() -> None:
    figures = report(reply_authors=AUTHORS, people=("Jen",))
    table = [p.to_json() for p in figures.by_person]
    minute = 60.0
    assert table == [
        # Sam: 202, 205, 206 (207 is a self-thread); first replies: M2 (40m), M1_AGAIN (50m).
        {
            "name": "Sam",
            "replies": 3,
            "answered": 2,
            "replied_within_hour": 2,
            "median_seconds": 45 * minute,
            "p90_seconds": 50 * minute,
        },
        # Jen: 201, 203 (208 is before the period); first replies: M1 (30m), M3 (60m).
        {
            "name": "Jen",
            "replies": 2,
            "answered": 2,
            "replied_within_hour": 2,
            "median_seconds": 45 * minute,
            "p90_seconds": 60 * minute,
        },
        # From X's own app: 204, M4's first reply (20m).
        {
            "name": None,
            "replies": 1,
            "answered": 1,
            "replied_within_hour": 1,
            "median_seconds": 20 * minute,
            "p90_seconds": 20 * minute,
        },
    ]
    # The whole account's figures are the people's together.
    assert figures.first_reply.answered == sum(p.first_replies.answered for p in figures.by_person)
    assert figures.has_team
    assert figures.to_json()["by_person"] == table


def test_the_person_at_this_machine_is_listed_before_sending_anything() -> None:
    figures = report(reply_authors={}, people=("Kim",))
    assert [(p.name, p.replies, p.first_replies.answered) for p in figures.by_person] == [
        ("Kim", 0, 0),
        (None, 6, 5),  # everything else has no name on record
    ]
    assert figures.by_person[0].first_replies.median_seconds is None
    assert figures.has_team


def test_a_solo_user_has_one_unnamed_row_and_no_team() -> None:
    figures = report(reply_authors={})
    assert [(p.name, p.replies) for p in figures.by_person] == [(None, 6)]
    assert not figures.has_team
    assert "By person" not in text(figures)


def test_without_reply_authors_there_is_no_table() -> None:
    figures = report()
    assert figures.by_person == () and figures.to_json()["by_person"] == []
    assert figures.first_reply.answered == 5  # the account's figures are unchanged by it


def test_the_csv_and_the_text_carry_the_table() -> None:
    figures = report(reply_authors=AUTHORS, people=("Jen",))
    csv_rows = [r for r in rows(figures) if r[0].startswith("person:")]
    assert ("person:Sam", "replies", 3) in csv_rows
    assert ("person:Jen", "median_seconds", 2700.0) in csv_rows
    assert ("person:(no name)", "answered", 1) in csv_rows
    shown = text(figures)
    assert "By person" in shown
    assert "  Sam                      3         2  45m" in shown
    assert "  (no name)                1         1  20m" in shown
