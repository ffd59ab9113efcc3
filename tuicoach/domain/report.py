"""How am I doing: the account's figures over a period (pure; no Textual, no store).

The definitions, as the README states them:

- An **addressed** tweet is one the owed engine (:mod:`tuicoach.domain.owed`)
  says someone else addressed to the user: an @mention, a reply to one of the
  user's tweets, or a quote of one. Its **first reply** is the owed engine's:
  the user's earliest later reply to it, or to its author later in the same
  conversation.
- The period counts the addressed tweets that *arrived* in it
  (``since <= created_at < until``). Tweets marked "no reply needed" (spam is
  one of its reasons) and tweets from muted accounts leave the reply rate;
  snoozed ones stay in it. A tweet counts as answered when its first reply came
  by the end of the period (``until``, or ``now`` if earlier).
- **Business hours** are judged by the incoming tweet's time, in the user's
  zone (the machine's local zone unless the config names one), so a tweet at
  16:59 local is in business hours on both sides of a DST change.
- Median and 90th percentile: the median of an even count is the mean of the
  two middle values; the 90th percentile is the nearest-rank value (the
  smallest delay that at least 90% of the replies were no slower than).
- The **owed backlog** of a day is the owed count at the end of that local day
  (or at ``now`` for today): the people (authors) with an addressed tweet that
  had arrived, was not yet answered, not dismissed, not snoozed at that moment,
  and not from a muted account; the tweets themselves are counted beside them.
  Older tweets still owed count too. "N owed" everywhere counts people, as the
  Mentions pane does (two mentions from one person count once).
- **Promotional share** per ISO week (local, weeks start on Monday): the user's
  own tweets (retweets aside) that the coach calls promotional, over all of
  them, against the ``promo-balance`` line (1 in 4 by default).
- **Posts by hour and weekday**: the user's broadcasts (own tweets that are
  neither replies nor retweets), counted by local hour and day of the week,
  with the replies and likes they earned (their ``public_metrics``).
- **Per person** (a team on one account): who sent each of the account's
  replies comes from the backend (``reply_authors``: reply tweet id -> the
  teammate's name). A person's **replies** are the account's replies to
  someone else posted in the period by them; they **answered** the period's
  answered addressed tweets (as above) whose first reply they sent (one reply
  can answer two tweets of one person),
  with the median and 90th percentile of those delays. Replies with no name
  on record (a solo user, or posted from the service's own app) are one row
  with no name.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import accumulate
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tuicoach.domain.models import Tweet, isoformat
from tuicoach.domain.owed import Band, Mark, MarkKind, OwedTracker, collector_paused

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOUR = timedelta(hours=1)


class ReportError(ValueError):
    """A setting the report cannot use; the message names it and the way out."""


def zone(name: str | None) -> tzinfo | None:
    """The named IANA zone, or ``None`` for the machine's local zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/London' "
            "or 'America/New_York', or leave it out for this machine's zone"
        ) from None


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    """``moment`` in ``tz`` (``None``: the machine's zone, DST included)."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """When the business is open: ``start`` to ``end`` (end excluded) on ``days``
    (0 is Monday), in ``tz`` (``None``: the machine's local zone)."""

    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = frozenset(range(5))
    tz: tzinfo | None = None

    @classmethod
    def of(
        cls,
        *,
        start: str = "09:00",
        end: str = "17:00",
        days: Iterable[str] = ("Mon", "Tue", "Wed", "Thu", "Fri"),
        timezone: str | None = None,
    ) -> BusinessHours:
        """From config-style values: ``"09:00"``, ``["Mon", ...]``, an IANA zone name."""

        def clock(value: str, key: str) -> time:
            try:
                return time.fromisoformat(value)
            except ValueError:
                raise ReportError(f"{key} = {value!r}: write a time of day as HH:MM") from None

        numbers = set()
        for day in days:
            short = day.strip()[:3].title()
            if short not in WEEKDAYS:
                raise ReportError(f"business day {day!r}: use Mon, Tue, Wed, Thu, Fri, Sat, Sun")
            numbers.add(WEEKDAYS.index(short))
        hours = cls(clock(start, "start"), clock(end, "end"), frozenset(numbers), zone(timezone))
        if hours.end <= hours.start:
            raise ReportError(f"business hours end ({end}) must come after they start ({start})")
        return hours

    def contains(self, moment: datetime) -> bool:
        here = local(moment, self.tz)
        return here.weekday() in self.days and self.start <= here.time() < self.end


# --- figures ---------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value at least ``share`` of the values are no greater than."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class ReplyTimes:
    """First replies to a set of addressed tweets."""

    addressed: int
    answered: int
    within_hour: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, addressed: int, delays: list[float]) -> ReplyTimes:
        return cls(
            addressed=addressed,
            answered=len(delays),
            within_hour=sum(1 for d in delays if d <= HOUR.total_seconds()),
            median_seconds=median(delays),
            p90_seconds=percentile(delays, 0.9),
        )

    @property
    def reply_rate(self) -> float | None:
        return self.answered / self.addressed if self.addressed else None

    @property
    def within_hour_rate(self) -> float | None:
        return self.within_hour / self.addressed if self.addressed else None

    def to_json(self) -> dict[str, Any]:
        return {
            "addressed": self.addressed,
            "answered": self.answered,
            "reply_rate": self.reply_rate,
            "replied_within_hour": self.within_hour_rate,
            "median_seconds": self.median_seconds,
            "p90_seconds": self.p90_seconds,
        }


