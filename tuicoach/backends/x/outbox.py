"""Posting through the outbox: exactly once, and nothing lost.

Every post has an outbox record before any byte of it goes to X, tied to the
draft it came from. A record is

- ``pending``: never tried (or it certainly never reached X: connection refused);
- ``sending``, "in flight": tried, and no readable answer came back. A
  timeout, a dropped connection, a 5xx, a 2xx cut short, empty, HTML or
  without the new id: X may have stored the tweet;
- ``sent``: X's id is known, from its answer or from finding the tweet;
- ``failed``: X said no, readably (too long, duplicate, no permission).

An in-flight record is never sent again until tuicoach has established that X
does not have it: the account's own tweets are searched for one with the same
text and reply target, and an empty result only counts once the search was made
at least ``timeout + margin`` after the attempt went out. The timeout bounds
how long X could still have been reading the request; the margin covers X
storing it late (work still in progress when the answer was lost, measured at
1.5 s) and its own-tweets list lagging behind a write (2, 5 and 30 s seen):
:data:`SETTLE_MARGIN` is twice the longest lag seen. Until then the post is
"unconfirmed", never "not sent".

When X turns out to have it, the record is marked sent, the tweet is stored
among the account's own, and the draft is deleted, in one transaction
(:meth:`Store.outbox_sent`), so a replied-to mention leaves the owed list for
every process that reads the file.
"""

from __future__ import annotations

import html
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tuicoach.backends.base import (
    AccessError,
    AuthError,
    BackendError,
    Offline,
    RateLimited,
    TeammateAnswered,
)
from tuicoach.backends.x import outbox_store
from tuicoach.backends.x.client import XClient
from tuicoach.backends.x.cost import Meter
from tuicoach.backends.x.errors import (
    AlreadyPosted,
    ResponseLost,
    RetryPolicy,
    Unconfirmed,
    local_hhmm,
)
from tuicoach.backends.x.sync import keep_page
from tuicoach.domain.models import Mention, Tweet
from tuicoach.domain.twittertext import extract_mentions
from tuicoach.domain.xapi import PayloadError, tweet_from_json
from tuicoach.store import OutboxItem, OutboxState, Store

# Local and X clocks disagree a little: look for the tweet from this long before the entry.
CLOCK_SKEW = timedelta(minutes=2)
#: How long after ``timeout`` an empty lookup is still not proof: twice the
#: longest own-tweets lag measured against a slow X (30 s).
SETTLE_MARGIN = timedelta(seconds=60)
LOOKUP_PAGES = 5
LOOKUP_PAGE_SIZE = 100
#: A post with the same text and target sent this recently is "already posted".
RECENT = timedelta(days=1)

#: Benchmarks and tests that scale time down set this (seconds); users never need to.
MARGIN_ENV = "TUICOACH_X_SETTLE_MARGIN"


def settle_margin() -> timedelta:
    """:data:`SETTLE_MARGIN`, or ``$TUICOACH_X_SETTLE_MARGIN`` seconds when set and sane."""
    try:
        seconds = float(os.environ.get(MARGIN_ENV, ""))
    except ValueError:
        return SETTLE_MARGIN
    return timedelta(seconds=seconds) if 0 <= seconds <= 3600 else SETTLE_MARGIN


HOW_TO_CHECK = "`tuicoach outbox` shows it; `tuicoach outbox resolve` checks X again"


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
    try:
        return bool(created >= item.created_at - CLOCK_SKEW)
    except (TypeError, OverflowError):
        return True


