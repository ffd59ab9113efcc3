"""The pay-per-use meter: what tuicoach read and wrote on X each UTC day, and what it cost.

X bills per item (since 2026-04-20: $0.005 a post read, $0.001 an owned read
of the account's own lists, $0.010 a user read, $0.015 a post created, $0.200
one with a URL, $0.010 a reply to a post that summoned the account; a post was
$0.010 with or without a URL before), and a repeat read of the same item within
a UTC day is free. The store counts reads of distinct items
per UTC day and writes per kind; the prices come from a dated table in the
config, so a price change is one new row, and old days keep their old price.

Imports only the standard library and the store, so the app's status bar can
show today's spend without loading tweepy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tuicoach.backends.x import usage_store
from tuicoach.domain.twittertext import extract_urls
from tuicoach.store import Store

# Metric names in the store's daily usage counters.
POST_READS = "post_reads"
USER_READS = "user_reads"
POSTS_CREATED = "posts_created"
POSTS_CREATED_URL = "posts_created_url"
REQUESTS = "requests"
# From 2026-04-20 (X-API-2026.md): the account's own reads, summoned replies, counts requests.
OWNED_READS = "owned_reads"
POSTS_CREATED_REPLY = "posts_created_reply"
COUNTS_REQUESTS = "counts_requests"
# A breakdown, already inside post_reads / user_reads: what listening's searches read.
SEARCH_POST_READS = "search_post_reads"
SEARCH_USER_READS = "search_user_reads"
SEARCH_REQUESTS = "search_requests"
METRICS = (
    POST_READS,
    USER_READS,
    POSTS_CREATED,
    POSTS_CREATED_URL,
    REQUESTS,
    OWNED_READS,
    POSTS_CREATED_REPLY,
    COUNTS_REQUESTS,
    SEARCH_POST_READS,
    SEARCH_USER_READS,
    SEARCH_REQUESTS,
)


@dataclass(frozen=True, slots=True)
class Prices:
    """X's prices in US dollars from ``since`` (a UTC day) until the next row."""

    since: date
    post_read: float
    user_read: float
    post_create: float
    post_create_url: float


DEFAULT_PRICE_TABLE: tuple[Prices, ...] = (
    # Pay-per-use as launched (2026-02-06): a post was $0.010, with a URL or without.
    Prices(
        date(2026, 2, 1), post_read=0.005, user_read=0.010, post_create=0.010, post_create_url=0.010
    ),
    # x-api/getting-started/pricing.mdx, as of 2026-04-20 (X-API-2026.md).
    Prices(
        date(2026, 4, 20),
        post_read=0.005,
        user_read=0.010,
        post_create=0.015,
        post_create_url=0.200,
    ),
)


@dataclass(frozen=True, slots=True)
class UnitPrices:
    """The units X prices apart, from ``since`` until the next row.

    ``owned_read`` (the account's own mentions, tweets...) and
    ``summoned_reply`` (a reply to a post that summoned the account) are
    ``None`` before X priced them apart: a post read and a post create then.
    ``counts_request`` is per ``/2/tweets/counts/recent`` request.

    The config's ``[[pricing.table]]`` rows may give these three keys; a row
    that leaves one out takes this default table's value for its date.
    """

    since: date
    owned_read: float | None = None
    summoned_reply: float | None = None
    counts_request: float = 0.005


DEFAULT_UNIT_TABLE: tuple[UnitPrices, ...] = (
    UnitPrices(date(2026, 2, 1)),
    UnitPrices(date(2026, 4, 20), owned_read=0.001, summoned_reply=0.010, counts_request=0.005),
)


def units_on(day: date, table: Sequence[UnitPrices] = DEFAULT_UNIT_TABLE) -> UnitPrices:
    rows = [row for row in table if row.since <= day]
    return max(rows, key=lambda row: row.since) if rows else UnitPrices(day)


