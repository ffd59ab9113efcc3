"""The report, feedback and queue figures over what one store holds.

The view-models the CLI and the app's Reports, Feedback and Queue screens share:
plain data from one read of the store (call them from a worker, never on the
UI thread). The coach's promotional test comes in as a function, so the store
stays below the coach.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tuicoach.domain.feedback import TagFigure, tag_figures
from tuicoach.domain.models import Tweet, User
from tuicoach.domain.report import AccountReport, BusinessHours, build_report
from tuicoach.store import feedback
from tuicoach.store.engine import Db
from tuicoach.store.store import META_ACCOUNT_ID, TWEET_COLUMNS, Store, dt, ts, tweet_from_row


def report(
    store: Store,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    hours: BusinessHours | None = None,
    is_promotional: Callable[[Tweet], bool] = lambda _t: False,
    promo_line: float = 0.25,
    reply_authors: Mapping[str, str] | None = None,
    people: Iterable[str] = (),
) -> AccountReport:
    """The account's :class:`AccountReport` over the period, from one snapshot of the store.

    ``reply_authors`` (the backend's ``replies_by_author()``) adds the per-person table,
    with ``people`` (``[team] name``) in it even before they sent anything.
    """
    account_id, username = store.account_or(None, None)
    with store.reading(snapshot=True) as db:
        # The tracker the app keeps, when it has one; else one over the period's tweets and
        # those still waiting at its start (the same figures: tweets_for_window). No figure
        # looks at an answer after ``now``, so a period starting later starts at ``now``.
        tracker = store.owed_tracker(db, account_id, username, since=min(since, now))
        marks = store.marks_in(db)
        muted = store.muted_in(db)
        own = own_tweets(db, since=since, now=now, known=tracker.tweet)
    return build_report(
        tracker,
        own,
        since=since,
        until=until,
        now=now,
        hours=hours,
        marks=marks,
        muted=muted,
        is_promotional=is_promotional,
        promo_line=promo_line,
        reply_authors=reply_authors,
        people=people,
    )


def own_tweets(
    db: Db,
    *,
    since: datetime | None = None,
    now: datetime | None = None,
    known: Callable[[str], Tweet | None] | None = None,
) -> list[Tweet]:
    """The account's own tweets (the ``own`` stream): the report's posts and promo figures.

    With ``since`` and ``now``, only what a report from ``since`` at ``now`` looks at: the
    tweets from ``since`` on, and the latest posts (not retweets) by ``now`` (its
    ``last_post``, which may be older). ``known`` (a tweet by id, or ``None``: an owed
    tracker's, which holds every tweet from ``since`` on) saves reading those rows again.
    """
    columns = ", ".join("t." + c for c in TWEET_COLUMNS.split(", "))
    base = f"SELECT {columns} FROM tweet_streams AS s JOIN tweets AS t ON t.id = s.tweet_id "
    if since is None or now is None:
        return [tweet_from_row(r) for r in db.execute(base + "WHERE s.stream = 'own'")]
    edge = ts(since - timedelta(seconds=1))  # text order is time order; the report decides
    # From the time index, each row's stream looked up (not every own row, then its time).
    in_window = (
        "FROM tweets AS t WHERE t.created_at >= ? AND EXISTS "
        "(SELECT 1 FROM tweet_streams AS s WHERE s.stream = 'own' AND s.tweet_id = t.id)"
    )
    found: list[Tweet] = []
    if known is None:
        rows = db.execute(f"SELECT {columns} {in_window}", (edge,)).fetchall()
    else:
        missing = []
        for (tweet_id,) in db.execute(f"SELECT t.id {in_window}", (edge,)).fetchall():
            tweet = known(tweet_id)
            if tweet is None:
                missing.append(tweet_id)
            else:
                found.append(tweet)
        rows = []
        for start in range(0, len(missing), 500):  # under SQLite's limit of parameters
            part = missing[start : start + 500]
            marks = ", ".join("?" * len(part))
            rows += db.execute(f"SELECT {columns} FROM tweets AS t WHERE t.id IN ({marks})", part)
    rows += db.execute(
        base + "WHERE s.stream = 'own' AND t.retweeted_id IS NULL AND t.created_at <= ? "
        "AND t.created_at < ? ORDER BY t.created_at DESC LIMIT 1",
        (ts(now), edge),
    ).fetchall()
    return found + [tweet_from_row(r) for r in rows]


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One tagged tweet, for the Feedback view and ``tuicoach feedback export``."""

    tweet: Tweet
    author: User | None
    tags: tuple[str, ...]
    answered_at: datetime | None
    #: A listening opportunity the user marked handled (answered on X by hand, say):
    #: answered, even when no reply of theirs is stored to say when.
    handled: bool = False

    @property
    def answered(self) -> bool:
        return self.answered_at is not None or self.handled


def feedback_rows(
    store: Store,
    *,
    now: datetime,
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FeedbackRow]:
    """Tagged tweets, newest first (only ``tag``'s when given), with when they were answered."""
    wanted = None if tag is None else feedback.clean_tag(tag)
    tagged = {k: v for k, v in feedback.all_tags(store).items() if wanted is None or wanted in v}
    tweets = store.tweets(tagged)
    rows = [
        t
        for t in tweets.values()
        if (since is None or t.created_at >= since) and (until is None or t.created_at < until)
    ]
    rows.sort(key=lambda t: (t.created_at, t.id), reverse=True)
    users = store.users({t.author_id for t in rows})
    ids = [t.id for t in rows]
    answered = store.answered(ids, now=now) if rows else {}
    handled: set[str] = set()
    if rows:
        # Listening's tweets are not addressed to the account, so the owed engine does not
        # answer for them: the user's decision does, and a stored reply of theirs says when.
        with store.reading() as db:
            handled = {
                str(r[0])
                for r in db.execute(
                    "SELECT tweet_id FROM opportunities WHERE state = 'handled'"
                ).fetchall()
            } & set(ids)
        for tweet_id, at in _own_replies(store, handled - answered.keys(), now=now).items():
            answered[tweet_id] = at
    return [
        FeedbackRow(t, users.get(t.author_id), tagged[t.id], answered.get(t.id), t.id in handled)
        for t in rows
    ]


def _own_replies(store: Store, tweet_ids: set[str], *, now: datetime) -> dict[str, datetime]:
    """The account's earliest stored reply (by ``now``) to each of these tweets."""
    if not tweet_ids:
        return {}
    account_id = store.get_meta(META_ACCOUNT_ID)
    if account_id is None:
        return {}
    wanted = sorted(tweet_ids)
    found: dict[str, datetime] = {}
    with store.reading() as db:
        for start in range(0, len(wanted), 500):  # under SQLite's limit of parameters
            part = wanted[start : start + 500]
            rows = db.execute(
                "SELECT replied_to_id, created_at FROM tweets WHERE author_id = ? "
                f"AND replied_to_id IN ({', '.join('?' * len(part))})",
                [account_id, *part],
            ).fetchall()
            for target, created in rows:
                at = dt(created)
                if at <= now and (target not in found or at < found[target]):
                    found[str(target)] = at
    return found


def feedback_figures(
    store: Store, *, since: datetime | None = None, until: datetime | None = None
) -> list[TagFigure]:
    tagged = feedback.all_tags(store)
    return tag_figures(store.tweets(tagged), tagged, since=since, until=until)


def period(days: int, now: datetime) -> tuple[datetime, datetime]:
    """The last ``days`` days up to ``now``."""
    return now - timedelta(days=days), now
