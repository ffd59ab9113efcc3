"""Posting through the outbox: never the same tweet twice, never a lost draft.

A post is written to the store's outbox before it is sent, and marked
``sending`` just before each attempt. When X's answer is lost (a timeout, a
dropped connection, a 5xx: the tweet may or may not exist), tuicoach looks at
the account's own recent tweets for one with the same text and reply target,
created after the outbox entry, and adopts it instead of posting again. Only
when it is certainly not there is the post sent again. An item still
``sending`` when the process ends is checked the same way on the next sync.

A post that never reached X (connection refused) goes back to ``pending`` and
is sent on the next sync; one that X refused (too long, duplicate, no
permission) is marked ``failed`` with X's reason. Either way the draft stays
until the post is confirmed.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from tuicoach.backends.base import AccessError, AuthError, BackendError, Offline, RateLimited
from tuicoach.backends.x.client import XClient
from tuicoach.backends.x.cost import Meter
from tuicoach.backends.x.errors import ResponseLost, RetryPolicy
from tuicoach.backends.x.sync import keep_page
from tuicoach.domain.models import Mention, Tweet
from tuicoach.domain.twittertext import extract_mentions
from tuicoach.domain.xapi import PayloadError, tweet_from_json
from tuicoach.store import OutboxItem, OutboxState, Store

# Local and X clocks disagree a little: look for the tweet from this long before the entry.
CLOCK_SKEW = timedelta(minutes=2)
LOOKUP_PAGES = 2


def normalise(text: str) -> str:
    """Text as comparable after X has stored it: unescaped, NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", html.unescape(text)).split())


def expanded_text(raw: Mapping[str, Any]) -> str:
    """A tweet's text with X's t.co links put back to the URLs the author typed."""
    text = str(raw.get("text", ""))
    entities = raw.get("entities")
    urls = entities.get("urls", []) if isinstance(entities, Mapping) else []
    for url in urls:
        if isinstance(url, Mapping) and url.get("url") and url.get("expanded_url"):
            text = text.replace(str(url["url"]), str(url["expanded_url"]))
    return text


def _replied_to(raw: Mapping[str, Any]) -> str | None:
    for ref in raw.get("referenced_tweets") or []:
        if isinstance(ref, Mapping) and ref.get("type") == "replied_to":
            return str(ref.get("id"))
    return None


def is_the_post(item: OutboxItem, raw: Mapping[str, Any]) -> bool:
    """Is this tweet (X API JSON) the outbox item, already posted?"""
    if normalise(expanded_text(raw)) != normalise(item.text):
        return False
    if _replied_to(raw) != item.reply_to_id:
        return False
    try:
        created = datetime.fromisoformat(str(raw["created_at"]))
    except (KeyError, ValueError):
        return True  # same text and target; X always sends created_at when asked
    return bool(created >= item.created_at - CLOCK_SKEW)