@dataclass(frozen=True, slots=True)
class WeekShare:
    week: date  # the Monday that starts it
    tweets: int
    promotional: int

    @property
    def share(self) -> float | None:
        return self.promotional / self.tweets if self.tweets else None

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week.isoformat(),
            "tweets": self.tweets,
            "promotional": self.promotional,
            "share": self.share,
        }


@dataclass(frozen=True, slots=True)
class Slot:
    """Broadcasts posted in one hour of the day (or one weekday), and what they earned."""

    posts: int = 0
    replies: int = 0
    likes: int = 0

    def add(self, tweet: Tweet) -> Slot:
        return Slot(
            self.posts + 1, self.replies + tweet.metrics.replies, self.likes + tweet.metrics.likes
        )

    @property
    def per_post(self) -> float | None:
        """Replies and likes per post."""
        return (self.replies + self.likes) / self.posts if self.posts else None

    def to_json(self) -> dict[str, Any]:
        return {"posts": self.posts, "replies": self.replies, "likes": self.likes}


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """One teammate's share of the replies: ``name`` ``None`` for replies with no name."""

    name: str | None
    replies: int
    first_replies: ReplyTimes

    def to_json(self) -> dict[str, Any]:
        times = self.first_replies
        return {
            "name": self.name,
            "replies": self.replies,
            "answered": times.answered,
            "replied_within_hour": times.within_hour,
            "median_seconds": times.median_seconds,
            "p90_seconds": times.p90_seconds,
        }