@dataclass(frozen=True, slots=True)
class Settled:
    """What checking one record found: ``sent`` (``tweet``), ``posted`` (sent again after
    X was shown not to have it), ``unconfirmed`` (``error`` says until when) or ``failed``."""

    item: OutboxItem
    outcome: str
    tweet: Tweet | None = None
    error: BackendError | None = None


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
        margin: timedelta = SETTLE_MARGIN,
        attempts: int = 3,  # kept for callers; a post is sent at most once per call
    ) -> None:
        self._store = store
        self._client = client
        self._meter = meter
        self._account_id = account_id
        self._clock = clock
        self._sleep = sleep
        self._retry = retry
        self.margin = margin

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=float(getattr(self._client.session, "timeout", 15.0)))

    def check_after(self, item: OutboxItem) -> datetime:
        """The moment after which an empty lookup proves X does not have ``item``."""
        attempted = item.attempted_at or item.created_at
        return attempted + self.timeout + self.margin

    # -- posting ------------------------------------------------------------------

    def post(
        self,
        text: str,
        *,
        reply_to_id: str | None = None,
        draft_id: int | None = None,
        as_new: bool = False,
        author: str | None = None,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        """Post ``text`` exactly once, by ``author`` (``[team] name``).

        A new reply's record is made only if no teammate answered the mention
        (since ``since``; see :func:`outbox_store.answer_to`), in one transaction
        with that check; else :class:`TeammateAnswered` and nothing is sent.
        ``anyway`` skips the check.

        Unless ``as_new``, a record already made for this draft, or for the same
        text and reply target (pending, in flight, or sent in the last day), is
        followed instead of a new one: pending is delivered, in flight is
        checked (raising :class:`Unconfirmed` until settled), and sent raises
        :class:`AlreadyPosted`.
        """
        if not as_new and (earlier := self.earlier(text, reply_to_id, draft_id)) is not None:
            if earlier.state is OutboxState.SENT:
                when = local_hhmm(earlier.settled_at or earlier.created_at)
                raise AlreadyPosted(
                    f"this was already posted at {when}"
                    f" (tweet {earlier.tweet_id}); it was not posted again. To post the same "
                    "text once more, post it as a new tweet (`tuicoach post --as-new`).",
                    item_id=earlier.id,
                    tweet_id=earlier.tweet_id,
                )
            if earlier.state is OutboxState.PENDING and normalise(earlier.text) != normalise(text):
                # Never reached X, and the draft was edited since: the edit replaces it.
                outbox_store.update(
                    self._store,
                    earlier.id,
                    state=OutboxState.FAILED,
                    error="replaced by the edited draft before it was sent",
                    now=self._clock(),
                )
            else:
                return self.deliver(earlier)
        check = None if anyway else outbox_store.TrafficCheck(self._account_id, since)
        try:
            item = outbox_store.add(
                self._store,
                text,
                reply_to_id=reply_to_id,
                now=self._clock(),
                draft_id=draft_id,
                author=author,
                check=check,
            )
        except outbox_store.Answered as exc:
            raise teammate_answered(exc.answer) from None
        return self.deliver(item)

    def earlier(
        self, text: str, reply_to_id: str | None, draft_id: int | None = None
    ) -> OutboxItem | None:
        """The record a new post of ``text`` would repeat, if any."""
        wanted = normalise(text)
        now = self._clock()
        for item in outbox_store.items(self._store, limit=500):
            if item.state is OutboxState.FAILED:
                continue
            if item.state is OutboxState.SENT and now - (item.settled_at or now) > RECENT:
                continue
            same_draft = draft_id is not None and item.draft_id == draft_id
            same_post = item.reply_to_id == reply_to_id and normalise(item.text) == wanted
            if same_post or (same_draft and item.state is not OutboxState.SENT):
                return item
        return None

    def reconcile(self) -> list[Tweet]:
        """Settle every record left pending or in flight, oldest first; return those now on X.

        In-flight records that cannot be settled yet stay so (see
        :attr:`unconfirmed`). Stops at the first failure that is not about the
        record itself (offline, signed out, rate limited), leaving the rest.
        """
        return [s.tweet for s in self.settle() if s.tweet is not None]

    def settle(self, *, only_in_flight: bool = False) -> list[Settled]:
        """Check each pending or in-flight record now; what became of each."""
        results: list[Settled] = []
        for item in outbox_store.pending(self._store):
            if only_in_flight and item.state is not OutboxState.SENDING:
                continue
            was_in_flight = item.state is OutboxState.SENDING
            try:
                tweet = self.deliver(item)
            except Unconfirmed as exc:
                results.append(Settled(item, "unconfirmed", error=exc))
                continue
            except (Offline, AuthError, RateLimited):
                raise
            except BackendError as exc:
                results.append(Settled(item, "failed", error=exc))
                continue  # X refused this item (now marked failed); the next may be fine
            now = outbox_store.item(self._store, item.id)
            sent_again = now is not None and now.attempts > item.attempts
            outcome = "posted" if sent_again or not was_in_flight else "sent"
            results.append(Settled(now or item, outcome, tweet=tweet))
        return results

    @property
    def unconfirmed(self) -> list[OutboxItem]:
        return [i for i in outbox_store.pending(self._store) if i.state is OutboxState.SENDING]

    def waiting_error(self, waiting: list[OutboxItem]) -> Unconfirmed:
        """One message for the records still unconfirmed after a sync."""
        last = max(waiting, key=self.check_after)
        count = "1 post is" if len(waiting) == 1 else f"{len(waiting)} posts are"
        return Unconfirmed(
            f"{count} unconfirmed: it may already be on X, so tuicoach will not send it again "
            f"before it has checked your tweets after {local_hhmm(self.check_after(last))}; "
            f"your draft is kept. {HOW_TO_CHECK[:1].upper()}{HOW_TO_CHECK[1:]}.",
            item_id=last.id,
            check_after=self.check_after(last),
        )

    def deliver(self, item: OutboxItem) -> Tweet:
        if item.state is OutboxState.SENDING:
            found = self._check(item)  # raises Unconfirmed until X is shown not to have it
            if found is not None:
                return found
        claimed = outbox_store.claim(self._store, item, now=self._clock())
        if claimed is None:
            latest = outbox_store.item(self._store, item.id) or item
            if latest.state is OutboxState.SENT and latest.tweet_id:
                tweet = self._store.tweet(latest.tweet_id)
                if tweet is not None:
                    return tweet
            raise self._unconfirmed(latest, "another tuicoach is sending it right now")
        item = claimed
        self._meter.request(now=self._clock())
        try:
            data = self._client.create_tweet(item.text, reply_to_id=item.reply_to_id)
        except ResponseLost as exc:
            return self._after_lost(item, exc)
        except AccessError as exc:
            if "identical" in str(exc) and (raw := self._find_or_none(item)) is not None:
                return self._adopt(item, raw)  # X says it already has this very post
            outbox_store.update(
                self._store, item.id, state=OutboxState.FAILED, error=str(exc), now=self._clock()
            )
            raise
        except Offline as exc:
            # It certainly never reached X (connection refused): not sent, safe to try again.
            outbox_store.update(
                self._store, item.id, state=OutboxState.PENDING, error=str(exc), now=self._clock()
            )
            raise Offline(
                f"{exc}. The post was not sent (it never reached X); it waits in the outbox "
                "and goes out at the next sync (your draft is kept)."
            ) from exc
        except BackendError as exc:
            outbox_store.update(
                self._store, item.id, state=OutboxState.FAILED, error=str(exc), now=self._clock()
            )
            raise
        return self._confirm(item, data)

    def _after_lost(self, item: OutboxItem, lost: ResponseLost) -> Tweet:
        """The answer was lost: give X a moment, look once, else leave it in flight."""
        self._sleep(self._retry.delay(0))
        try:
            found = self._find(item)
        except BackendError as exc:
            raise self._unconfirmed(
                item, f"{lost}; looking for it on your tweets failed too ({exc})"
            ) from exc
        if found is not None:
            return self._adopt(item, found)
        raise self._unconfirmed(item, f"{lost}; your tweets do not show it yet")

    def _check(self, item: OutboxItem) -> Tweet | None:
        """An in-flight record: X's copy (adopted), ``None`` if X is proven not to have it."""
        now = self._clock()
        try:
            found = self._find(item)
        except _Inconclusive as exc:
            raise self._unconfirmed(item, str(exc)) from None
        except BackendError as exc:
            if isinstance(exc, AuthError | RateLimited):
                raise
            raise self._unconfirmed(item, f"looking for it on your tweets failed ({exc})") from exc
        if found is not None:
            return self._adopt(item, found)
        if now < self.check_after(item):
            raise self._unconfirmed(item, "your tweets do not show it yet, and X may be slow")
        return None  # looked late enough and found nothing: X does not have it

    def _unconfirmed(self, item: OutboxItem, why: str) -> Unconfirmed:
        after = self.check_after(item)
        return Unconfirmed(
            f"unconfirmed: the post may already be on X ({why}). It will not be sent again "
            f"until tuicoach has checked your tweets after {local_hhmm(after)} and not found "
            f"it; your draft is kept. {HOW_TO_CHECK[:1].upper()}{HOW_TO_CHECK[1:]}.",
            item_id=item.id,
            check_after=after,
        )

    # -- finding a post whose answer was lost --------------------------------------

    def _find_or_none(self, item: OutboxItem) -> Mapping[str, Any] | None:
        try:
            return self._find(item)
        except BackendError:
            return None

    def _find(self, item: OutboxItem) -> Mapping[str, Any] | None:
        """The account's own tweet matching ``item``, from X; ``None`` if absent.

        Raises :class:`_Inconclusive` when more tweets were posted since than
        the lookup reads: absence is then not shown.
        """
        since = item.created_at - CLOCK_SKEW
        token: str | None = None
        for _ in range(LOOKUP_PAGES):
            got = self._client.timeline(
                "own", start_time=since, max_results=LOOKUP_PAGE_SIZE, pagination_token=token
            )
            page = got.page
            keep_page(self._store, self._meter, "own", page, now=self._clock())
            data = got.raw.get("data")
            for raw in data if isinstance(data, list) else []:
                if isinstance(raw, Mapping) and is_the_post(item, raw):
                    return raw
            token = page.next_token
            if not token:
                return None
        raise _Inconclusive(
            f"over {LOOKUP_PAGES * LOOKUP_PAGE_SIZE} tweets were posted since; "
            "it cannot be found among them this way"
        )

    # -- recording the outcome ----------------------------------------------------

    def _adopt(self, item: OutboxItem, raw: Mapping[str, Any]) -> Tweet:
        try:
            tweet = tweet_from_json(raw, default_author_id=self._account_id)
        except PayloadError:
            tweet = self._local_tweet(item, str(raw["id"]), str(raw.get("text", item.text)))
        self._count_created(item)
        return self._record(item, tweet)

    def _count_created(self, item: OutboxItem) -> None:
        """Meter the post at its row: a reply to someone else's post that X took summoned
        the account (X takes no other since 2026-02-23), so it is a summoned reply."""
        parent = self._store.tweet(item.reply_to_id) if item.reply_to_id else None
        summoned = item.reply_to_id is not None and (
            parent is None or parent.author_id != self._account_id
        )
        self._meter.created(item.text, now=self._clock(), summoned_reply=summoned)

    def _confirm(self, item: OutboxItem, data: Mapping[str, Any]) -> Tweet:
        self._count_created(item)
        tweet = self._local_tweet(item, str(data["id"]), str(data.get("text") or item.text))
        return self._record(item, tweet)

    def _record(self, item: OutboxItem, tweet: Tweet) -> Tweet:
        outbox_store.sent(self._store, item.id, tweet, now=self._clock())
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


def teammate_answered(answer: outbox_store.Answer) -> TeammateAnswered:
    who = answer.by or "someone on the account (outside tuicoach)"
    return TeammateAnswered(
        f"{who} already answered this mention at {local_hhmm(answer.at)}: "
        f"\u201c{answer.text}\u201d. Your reply was not sent (your draft is kept): "
        "discard it, or send it anyway on purpose (`tuicoach post --anyway`).",
        mention_id=answer.mention_id,
        by=answer.by,
        text=answer.text,
        at=answer.at,
    )


class _Inconclusive(BackendError):
    """The lookup could not read far enough to show a post is absent."""
