"""``XBackend``: the signed-in X account as a ``Backend`` (see ``tuicoach.backends.base``).

It fetches into the account's store and posts from it; the app reads the store
only. Opening it touches no network, so the app starts offline with the last
data; ``sync`` first settles the outbox, then fetches the streams that are due.
"""

from __future__ import annotations

import contextlib
import os
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
    ListenResult,
    Offline,
    RateLimited,
    Refused,
    SearchEstimate,
    SyncResult,
)
from tuicoach.backends.x import cost
from tuicoach.backends.x.client import XClient, make_app_client, make_client
from tuicoach.backends.x.cost import Meter, PricingSettings
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import RetryPolicy, Unconfirmed
from tuicoach.backends.x.listen import BEARER_ENV, BudgetReached, Listener
from tuicoach.backends.x.outbox import Outbox, settle_margin
from tuicoach.backends.x.settings import XSettings
from tuicoach.backends.x.sync import STREAMS, StreamResult, StreamSync
from tuicoach.domain import twittertext
from tuicoach.domain.checkup import Profile
from tuicoach.domain.listen import ListenSettings, SavedSearch
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
    #: Another machine holds the team's sync lease: it asked X, this one did not.
    synced_by: str | None = None

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
        return SyncResult(
            new={r.stream: r.fetched for r in self.streams},
            reads=self.post_reads,
            synced_by=None if self.synced_by is None else holder_name(self.synced_by),
        )

    def worst_error(self) -> BackendError | None:
        errors = self.errors
        for kind in _SEVERITY:
            for error in errors:
                if isinstance(error, kind):
                    return error
        return errors[0] if errors else None


def holder_name(holder: str) -> str:
    """Who holds the team's sync lease, short, for the status bar: the teammate's ``[team]
    name`` where the lease has it ("Jen · jen@laptop /home/jen/..."), else the machine
    ("jen@laptop")."""
    name, named, _ = holder.partition(" · ")
    return name if named else holder.split(" ", 1)[0]


#: What X's self-serve API lets this account do (X-API-2026.md): no likes since
#: 2026-04-20, replies only to posts that summoned the account since 2026-02-23.
X_CAPABILITIES = Capabilities(like=False, search=True, reply_anywhere=False)

LIKE_REFUSAL = (
    "X's self-serve API no longer allows likes (since 2026-04-20), so tuicoach does not "
    "send them; like it on x.com instead"
)


def status_link(tweet_id: str) -> str:
    """The address that opens any tweet on x.com, whoever wrote it."""
    return f"https://x.com/i/web/status/{tweet_id}"


def reply_refusal_message(tweet_id: str) -> str:
    """Why X will not take this reply, and what works instead."""
    return (
        "X's API accepts replies only to posts that @mention your account or quote one of "
        "its posts (since 2026-02-23), and this one does neither, so nothing was sent. "
        f"Copy your reply and answer on x.com: {status_link(tweet_id)}"
    )


def summoned(tweet: Tweet, account: User, store: Store | None = None) -> bool:
    """Whether ``tweet`` summoned ``account``: its own, @mentions it, answers or quotes it."""
    if tweet.author_id == account.id or tweet.in_reply_to_user_id == account.id:
        return True
    name = account.username.lower()
    if any(m.id == account.id or m.username.lower() == name for m in tweet.mentions):
        return True
    if tweet.quoted_id is not None and store is not None:
        quoted = store.tweet(tweet.quoted_id)
        return quoted is not None and quoted.author_id == account.id
    return False