@dataclass(frozen=True, slots=True)
class AccountReport:
    since: datetime
    until: datetime
    first_reply: ReplyTimes
    by_band: Mapping[str, ReplyTimes]
    business_hours: ReplyTimes
    off_hours: ReplyTimes
    backlog: tuple[tuple[date, int], ...]  # people owed at each day's end
    promo_weeks: tuple[WeekShare, ...]
    promo_line: float
    by_hour: tuple[Slot, ...]  # 24, local hours
    by_weekday: tuple[Slot, ...]  # 7, Monday first
    heatmap: tuple[tuple[int, ...], ...]  # posts, [weekday][hour]
    own_tweets: int = 0
    last_post: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    backlog_tweets: tuple[int, ...] = ()  # the owed tweets at each day's end, beside the people
    #: Per teammate (named ones first, most replies first; the unnamed row last); empty when
    #: the report was not asked who sent the replies.
    by_person: tuple[PersonFigures, ...] = ()

    @property
    def has_team(self) -> bool:
        """Someone is named: a ``[team]`` is set here, or a teammate's replies are on record."""
        return any(p.name is not None for p in self.by_person)

    @property
    def reply_rate(self) -> float | None:
        return self.first_reply.reply_rate

    @property
    def replied_within_hour(self) -> float | None:
        return self.first_reply.within_hour_rate

    @property
    def promo_share(self) -> float | None:
        tweets = sum(w.tweets for w in self.promo_weeks)
        return sum(w.promotional for w in self.promo_weeks) / tweets if tweets else None

    def tweet_counts(self) -> tuple[int, ...]:
        """The owed tweets at each day's end (as many as :attr:`backlog` has days)."""
        return self.backlog_tweets or tuple(n for _, n in self.backlog)

    def best_hours(self, count: int = 3) -> list[int]:
        """The local hours whose posts earned most per post (at least one post each)."""
        ranked = [(s.per_post, h) for h, s in enumerate(self.by_hour) if s.per_post is not None]
        ranked.sort(key=lambda p: (-(p[0] or 0), p[1]))
        return [h for _, h in ranked[:count]]

    def to_json(self) -> dict[str, Any]:
        first = self.first_reply
        return {
            "since": isoformat(self.since),
            "until": isoformat(self.until),
            "addressed": first.addressed,
            "answered": first.answered,
            "reply_rate": self.reply_rate,
            "replied_within_hour": self.replied_within_hour,
            "first_reply": {
                "median_seconds": first.median_seconds,
                "p90_seconds": first.p90_seconds,
                "by_band": {band: t.to_json() for band, t in self.by_band.items()},
                "business_hours": self.business_hours.to_json(),
                "off_hours": self.off_hours.to_json(),
            },
            "backlog": [
                {"day": d.isoformat(), "owed": n, "tweets": t}
                for (d, n), t in zip(self.backlog, self.tweet_counts(), strict=True)
            ],
            "promo_share": {
                "line": self.promo_line,
                "overall": self.promo_share,
                "weeks": [w.to_json() for w in self.promo_weeks],
            },
            "posts_by_hour": [s.to_json() | {"hour": h} for h, s in enumerate(self.by_hour)],
            "posts_by_weekday": [
                s.to_json() | {"day": WEEKDAYS[d]} for d, s in enumerate(self.by_weekday)
            ],
            "posts_heatmap": [list(row) for row in self.heatmap],
            "best_hours": self.best_hours(),
            "own_tweets": self.own_tweets,
            "last_post": None if self.last_post is None else isoformat(self.last_post),
            "by_person": [p.to_json() for p in self.by_person],
        }


def _owed_intervals(
    created: datetime, stop: datetime | None, mark: Mark | None
) -> list[tuple[datetime, datetime | None]]:
    """When a tweet was on the owed list: from arrival to ``stop`` (its first reply;
    ``None``: never), less the time a mark hid it. ``None`` as an end means still owed."""
    if mark is None:
        return [(created, stop)]
    hide_from = max(mark.at, created)
    hide_until = None if mark.kind is MarkKind.NO_REPLY else mark.until
    spans: list[tuple[datetime, datetime | None]] = []

    def keep(start: datetime, finish: datetime | None) -> None:
        if finish is None or finish > start:
            spans.append((start, finish))

    keep(created, hide_from if stop is None else min(stop, hide_from))
    if hide_until is not None:
        keep(max(created, hide_until), stop)
    return spans


