"""Fetching the three streams incrementally, inside X's limits, reading each tweet once.

Each stream (home timeline, mentions, own tweets) keeps the newest id it has
seen in the store and asks X only for tweets after it (``since_id``). The
first sync backfills a bounded number of pages. A stream is not asked again
sooner than X's per-user limit allows (home 180, mentions 300 requests per 15
minutes), whoever asks: the app's timer, a manual refresh or ``tuicoach
sync``; the time of the last fetch and the last ``x-rate-limit-*`` headers are
kept in the store so separate runs respect them too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tuicoach.backends.base import AuthError, BackendError, Offline, RateLimited
from tuicoach.backends.x.client import FEATURES, RateLimit, XClient
from tuicoach.backends.x.cost import Meter
from tuicoach.backends.x.errors import rate_limited
from tuicoach.backends.x.settings import LIMITS, XSettings, min_interval
from tuicoach.domain.xapi import Page
from tuicoach.store import Store

STREAMS = ("mentions", "home", "own")  # mentions first: owed replies matter most
#: The account's own lists, which X bills as owned reads (X-API-2026.md; the home
#: timeline is not one of them). Their ``includes`` are post and user reads.
OWNED_STREAMS = frozenset({"mentions", "own"})


@dataclass(frozen=True, slots=True)
class StreamResult:
    """What happened to one stream in one sync."""

    stream: str
    fetched: int = 0  # tweets in ``data`` (new to this stream)
    pages: int = 0
    post_reads: int = 0  # billed: posts not already read today
    user_reads: int = 0
    next_due: datetime | None = None  # skipped: too soon after the last fetch
    error: BackendError | None = None
    gap: bool = False  # more was new than the catch-up bound; the oldest were skipped
    backfill: bool = False
    refused: tuple[str, ...] = ()  # what X sent beyond what was asked, dropped unstored


class Pacer:
    """When each stream may be asked again, kept in the store (one meta entry per stream).

    The entry holds when the stream was last fetched, with how many requests,
    and the last ``x-rate-limit-*`` headers seen; it is written once per fetch.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def _load(self, stream: str) -> dict[str, Any]:
        raw = self._store.get_meta(f"x.pace.{stream}")
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            value = {}  # unreadable: behave as if never fetched; X's 429 still protects
        return value if isinstance(value, dict) else {}

    def next_due(self, stream: str, now: datetime) -> datetime | None:
        """``None`` if ``stream`` may be fetched now, else the earliest moment it may."""
        pace = self._load(stream)
        if "fetched_at" not in pace:
            return None
        last = datetime.fromisoformat(pace["fetched_at"])
        gap = min_interval(stream) * max(1, int(pace.get("requests", 1)))
        due = last + timedelta(seconds=gap)
        return due if now < due else None

    def blocked_until(self, stream: str, now: datetime) -> RateLimited | None:
        """The 429 still in force for ``stream`` (from the last headers), if any."""
        pace = self._load(stream)
        if pace.get("remaining") != 0 or "reset" not in pace:
            return None
        until = datetime.fromtimestamp(int(pace["reset"]), UTC)
        if now >= until:
            return None
        return rate_limited(FEATURES[stream], until, pace.get("limit") or LIMITS[stream])

    def record(
        self, stream: str, *, now: datetime, requests: int, fetched: bool, rate: RateLimit | None
    ) -> None:
        pace = self._load(stream)
        if fetched:
            pace["fetched_at"] = now.isoformat()
            pace["requests"] = max(1, requests)
        if rate is not None:
            pace |= {
                "limit": rate.limit,
                "remaining": rate.remaining,
                "reset": int(rate.reset.timestamp()),
            }
        self._store.set_meta(f"x.pace.{stream}", json.dumps(pace))


class StreamSync:
    """Fetch the streams that are due into the store, counting what X bills."""

    def __init__(
        self,
        store: Store,
        client: XClient,
        settings: XSettings,
        meter: Meter,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._client = client
        self._settings = settings
        self._meter = meter
        self._clock = clock
        self.pacer = Pacer(store)

    def run(self, streams: tuple[str, ...] = STREAMS) -> list[StreamResult]:
        """Each due stream once. Stops early when X is unreachable or rejects the sign-in."""
        results: list[StreamResult] = []
        for stream in streams:
            result = self.fetch(stream)
            results.append(result)
            if isinstance(result.error, AuthError | Offline):
                break  # signed out or offline: the other streams would fail the same way
        return results

    def fetch(self, stream: str) -> StreamResult:
        now = self._clock()
        if (blocked := self.pacer.blocked_until(stream, now)) is not None:
            return StreamResult(stream, error=blocked)
        if (due := self.pacer.next_due(stream, now)) is not None:
            return StreamResult(stream, next_due=due)

        cursor = self._store.cursor(stream)
        backfill = cursor is None
        max_pages = self._settings.backfill_pages if backfill else self._settings.catch_up_pages
        params: dict[str, object] = {"max_results": self._settings.page_size}
        if cursor is not None:
            params["since_id"] = cursor
        newest: str | None = None
        fetched = pages = post_reads = user_reads = 0
        token: str | None = None
        error: BackendError | None = None
        refused: list[str] = []
        while pages < max_pages:
            try:
                got = self._client.timeline(stream, pagination_token=token, **params)
            except BackendError as exc:
                error = exc
                break
            pages += 1
            page = got.page
            if got.refused:
                refused.append(got.refused)
            if newest is None and page.newest_id:
                newest = page.newest_id
            # Counted before the page is stored: the tweets this stream did not have yet.
            known = self._store.in_stream(stream, (t.id for t in page.tweets))
            fetched += sum(1 for t in page.tweets if t.id not in known)
            posts, users = keep_page(self._store, self._meter, stream, page, now=self._clock())
            post_reads += posts
            user_reads += users
            token = page.next_token
            if not token:
                break
        self.pacer.record(
            stream,
            now=self._clock(),
            requests=pages,
            fetched=bool(pages) or error is None,
            rate=self._client.rate_limits.get(stream),
        )
        gap = error is None and token is not None and not backfill
        if newest is not None and error is None:
            # Only a complete fetch moves the cursor: after a failure midway the
            # next sync asks again from the old cursor rather than leave a hole.
            self._store.set_cursor(stream, newest, now=self._clock())
        return StreamResult(
            stream,
            fetched=fetched,
            pages=pages,
            post_reads=post_reads,
            user_reads=user_reads,
            error=error,
            gap=gap,
            backfill=backfill,
            refused=tuple(refused),
        )


def keep_page(
    store: Store, meter: Meter, stream: str, page: Page, *, now: datetime
) -> tuple[int, int]:
    """Store a page of ``stream`` with the users and tweets it brought; count what X bills.

    Returns the (posts, users) reads billed for it, as :meth:`Meter.read` does.
    The posts of the account's own lists (:data:`OWNED_STREAMS`) are owned reads.
    """
    store.upsert_users(page.users)
    store.upsert_tweets(page.included_tweets)
    store.upsert_tweets(page.tweets, stream=stream)
    listed = [t.id for t in page.tweets]
    owned = stream in OWNED_STREAMS
    return meter.read(
        owned=listed if owned else (),
        posts=[*([] if owned else listed), *(t.id for t in page.included_tweets)],
        users=[u.id for u in page.users],
        now=now,
    )