def _is_reply_refusal(error: BackendError) -> bool:
    text = str(error).lower()
    return (
        isinstance(error, AccessError)
        and "repl" in text
        and ("mentioned" in text or "engaged" in text or "summon" in text)
    )


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
        #: Listening's settings (the config's ``[listen]``) and the app's bearer token
        #: for counts and usage, if any; set after opening.
        self.listen_settings = ListenSettings()
        self.bearer_token: str | None = os.environ.get(BEARER_ENV) or None
        #: Who posts from this machine (the config's ``[team] name``; ``None``: a solo
        #: user), recorded on each outbox record; set after opening (:func:`set_author`).
        self.author: str | None = None
        #: This machine, on a store the team shares (PostgreSQL): only the holder of the
        #: sync lease asks X (:func:`tuicoach.store.team.hold_sync_lease`). ``None``: a
        #: store of one's own, always synced here.
        self.sync_holder: str | None = None
        self._streams = StreamSync(store, client, settings, self.meter, clock)
        self._outbox = Outbox(
            store,
            client,
            self.meter,
            account.id,
            clock=clock,
            sleep=sleep,
            retry=RetryPolicy(attempts=settings.retries),
            margin=settle_margin(),
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
        """A reply X would refuse (the tweet did not summon the account), with the way out."""
        if summoned(tweet, self._account, self.store):
            return None
        return reply_refusal_message(tweet.id)

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

    @property
    def lease_holder(self) -> str | None:
        """This machine in the team's sync lease, with the person's name when it is known
        ("Jen · jen@laptop /home/jen/..."): what teammates' status bars show. ``None``: a
        store of one's own."""
        if self.sync_holder is None:
            return None
        return f"{self.author} · {self.sync_holder}" if self.author else self.sync_holder

    def sync(self) -> SyncResult:
        """Settle the outbox, fetch what is due; raise the worst failure after storing the rest."""
        report = self.sync_report()
        if (error := report.worst_error()) is not None:
            raise error
        return report.result()

    def sync_report(self, streams: tuple[str, ...] = STREAMS) -> SyncReport:
        """Like :meth:`sync`, but every stream's outcome instead of an exception.

        On a store the team shares (:attr:`sync_holder` set), only the machine holding the
        sync lease asks X; the others find the new tweets in the store (``synced_by``).
        """
        if (me := self.lease_holder) is not None:
            from tuicoach.store import team

            holder = team.hold_sync_lease(self.store, self._account.id, me, now=self._clock())
            if holder != me:
                return SyncReport((), synced_by=holder)
        posted: list[Tweet] = []
        outbox_error: BackendError | None = None
        try:
            posted = self._outbox.reconcile()
            if waiting := self._outbox.unconfirmed:
                outbox_error = self._outbox.waiting_error(waiting)
        except BackendError as exc:
            outbox_error = exc
        if isinstance(outbox_error, AuthError | Offline) and not isinstance(
            outbox_error, Unconfirmed
        ):
            return SyncReport((), tuple(posted), outbox_error)
        return SyncReport(tuple(self._streams.run(streams)), tuple(posted), outbox_error)

    def post(
        self,
        text: str,
        *,
        reply_to: Tweet | None = None,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        """Post (or reply) through the outbox; never posts the same tweet twice.

        A reply X would refuse is :class:`Refused` before anything is sent; one a
        teammate answered already is :class:`TeammateAnswered` (see :meth:`Backend.post`).
        """
        return self.send_draft(text, reply_to=reply_to, since=since, anyway=anyway)

    def send_draft(
        self,
        text: str,
        *,
        reply_to: Tweet | None = None,
        draft_id: int | None = None,
        as_new: bool = False,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        """:meth:`post`, tied to a draft: ``draft_id`` is deleted once X has the post.

        Raises ``Unconfirmed`` while an earlier try may be on X (nothing is
        sent), ``AlreadyPosted`` if it is; ``as_new`` posts it as a new tweet
        anyway, once the user has been shown that.
        """
        if reply_to is not None and (refusal := self.reply_refusal(reply_to)) is not None:
            raise Refused(refusal)
        return self._post(
            text,
            reply_to.id if reply_to else None,
            draft_id=draft_id,
            as_new=as_new,
            since=since,
            anyway=anyway,
        )

    def post_reply_to_id(
        self,
        text: str,
        reply_to_id: str | None,
        *,
        draft_id: int | None = None,
        as_new: bool = False,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        """:meth:`post` for callers that know only the id of the tweet answered."""
        known = self.store.tweet(reply_to_id) if reply_to_id is not None else None
        if known is not None and (refusal := self.reply_refusal(known)) is not None:
            raise Refused(refusal)
        return self._post(
            text, reply_to_id, draft_id=draft_id, as_new=as_new, since=since, anyway=anyway
        )

    def _post(
        self,
        text: str,
        reply_to_id: str | None,
        *,
        draft_id: int | None,
        as_new: bool,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        try:
            return self._outbox.post(
                text,
                reply_to_id=reply_to_id,
                draft_id=draft_id,
                as_new=as_new,
                author=self.author,
                since=since,
                anyway=anyway,
            )
        except AccessError as exc:
            # X refused a reply to a post that did not summon us: the same way out.
            if reply_to_id is not None and _is_reply_refusal(exc):
                raise Refused(reply_refusal_message(reply_to_id)) from exc
            raise

    @property
    def outbox(self) -> Outbox:
        return self._outbox

    def profile(self) -> Profile:
        """The account's bio, website and name, from ``users/me`` (one user read)."""
        raw = self.client.profile()
        self.meter.read(posts=(), users=(self._account.id,), now=self._clock())
        return Profile.from_json(raw)

    def like(self, tweet_id: str) -> None:
        """Never sent: X removed likes from self-serve (``capabilities.like`` is false)."""
        raise Refused(LIKE_REFUSAL)

    def unlike(self, tweet_id: str) -> None:
        raise Refused(LIKE_REFUSAL)

    def listen(self) -> ListenResult:
        """Run every saved search once, within the daily budget (the ``Listening`` port)."""
        listener = self.listener(self.listen_settings, bearer_token=self.bearer_token)
        report = listener.run()
        errors: dict[str, str] = {}
        for run in report.runs:
            if run.error is not None and not isinstance(run.error, BudgetReached):
                errors[run.name] = str(run.error)
            elif (skipped := run.skipped_words(listener.settings)) is not None:
                errors[run.name] = skipped  # shown in the pane, as an error is
        return ListenResult(
            new={r.name: len(r.new) for r in report.runs},
            spend=self._listen_spend(listener),
            stopped=str(report.stopped) if report.stopped else None,
            errors=errors,
        )

    def estimate_search(self, search: SavedSearch) -> SearchEstimate:
        """What ``search`` would have cost a day: X's counts with the app's bearer token (one
        counts request), otherwise its first page (those posts, read once today)."""
        listener = self.listener(self.listen_settings, bearer_token=self.bearer_token)
        estimate = listener.estimate(search)
        budget = listener.settings.daily_budget
        over = estimate.dollars_per_day > budget
        words = estimate.describe() + "."
        if over:
            words += (
                f" That is more than the daily budget of {cost.format_dollars(budget)}: "
                "listening would stop each day when it is spent. Narrow the terms, or raise "
                "[listen] daily_budget."
            )
        return SearchEstimate(estimate.query, words, estimate.dollars_per_day, over)

    def listen_status(self) -> str | None:
        listener = self.listener(self.listen_settings)
        try:
            listener.check_budget()
        except BudgetReached as exc:
            return str(exc)
        return self._listen_spend(listener)

    def _listen_spend(self, listener: Listener) -> str:
        spent = cost.format_dollars(listener.spent_today())
        return f"{spent} of {cost.format_dollars(listener.settings.daily_budget)} today"

    def listener(
        self, settings: ListenSettings | None = None, *, bearer_token: str | None = None
    ) -> Listener:
        """Listening for this account (saved searches); ``bearer_token`` enables counts."""
        app = (
            make_app_client(bearer_token, self.settings, clock=self._clock)
            if bearer_token
            else None
        )
        return Listener(
            self.store,
            self.client,
            self._account,
            settings=settings,
            table=self.pricing.table,
            clock=self._clock,
            app_client=app,
        )

    def replies_by_author(self) -> dict[str, str]:
        """Who sent each reply, from the outbox's records (``[team] name`` at the time)."""
        from tuicoach.backends.x.outbox_store import sent_replies

        return {
            r.tweet_id: r.author
            for r in sent_replies(self.store)
            if r.tweet_id is not None and r.author is not None
        }

    def close(self) -> None:
        """Let go of the network, and of the team's sync lease if this machine holds it, so a
        teammate's machine syncs at once rather than when the lease lapses (a minute)."""
        if (me := self.lease_holder) is not None:
            from tuicoach.store import StoreError, team

            # The database gone (closed, unreachable): the lease lapses by itself in a minute.
            with contextlib.suppress(StoreError):
                team.drop_sync_lease(self.store, self._account.id, me)
        self.client.close()

    def spend_today(self) -> str:
        """Today's (UTC) spend on X's API, short, for the status bar."""
        usage, spent = cost.today(
            self.store, now=self._clock(), table=self.pricing.table, units_table=self.pricing.units
        )
        reads = usage.post_reads + usage.owned_reads + usage.user_reads
        return f"X today {cost.format_dollars(spent)} ({reads} reads)"

    def rate_limits(self) -> Mapping[str, RateLimited]:
        """Streams now waiting for X's rate limit, for the status bar."""
        now = self._clock()
        blocked = {s: self._streams.pacer.blocked_until(s, now) for s in STREAMS}
        return {s: e for s, e in blocked.items() if e is not None}