@dataclass(frozen=True, slots=True)
class PricingSettings:
    """The config's ``[pricing]``: the dated price table, and whether to mention link costs."""

    table: tuple[Prices, ...] = DEFAULT_PRICE_TABLE
    link_tip: bool = True
    units: tuple[UnitPrices, ...] = DEFAULT_UNIT_TABLE  # owned reads, summoned replies, counts


def prices_on(day: date, table: Sequence[Prices] = DEFAULT_PRICE_TABLE) -> Prices | None:
    """The row in force on ``day``, or ``None`` before the table starts."""
    rows = [row for row in table if row.since <= day]
    return max(rows, key=lambda row: row.since) if rows else None


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def has_url(text: str) -> bool:
    """X prices a post with a URL differently."""
    return bool(extract_urls(text))


def link_cost_note(text: str, pricing: PricingSettings, day: date) -> str | None:
    """A word for the compose pane or ``tuicoach post`` when a link makes the post dearer."""
    prices = prices_on(day, pricing.table)
    if not pricing.link_tip or prices is None or not has_url(text):
        return None
    if prices.post_create_url <= prices.post_create:
        return None
    return (
        f"X charges ${prices.post_create_url:.3f} for a post with a link, "
        f"${prices.post_create:.3f} without."
    )


@dataclass(frozen=True, slots=True)
class DayUsage:
    """One UTC day's counts."""

    day: date
    post_reads: int = 0
    user_reads: int = 0
    posts_created: int = 0
    posts_created_url: int = 0
    requests: int = 0
    owned_reads: int = 0
    posts_created_reply: int = 0
    counts_requests: int = 0
    search_post_reads: int = 0  # of post_reads
    search_user_reads: int = 0  # of user_reads
    search_requests: int = 0  # of requests

    @classmethod
    def from_counts(cls, day: date, counts: Mapping[str, int]) -> DayUsage:
        return cls(day, **{m: int(counts.get(m, 0)) for m in METRICS})

    def cost(
        self,
        table: Sequence[Prices] = DEFAULT_PRICE_TABLE,
        units_table: Sequence[UnitPrices] = DEFAULT_UNIT_TABLE,
    ) -> float | None:
        """Dollars, or ``None`` when the table has no price for this day."""
        prices = prices_on(self.day, table)
        if prices is None:
            return None
        units = units_on(self.day, units_table)
        return (
            self.post_reads * prices.post_read
            + self.user_reads * prices.user_read
            + self.posts_created * prices.post_create
            + self.posts_created_url * prices.post_create_url
            + self.owned_reads
            * (prices.post_read if units.owned_read is None else units.owned_read)
            + self.posts_created_reply
            * (prices.post_create if units.summoned_reply is None else units.summoned_reply)
            + self.counts_requests * units.counts_request
        )

    @property
    def posts(self) -> int:
        """Every post created: plain, with a URL, and summoned replies."""
        return self.posts_created + self.posts_created_url + self.posts_created_reply

    def by_kind(
        self,
        table: Sequence[Prices] = DEFAULT_PRICE_TABLE,
        units_table: Sequence[UnitPrices] = DEFAULT_UNIT_TABLE,
    ) -> list[KindCost]:
        """Each priced unit of the day with its count and its unit price on that day
        (``None`` where the table has no price); the searches' part is in ``searched``."""
        prices = prices_on(self.day, table)
        units = units_on(self.day, units_table)

        def price(field: str) -> float | None:
            return None if prices is None else float(getattr(prices, field))

        owned = price("post_read") if units.owned_read is None else units.owned_read
        reply = price("post_create") if units.summoned_reply is None else units.summoned_reply
        return [
            KindCost("post reads", self.post_reads, price("post_read"), self.search_post_reads),
            KindCost("owned reads", self.owned_reads, owned if prices else None),
            KindCost("user reads", self.user_reads, price("user_read"), self.search_user_reads),
            KindCost("counts requests", self.counts_requests, units.counts_request),
            KindCost("posts", self.posts_created, price("post_create")),
            KindCost("posts with a URL", self.posts_created_url, price("post_create_url")),
            KindCost("summoned replies", self.posts_created_reply, reply if prices else None),
        ]