class Outbox:
    """Deliver outbox items for one account."""

    def __init__(
        self,
        store: Store,
        client: XClient,
        meter: Meter,
        account_id: str,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
        retry: RetryPolicy,
        attempts: int = 3,
    ) -> None:
        self._store = store
        self._client = client
        self._meter = meter
        self._account_id = account_id
        self._clock = clock
        self._sleep = sleep
        self._retry = retry
        self._attempts = attempts

    def post(self, text: str, *, reply_to_id: str | None = None) -> Tweet:
        item = self._store.outbox_add(text, reply_to_id=reply_to_id, now=self._clock())
        return self.deliver(item)

    def reconcile(self) -> list[Tweet]:
        """Settle every item left pending or sending, oldest first; return those now posted.

        Stops at the first failure that is not about the item itself (offline,
        signed out, rate limited), leaving the rest for the next sync.
        """
        posted = []
        for item in self._store.outbox_pending():
            try:
                posted.append(self.deliver(item))
            except (Offline, AuthError, RateLimited):
                raise
            except BackendError:
                continue  # X refused this item (now marked failed); the next may be fine
        return posted

    def deliver(self, item: OutboxItem) -> Tweet:
        lost: BackendError | None = None
        for attempt in range(self._attempts):
            if item.state is OutboxState.SENDING:
                # An earlier attempt may have gone through: look before sending again.
                if attempt:
                    self._sleep(self._retry.delay(attempt - 1))
                if (found := self._find(item)) is not None:
                    return self._adopt(item, found)
            item = self._store.outbox_update(item.id, state=OutboxState.SENDING)
            self._meter.request(now=self._clock())
            try:
                data = self._client.create_tweet(item.text, reply_to_id=item.reply_to_id)
            except ResponseLost as exc:
                lost = exc
                continue
            except AccessError as exc:
                if "identical" in str(exc) and (found := self._find(item)) is not None:
                    return self._adopt(item, found)  # X says it already has this very post
                self._store.outbox_update(item.id, state=OutboxState.FAILED, error=str(exc))
                raise
            except Offline as exc:
                self._store.outbox_update(item.id, state=OutboxState.PENDING, error=str(exc))
                raise Offline(
                    f"{exc}. The post was not sent; it waits in the outbox and goes out "
                    "at the next sync (your draft is kept)."
                ) from exc
            except BackendError as exc:
                self._store.outbox_update(item.id, state=OutboxState.FAILED, error=str(exc))
                raise
            return self._confirm(item, data)
        self._sleep(self._retry.delay(self._attempts - 1))
        if (found := self._find(item)) is not None:
            return self._adopt(item, found)
        raise ResponseLost(
            f"{lost}. Your tweets do not show it yet; tuicoach will look again at the next "
            "sync before sending it again, so it cannot go out twice (your draft is kept)."
        )

    # -- finding a post whose answer was lost --------------------------------------

    def _find(self, item: OutboxItem) -> Mapping[str, Any] | None:
        """The account's own tweet matching ``item``, from X (a few reads); ``None`` if absent."""
        since = item.created_at - CLOCK_SKEW
        token: str | None = None
        for _ in range(LOOKUP_PAGES):
            got = self._client.timeline(
                "own", start_time=since, max_results=20, pagination_token=token
            )
            page = got.page
            keep_page(self._store, self._meter, "own", page, now=self._clock())
            data = got.raw.get("data")
            for raw in data if isinstance(data, list) else []:
                if isinstance(raw, Mapping) and is_the_post(item, raw):
                    return raw
            token = page.next_token
            if not token:
                break
        return None

    # -- recording the outcome ----------------------------------------------------

    def _adopt(self, item: OutboxItem, raw: Mapping[str, Any]) -> Tweet:
        try:
            tweet = tweet_from_json(raw, default_author_id=self._account_id)
        except PayloadError:
            tweet = self._local_tweet(item, str(raw["id"]), str(raw.get("text", item.text)))
        self._meter.created(item.text, now=self._clock())
        return self._record(item, tweet)

    def _confirm(self, item: OutboxItem, data: Mapping[str, Any]) -> Tweet:
        self._meter.created(item.text, now=self._clock())
        tweet = self._local_tweet(item, str(data["id"]), str(data.get("text") or item.text))
        return self._record(item, tweet)

    def _record(self, item: OutboxItem, tweet: Tweet) -> Tweet:
        self._store.upsert_tweets([tweet], stream="own")
        self._store.outbox_update(item.id, state=OutboxState.SENT, tweet_id=tweet.id)
        return tweet

    def _local_tweet(self, item: OutboxItem, tweet_id: str, text: str) -> Tweet:
        """The new tweet as far as we know it until the next sync brings X's copy."""
        parent = self._store.tweet(item.reply_to_id) if item.reply_to_id else None
        mentions = tuple(
            Mention(username=m.text.removeprefix("@"), start=m.start, end=m.end)
            for m in extract_mentions(text)
        )
        return Tweet(
            id=tweet_id,
            text=text,
            created_at=self._clock(),
            author_id=self._account_id,
            conversation_id=(parent.conversation_id or parent.id) if parent else tweet_id,
            in_reply_to_user_id=parent.author_id if parent else None,
            replied_to_id=item.reply_to_id,
            mentions=mentions,
        )
