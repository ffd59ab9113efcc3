"""What every backend offers the app and the CLI, and the failures it reports.

A backend fetches into the store and posts from it; the UI only ever reads the
store and calls these methods from worker threads. Every failure a user can
meet is one of the :class:`BackendError` subclasses (``backends/errors.py``,
re-exported here), each with a message that names the problem and the way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from tuicoach.backends.errors import (
    AccessError,
    AlreadyPosted,
    AuthError,
    BackendError,
    Offline,
    RateLimited,
    Refused,
    ResponseLost,
    SearchRejected,
    TeammateAnswered,
    Unconfirmed,
)
from tuicoach.domain.models import Tweet, User

__all__ = [  # the failures, from backends/errors.py: the port names them too
    "AccessError",
    "AlreadyPosted",
    "AuthError",
    "BackendError",
    "Offline",
    "RateLimited",
    "Refused",
    "ResponseLost",
    "SearchRejected",
    "TeammateAnswered",
    "Unconfirmed",
]

if TYPE_CHECKING:
    from tuicoach.domain.checkup import Profile
    from tuicoach.domain.listen import SavedSearch


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync fetched: new tweets per stream, and the reads it spent."""

    new: Mapping[str, int] = field(default_factory=dict)
    reads: int = 0
    #: On a store a team shares: another machine syncs it (this one asked the service
    #: nothing; what that machine fetched is in the store), named fit to show (the
    #: teammate's ``[team] name``, else their machine). ``None``: this one synced.
    synced_by: str | None = None

    @property
    def total_new(self) -> int:
        return sum(self.new.values())


@dataclass(frozen=True, slots=True)
class ListenResult:
    """One run of the saved searches: new opportunities per search, and a word on cost.

    ``spend``: today's listening spend, short, for the pane ("$0.045 of $0.50");
    ``stopped``: why listening stopped for the day (the budget), or ``None``;
    ``errors``: per search, what went wrong, fit to show.
    """

    new: Mapping[str, int] = field(default_factory=dict)
    spend: str | None = None
    stopped: str | None = None
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def total_new(self) -> int:
        return sum(self.new.values())


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend can do, so the UI offers only what will work.

    ``like``: it can like and unlike. ``search``: it can run saved searches.
    ``reply_anywhere``: it can reply to any tweet; when false, only to tweets
    that summoned the account (:meth:`Backend.reply_refusal` says which).
    """

    like: bool = True
    search: bool = False
    reply_anywhere: bool = True


class Backend(Protocol):
    """The signed-in account's source of tweets, and where posts go.

    The UI and the CLI speak to a backend only through this port: they never
    name the service, its limits or its links themselves.
    """

    @property
    def account(self) -> User:
        """The signed-in user (the demo brand in demo mode)."""
        ...

    @property
    def is_demo(self) -> bool: ...

    @property
    def service(self) -> str:
        """The service's name as a user knows it ("X"), for titles and messages."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def length_limit(self) -> int:
        """The longest post, in the service's own weighted count."""
        ...

    @property
    def poll_seconds(self) -> float:
        """Seconds between the app's automatic syncs."""
        ...

    def tweet_link(self, tweet: Tweet, author: User | None = None) -> str:
        """The tweet's public address."""
        ...

    def reply_refusal(self, tweet: Tweet) -> str | None:
        """Why a reply to ``tweet`` cannot be sent, with the way out; ``None`` when it can."""
        ...

    def spend_today(self) -> str | None:
        """Today's spend on the service, short, for the status bar; ``None`` when free."""
        ...

    def error_title(self, error: BackendError) -> str:
        """A notice title for ``error`` ("X refused the sign-in", "Offline")."""
        ...

    def sync(self) -> SyncResult:
        """Fetch what is new (home timeline, mentions, own tweets) into the store."""
        ...

    def post(
        self,
        text: str,
        *,
        reply_to: Tweet | None = None,
        since: datetime | None = None,
        anyway: bool = False,
    ) -> Tweet:
        """Post (or reply), store the new tweet, and return it. Never posts twice.

        A reply is checked against the team first (the traffic cop), in the same
        transaction that records it: if a teammate answered ``reply_to`` or
        recorded a reply to it since ``since`` (when the sender opened it),
        nothing is sent and :class:`TeammateAnswered` says what they wrote.
        ``since=None``: no window, so only a teammate's reply recorded through
        tuicoach (at any time) stops it. ``anyway=True`` sends it on purpose.
        A backend without a team (the demo) never raises it.
        """
        ...

    def like(self, tweet_id: str) -> None:
        """Like; raises :class:`Refused` where ``capabilities.like`` is false."""
        ...

    def unlike(self, tweet_id: str) -> None: ...

    def replies_by_author(self) -> Mapping[str, str]:
        """Who sent the account's replies, where that is on record: each reply's tweet id ->
        the teammate's ``[team] name``, for the report's per-person table. Replies sent with
        no name (a solo user, or from the service's own app) are not in it."""
        ...

    def close(self) -> None: ...


class NotSignedIn(BackendError):
    """No account is signed in as asked (none saved, or not that one); the message says how to."""


@runtime_checkable
class Listening(Protocol):
    """What a backend with ``capabilities.search`` also offers: its saved searches, run once.

    Kept apart from :class:`Backend` so backends without search need nothing;
    the UI checks ``capabilities.search`` and ``isinstance(backend, Listening)``.
    """

    def listen(self) -> ListenResult:
        """Run every saved search once (within the daily budget); file what is new."""
        ...

    def listen_status(self) -> str | None:
        """Today's listening spend and budget, short, or why listening stopped for the day."""
        ...


@dataclass(frozen=True, slots=True)
class SearchEstimate:
    """What a saved search would have cost over the last days, before it is saved.

    ``words``: one or two sentences fit to show (how many posts a day, dollars
    a day, how it was estimated, and whether that is over the daily budget);
    ``dollars_per_day``: ``None`` where there is no figure; ``simulated``: the
    demo's made-up figure, nothing was asked of a service.
    """

    query: str
    words: str
    dollars_per_day: float | None = None
    over_budget: bool = False
    simulated: bool = False


@runtime_checkable
class SearchEstimating(Protocol):
    """A :class:`Listening` backend that can say what a search would cost before it is saved."""

    def estimate_search(self, search: SavedSearch) -> SearchEstimate:
        """Blocking (a request or two): call it from a worker. Raises :class:`BackendError`,
        or the domain's ``QueryError`` for a search the service would refuse."""
        ...


@runtime_checkable
class HasProfile(Protocol):
    """A backend that can say what the account's profile says (bio, website): optional."""

    def profile(self) -> Profile:
        """The account's profile; raises :class:`BackendError` when it cannot be read."""
        ...


def profile_of(backend: object) -> Profile | None:
    """The backend's profile, or ``None`` when this backend offers none."""
    return backend.profile() if isinstance(backend, HasProfile) else None


def set_author(backend: object, name: str | None) -> None:
    """Tell a backend that records who sent each post (``author``) the person at this
    machine (``[team] name``); backends without a team ignore it."""
    if hasattr(backend, "author"):
        backend.author = (" ".join(name.split()) or None) if name else None