@dataclass(frozen=True, slots=True)
class KindCost:
    """One priced unit of a day: how many, at what price each, and how many were searches'."""

    kind: str
    count: int
    unit_price: float | None
    searched: int = 0

    @property
    def cost(self) -> float | None:
        return None if self.unit_price is None else self.count * self.unit_price


#: What the meter keeps its counts in: the account's store (tables in ``usage_store``).
UsageStore = Store


class Meter:
    """Counts what one account spends, in its store."""

    def __init__(self, store: UsageStore) -> None:
        self._store = store

    def read(
        self,
        *,
        posts: Iterable[str],
        users: Iterable[str],
        now: datetime,
        owned: Iterable[str] = (),
    ) -> tuple[int, int]:
        """Record one response and its items; return the (posts, users) X bills for it.

        ``owned``: posts of the account's own lists (``/mentions``, its own
        ``/tweets``), counted as ``owned_reads`` (X's owned-read price since
        2026-04-20); ``posts``: any other post read (the home timeline, a
        lookup, the tweets in ``includes``). The posts returned count both.
        """
        billed = usage_store.record(
            self._store,
            now=now,
            reads={"owned": owned, "post": posts, "user": users},
            counts={REQUESTS: 1},
        )
        return billed.get("owned", 0) + billed.get("post", 0), billed.get("user", 0)

    def request(self, *, now: datetime) -> None:
        usage_store.record(self._store, now=now, counts={REQUESTS: 1})

    def created(self, text: str, *, now: datetime, summoned_reply: bool = False) -> None:
        """Count a post; ``summoned_reply``: a reply to a post that summoned the account."""
        if has_url(text):
            metric = POSTS_CREATED_URL
        else:
            metric = POSTS_CREATED_REPLY if summoned_reply else POSTS_CREATED
        usage_store.record(self._store, now=now, counts={metric: 1})

    def searched(
        self, *, posts: Iterable[str], users: Iterable[str], now: datetime
    ) -> tuple[int, int]:
        """Record one search response: billed like any read, and counted as listening's."""
        billed = usage_store.record(
            self._store,
            now=now,
            reads={"post": posts, "user": users},
            counts={REQUESTS: 1, SEARCH_REQUESTS: 1},
        )
        post, user = billed.get("post", 0), billed.get("user", 0)
        if post or user:
            usage_store.record(
                self._store, now=now, counts={SEARCH_POST_READS: post, SEARCH_USER_READS: user}
            )
        return post, user

    def counted(self, *, now: datetime) -> None:
        """Record one counts request (billed per request, not per post counted)."""
        usage_store.record(self._store, now=now, counts={REQUESTS: 1, COUNTS_REQUESTS: 1})


def usage_days(store: UsageStore, first: date, last: date) -> list[DayUsage]:
    """Every UTC day from ``first`` to ``last``, zeros included, oldest first."""
    counts = usage_store.counts(store, first, last)
    days = (last - first).days + 1
    return [
        DayUsage.from_counts(day, counts.get(day, {}))
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def today(
    store: UsageStore,
    *,
    now: datetime | None = None,
    table: Sequence[Prices] = DEFAULT_PRICE_TABLE,
    units_table: Sequence[UnitPrices] = DEFAULT_UNIT_TABLE,
) -> tuple[DayUsage, float | None]:
    """Today's (UTC) usage and spend in dollars: what the status bar shows."""
    day = utc_day(now or datetime.now(UTC))
    usage = usage_days(store, day, day)[0]
    return usage, usage.cost(table, units_table)


def format_dollars(amount: float | None) -> str:
    if amount is None:
        return "price unknown"
    return f"${amount:,.3f}" if amount < 1 else f"${amount:,.2f}"
