"""``XBackend``: the signed-in X account as a ``Backend`` (see ``tuicoach.backends.base``).

It fetches into the account's store and posts from it; the app reads the store
only. Opening it touches no network, so the app starts offline with the last
data; ``sync`` first settles the outbox, then fetches the streams that are due.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from tuicoach.backends.base import (
    AccessError,
    AuthError,
    BackendError,
    Capabilities,
    Offline,
    RateLimited,
    SyncResult,
)
from tuicoach.backends.x import cost
from tuicoach.backends.x.client import XClient, make_client
from tuicoach.backends.x.cost import Meter, PricingSettings
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import RetryPolicy
from tuicoach.backends.x.outbox import Outbox
from tuicoach.backends.x.settings import XSettings
from tuicoach.backends.x.sync import STREAMS, StreamResult, StreamSync
from tuicoach.domain import twittertext
from tuicoach.domain.checkup import Profile
from tuicoach.domain.models import Tweet, User
from tuicoach.store import Store

# When several streams failed, the one to show: the most actionable first.
_SEVERITY: tuple[type[BackendError], ...] = (AuthError, AccessError, Offline, RateLimited)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """One sync in detail, for ``tuicoach sync`` and the status bar."""

    streams: tuple[StreamResult, ...]
    posted: tuple[Tweet, ...] = ()  # outbox items confirmed on the way
    outbox_error: BackendError | None = None

    @property
    def errors(self) -> list[BackendError]:
        found = [r.error for r in self.streams if r.error is not None]
        return found + ([self.outbox_error] if self.outbox_error else [])

    @property
    def post_reads(self) -> int:
        return sum(r.post_reads for r in self.streams)

    @property
    def user_reads(self) -> int:
        return sum(r.user_reads for r in self.streams)

    def result(self) -> SyncResult:
        return SyncResult(new={r.stream: r.fetched for r in self.streams}, reads=self.post_reads)

    def worst_error(self) -> BackendError | None:
        errors = self.errors
        for kind in _SEVERITY:
            for error in errors:
                if isinstance(error, kind):
                    return error
        return errors[0] if errors else None


#: What X's self-serve API lets this account do (see X-API-2026 in the docs).
X_CAPABILITIES = Capabilities(like=True, search=False, reply_anywhere=True)


class XBackend:
    """A real X account: its store, its client, its outbox."""

    def __init__(
        self,
        store: Store,
        client: XClient,
        account: User,
        *,
        settings: XSettings,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
        pricing: PricingSettings | None = None,
    ) -> None:
        self.store = store
        self.pricing = pricing or PricingSettings()
        self.client = client
        self.settings = settings
        self._account = account
        self._clock = clock
        self.meter = Meter(store)
        self._streams = StreamSync(store, client, settings, self.meter, clock)
        self._outbox = Outbox(
            store,
            client,
            self.meter,
            account.id,
            clock=clock,
            sleep=sleep,
            retry=RetryPolicy(attempts=settings.retries),
        )

    @classmethod
    def open(
        cls,
        store: Store,
        credentials: Credentials,
        *,
        username: str,
        source: str = "keyring",
        settings: XSettings | None = None,
        pricing: PricingSettings | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> XBackend:
        """The backend for an account whose username is known; no network."""
        settings = settings or XSettings()
        account = store.account()
        if account is None or account.id != credentials.user_id:
            account = User(id=credentials.user_id, username=username)
            store.set_account(account)
        client = make_client(
            credentials, settings, source=source, clock=clock, sleep=sleep, rng=rng
        )
        return cls(
            store, client, account, settings=settings, clock=clock, sleep=sleep, pricing=pricing
        )

    # -- the Backend protocol --------------------------------------------------------

    @property
    def account(self) -> User:
        return self._account

    @property
    def is_demo(self) -> bool:
        return False

    @property
    def service(self) -> str:
        return "X"

    @property
    def capabilities(self) -> Capabilities:
        return X_CAPABILITIES

    @property
    def length_limit(self) -> int:
        return twittertext.MAX_WEIGHTED_LENGTH

    @property
    def poll_seconds(self) -> float:
        """Seconds between the app's automatic syncs (never faster than X's limits)."""
        return self.settings.poll_interval

    def tweet_link(self, tweet: Tweet, author: User | None = None) -> str:
        name = author.username if author is not None else "i/web"
        return f"https://x.com/{name}/status/{tweet.id}"

    def reply_refusal(self, tweet: Tweet) -> str | None:
        return None

    def error_title(self, error: BackendError) -> str:
        if isinstance(error, AuthError):
            return "X refused the sign-in"
        if isinstance(error, AccessError):
            return "Not on this X access level"
        if isinstance(error, RateLimited):
            return "X's rate limit"
        if isinstance(error, Offline):
            return "X unreachable"
        return "X"

    def sync(self) -> SyncResult:
        """Settle the outbox, fetch what is due; raise the worst failure after storing the rest."""
        report = self.sync_report()
        if (error := report.worst_error()) is not None:
            raise error
        return report.result()

    def sync_report(self, streams: tuple[str, ...] = STREAMS) -> SyncReport:
        """Like :meth:`sync`, but every stream's outcome instead of an exception."""
        posted: list[Tweet] = []
        outbox_error: BackendError | None = None
        try:
            posted = self._outbox.reconcile()
        except BackendError as exc:
            outbox_error = exc
        if isinstance(outbox_error, AuthError | Offline):
            return SyncReport((), tuple(posted), outbox_error)
        return SyncReport(tuple(self._streams.run(streams)), tuple(posted), outbox_error)

    def post(self, text: str, *, reply_to: Tweet | None = None) -> Tweet:
        """Post (or reply) through the outbox; never posts the same tweet twice."""
        return self._outbox.post(text, reply_to_id=reply_to.id if reply_to else None)

    def post_reply_to_id(self, text: str, reply_to_id: str | None) -> Tweet:
        """:meth:`post` for callers that know only the id of the tweet answered."""
        return self._outbox.post(text, reply_to_id=reply_to_id)

    def profile(self) -> Profile:
        """The account's bio, website and name, from ``users/me`` (one user read)."""
        raw = self.client.profile()
        self.meter.read(posts=(), users=(self._account.id,), now=self._clock())
        return Profile.from_json(raw)

    def like(self, tweet_id: str) -> None:
        self.client.like(tweet_id)
        self.meter.request(now=self._clock())
        self.store.like(tweet_id, now=self._clock())

    def unlike(self, tweet_id: str) -> None:
        self.client.unlike(tweet_id)
        self.meter.request(now=self._clock())
        self.store.unlike(tweet_id)

    def close(self) -> None:
        self.client.close()

    def spend_today(self) -> str:
        """Today's (UTC) spend on X's API, short, for the status bar."""
        usage, spent = cost.today(self.store, now=self._clock(), table=self.pricing.table)
        reads = usage.post_reads + usage.user_reads
        return f"X today {cost.format_dollars(spent)} ({reads} reads)"

    def rate_limits(self) -> Mapping[str, RateLimited]:
        """Streams now waiting for X's rate limit, for the status bar."""
        now = self._clock()
        blocked = {s: self._streams.pacer.blocked_until(s, now) for s in STREAMS}
        return {s: e for s, e in blocked.items() if e is not None}