# Tens of thousands of small objects and no cycles: the cyclic collector would walk every
# live object (the tracker's included) again and again as they pile up.
@collector_paused()
def build_report(
    tracker: OwedTracker,
    own_tweets: Iterable[Tweet],
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    hours: BusinessHours | None = None,
    marks: Mapping[str, Mark] | None = None,
    muted: frozenset[str] = frozenset(),
    is_promotional: Callable[[Tweet], bool] = lambda _t: False,
    promo_line: float = 0.25,
    reply_authors: Mapping[str, str] | None = None,
    people: Iterable[str] = (),
) -> AccountReport:
    """Every figure of the account over ``since``..``until``; see the module's definitions.

    ``reply_authors`` (reply tweet id -> who sent it) adds the per-person table; ``people``
    are listed in it even with nothing sent (the person at this machine).
    """
    if until <= since:
        raise ReportError(
            f"the period ends ({isoformat(until)}) before it starts ({isoformat(since)}): "
            "give --since a date before --until"
        )
    hours = hours or BusinessHours()
    tz = hours.tz
    marks = marks or {}
    end = min(until, now)
    if reply_authors is not None:
        own_tweets = list(own_tweets)  # read twice: for the first replies, then the figures
    firsts: list[tuple[Tweet, datetime, float]] = []  # answered in the period, for per person

    all_delays: list[float] = []
    addressed = 0
    band_data: dict[str, tuple[list[int], list[float]]] = {
        b.value: ([0], []) for b in Band if b is not Band.SPAM
    }
    open_data: tuple[list[int], list[float]] = ([0], [])
    shut_data: tuple[list[int], list[float]] = ([0], [])
    # Backlog events: (moment, +1 owed / -1 not owed any more, whose).
    events: list[tuple[datetime, int, str]] = []
    normal = Band.NORMAL.value
    not_spam = MarkKind.NOT_SPAM
    no_reply = MarkKind.NO_REPLY
    is_spam = tracker.is_spam
    # Only the tweets a figure needs are classified: those in the period (their
    # band), and those on the backlog (whether they are spam, a cheaper test).
    # The hot loop (every addressed tweet), kept plain.
    get_mark = marks.get if marks else None
    add_event = events.append
    # hours.contains, unrolled below: the incoming tweet's local time, the open days and hours.
    open_days, opens, closes = hours.days, hours.start, hours.end
    band_of = tracker.band
    spam = Band.SPAM
    for tweet, answered_at in tracker.iter_addressed():
        created = tweet.created_at
        if created > now or tweet.author_id in muted:
            continue
        mark = get_mark(tweet.id) if get_mark is not None else None
        stop = answered_at if answered_at is not None and answered_at <= now else None
        on_backlog = stop is None or stop > since or mark is not None
        in_period = since <= created < until and (mark is None or mark.kind is not no_reply)
        if not (on_backlog or in_period):
            continue
        # Probably spam is owed nothing: out of the backlog and the reply rate. A tweet of
        # the period is read whole (its band is needed), which says whether it is spam too;
        # the backlog's older tweets need only the cheaper spam test.
        spam_counts = mark is None or mark.kind is not not_spam
        if in_period:
            band = band_of(tweet.id)
            if spam_counts and band is spam:
                continue
        elif spam_counts and is_spam(tweet.id):
            continue
        # The backlog: owed from arrival to the first reply, less any time a mark hides it.
        if on_backlog:
            author = tweet.author_id
            if mark is None:  # the common case: one span, from arrival to the answer
                if stop is None:
                    add_event((created, 1, author))
                elif stop > since:
                    add_event((created, 1, author))
                    add_event((stop, -1, author))
            else:
                for start, finish in _owed_intervals(created, stop, mark):
                    if finish is not None and finish <= since:
                        continue  # over before the period: no day's end sees it
                    add_event((start, 1, author))
                    if finish is not None:
                        add_event((finish, -1, author))
        # The reply figures: arrivals in the period, dismissed ones left out.
        if not in_period:
            continue
        addressed += 1
        here = created.astimezone(tz) if tz is not None else created.astimezone()
        bucket = (
            open_data
            if here.weekday() in open_days and opens <= here.time() < closes
            else shut_data
        )
        counts, delays = band_data[normal if band is spam else band.value]
        counts[0] += 1
        bucket[0][0] += 1
        if answered_at is not None and answered_at <= end:
            delay = max((answered_at - created).total_seconds(), 0.0)
            if reply_authors is not None:
                firsts.append((tweet, answered_at, delay))
            all_delays.append(delay)
            delays.append(delay)
            bucket[1].append(delay)

    backlog, backlog_tweets = _backlog(events, since=since, end=end, tz=tz)

    weeks: dict[date, list[int]] = {}
    by_hour = [Slot()] * 24
    by_weekday = [Slot()] * 7
    heat = [[0] * 24 for _ in range(7)]
    own_count = 0
    last_post: datetime | None = None
    for tweet in own_tweets:
        created = tweet.created_at
        if created > now or tweet.retweeted_id is not None:
            continue  # not happened yet, or a retweet: neither a post nor a figure's
        if last_post is None or created > last_post:
            last_post = created
        if not since <= created < until:
            continue
        own_count += 1
        here = local(created, tz)
        monday = here.date() - timedelta(days=here.weekday())
        week = weeks.setdefault(monday, [0, 0])
        week[0] += 1
        if is_promotional(tweet):
            week[1] += 1
        if tweet.replied_to_id is None:
            hour, weekday = here.hour, here.weekday()
            by_hour[hour] = by_hour[hour].add(tweet)
            by_weekday[weekday] = by_weekday[weekday].add(tweet)
            heat[weekday][hour] += 1

    return AccountReport(
        since=since,
        until=until,
        first_reply=ReplyTimes.of(addressed, all_delays),
        by_band={b: ReplyTimes.of(c[0], d) for b, (c, d) in band_data.items()},
        business_hours=ReplyTimes.of(open_data[0][0], open_data[1]),
        off_hours=ReplyTimes.of(shut_data[0][0], shut_data[1]),
        backlog=backlog,
        backlog_tweets=backlog_tweets,
        promo_weeks=tuple(WeekShare(w, t, p) for w, (t, p) in sorted(weeks.items())),
        promo_line=promo_line,
        by_hour=tuple(by_hour),
        by_weekday=tuple(by_weekday),
        heatmap=tuple(tuple(row) for row in heat),
        own_tweets=own_count,
        last_post=last_post,
        by_person=()
        if reply_authors is None
        else _by_person(
            firsts,
            own_tweets,  # a list by now
            reply_authors,
            people,
            account_id=tracker.account_id,
            since=since,
            until=until,
            now=now,
        ),
    )


