"""A backend for the tests only: "Canned", serving a few fixed tweets, plugged in by name.

Select it with ``TUICOACH_BACKEND=canned_backend`` (with ``tests/`` on the
path): it goes through the same registry as the demo and X, so the app,
``owed``, ``sync`` and ``post`` running on it prove they speak only to the
port. It declares its own config table, ``[canned]``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import msgspec

from tuicoach.backends.base import Backend, BackendError, Capabilities, Refused, SyncResult
from tuicoach.backends.registry import BackendKind, Opener, Request
from tuicoach.domain.models import Mention, Tweet, User
from tuicoach.store import Store

ME = User(id="900", username="cannedco", name="Canned Co")
FAN = User(id="901", username="pat_reader", name="Pat")
FILE = "canned.sqlite3"


class CannedSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The canned backend (tests only)."""

    limit: Annotated[int, msgspec.Meta(ge=10, le=1000, description="longest post")] = 200


def canned_tweets(now: datetime) -> list[tuple[str, Tweet]]:
    """Two mentions (a question is owed) and one tweet of our own, aged from ``now``."""
    return [
        (
            "mentions",
            Tweet(
                id="1001",
                text="@cannedco do you ship to Lisbon?",
                created_at=now - timedelta(hours=3),
                author_id=FAN.id,
                conversation_id="1001",
                in_reply_to_user_id=ME.id,
                mentions=(Mention(ME.username, 0, 9),),
            ),
        ),
        (
            "own",
            Tweet(
                id="1000",
                text="Our tins are back in stock.",
                created_at=now - timedelta(days=1),
                author_id=ME.id,
                conversation_id="1000",
            ),
        ),
    ]


class CannedBackend:
    def __init__(self, store: Store, clock: Callable[[], datetime], limit: int) -> None:
        self.store = store
        self._clock = clock
        self._limit = limit
        self.author: str | None = None  # [team] name, recorded with each reply it posts

    account = property(lambda self: ME)
    is_demo = property(lambda self: False)
    service = property(lambda self: "Canned")
    capabilities = property(lambda self: Capabilities(like=False, reply_anywhere=True))
    length_limit = property(lambda self: self._limit)
    poll_seconds = property(lambda self: 3600.0)

    def tweet_link(self, tweet: Tweet, author: User | None = None) -> str:
        return f"canned://{tweet.id}"

    def reply_refusal(self, tweet: Tweet) -> str | None:
        return None

    def spend_today(self) -> str | None:
        return "Canned today: free"

    def error_title(self, error: BackendError) -> str:
        return "Canned"

    def sync(self) -> SyncResult:
        new: dict[str, int] = {}
        for stream, tweet in canned_tweets(self._clock()):
            if self.store.tweet(tweet.id) is None:
                new[stream] = new.get(stream, 0) + 1
            self.store.upsert_tweets([tweet], stream=stream)
        return SyncResult(new=new)

    def post(
        self,
        text: str,
        *,
        reply_to: Tweet | None = None,
        since: datetime | None = None,  # no team here: nothing to check
        anyway: bool = False,
    ) -> Tweet:
        count = int(self.store.get_meta("canned.posts") or 0) + 1
        self.store.set_meta("canned.posts", str(count))
        tweet = Tweet(
            id=str(5000 + count),
            text=text,
            created_at=self._clock(),
            author_id=ME.id,
            conversation_id=reply_to.conversation_id if reply_to else None,
            in_reply_to_user_id=reply_to.author_id if reply_to else None,
            replied_to_id=reply_to.id if reply_to else None,
        )
        self.store.upsert_tweets([tweet], stream="own", local=True)
        if reply_to is not None and self.author is not None:
            self.store.set_meta(f"canned.author.{tweet.id}", self.author)
        return tweet

    def replies_by_author(self) -> dict[str, str]:
        """The replies it posted with a name, as recorded in the store's meta."""
        count = int(self.store.get_meta("canned.posts") or 0)
        found = {
            str(5000 + n): self.store.get_meta(f"canned.author.{5000 + n}")
            for n in range(1, count + 1)
        }
        return {tweet_id: name for tweet_id, name in found.items() if name is not None}

    def like(self, tweet_id: str) -> None:
        raise Refused("Canned cannot like.")

    def unlike(self, tweet_id: str) -> None:
        raise Refused("Canned cannot like.")

    def close(self) -> None:
        pass


def open_store(request: Request) -> Store:
    store = Store.open(request.data_dir / FILE)
    store.upsert_users([ME, FAN])
    store.set_account(ME)
    return store


def opener(request: Request) -> Opener | None:
    def open_account() -> tuple[Store, Backend]:
        section = request.sections.get("canned") or CannedSection()
        assert isinstance(section, CannedSection)
        store = open_store(request)
        return store, CannedBackend(store, request.clock, section.limit)

    return open_account


BACKEND = BackendKind(
    name="canned",
    service="Canned",
    sign_in_hint="The canned backend needs no sign-in.",
    opener=opener,
    open_store=open_store,
    sections=lambda: {"canned": CannedSection},
)