def _by_person(
    firsts: list[tuple[Tweet, datetime, float]],
    own_tweets: Iterable[Tweet],
    reply_authors: Mapping[str, str],
    people: Iterable[str],
    *,
    account_id: str,
    since: datetime,
    until: datetime,
    now: datetime,
) -> tuple[PersonFigures, ...]:
    """Each person's replies in the period and the first replies they sent (see above)."""
    replies: dict[str | None, int] = dict.fromkeys(people, 0)
    delays: dict[str | None, list[float]] = {name: [] for name in replies}
    wanted = {answered_at for _, answered_at, _ in firsts}
    at_moment: dict[datetime, list[Tweet]] = {}  # the account's first replies, by their moment
    for tweet in own_tweets:
        if tweet.replied_to_id is None or tweet.retweeted_id is not None:
            continue
        created = tweet.created_at
        if created in wanted:
            at_moment.setdefault(created, []).append(tweet)
        if since <= created < until and created <= now and tweet.in_reply_to_user_id != account_id:
            name = reply_authors.get(tweet.id)
            replies[name] = replies.get(name, 0) + 1
    for addressed, answered_at, delay in firsts:
        # The first reply is the account's reply made at that moment: the one answering this
        # tweet, else one in its conversation (to its author), else any (none is unknown).
        made = at_moment.get(answered_at, [])
        reply = next(
            (r for r in made if r.replied_to_id == addressed.id),
            next(
                (
                    r
                    for r in made
                    if r.conversation_id and r.conversation_id == addressed.conversation_id
                ),
                made[0] if made else None,
            ),
        )
        name = None if reply is None else reply_authors.get(reply.id)
        delays.setdefault(name, []).append(delay)
    names = set(replies) | set(delays)
    rows = [
        PersonFigures(
            name,
            replies.get(name, 0),
            ReplyTimes.of(len(delays.get(name, [])), delays.get(name, [])),
        )
        for name in names
        if name is not None or replies.get(name) or delays.get(name)
    ]
    rows.sort(key=lambda p: (p.name is None, -p.replies, -p.first_replies.answered, p.name or ""))
    return tuple(rows)


def _backlog(
    events: list[tuple[datetime, int, str]], *, since: datetime, end: datetime, tz: tzinfo | None
) -> tuple[tuple[tuple[date, int], ...], tuple[int, ...]]:
    """The people owed, and the tweets owed, at the end of each local day from ``since``
    to ``end``."""
    moment = itemgetter(0)
    events.sort(key=moment)
    times = list(map(moment, events))
    running = list(accumulate(map(itemgetter(1), events)))  # the tweets owed after each
    people: list[int] = []  # the people owed after each
    waiting = 0
    per_author: dict[str, int] = {}
    count_of, after = per_author.get, people.append
    for _, delta, author in events:
        had = count_of(author, 0)
        per_author[author] = had + delta
        if delta > 0:
            if had == 0:
                waiting += 1
        elif had == 1:
            waiting -= 1
        after(waiting)
    days: list[tuple[date, int]] = []
    tweets: list[int] = []
    day = local(since, tz).date()
    last = local(end, tz).date()
    while day <= last:
        midnight = datetime.combine(day + timedelta(days=1), time(0))
        # The next local midnight, as an aware instant (DST-safe: fold resolves the gap).
        stamp = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
        # Events exactly at midnight belong to the next day; at the period's end, the owed
        # list as it is then: what happened at that very moment counts. Either way every
        # event of one moment is in or out together, so their order does not matter.
        at = bisect.bisect_left(times, stamp) if stamp < end else bisect.bisect_right(times, end)
        days.append((day, people[at - 1] if at else 0))
        tweets.append(running[at - 1] if at else 0)
        day += timedelta(days=1)
    return tuple(days), tuple(tweets)
