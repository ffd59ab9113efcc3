"""The demo brand: a practice account that needs no sign-in, no network and no keyring.

Larkspur Coffee Roasters (``@larkspurcoffee``) lives in its own database,
``<data dir>/demo.sqlite3``, never in a real account's. Its tweets come from the
X API v2 JSON in ``data/`` (see :mod:`tuicoach.backends.demo.sample`), mapped by
the same code as a real account's responses, and go in through the store's
public API like any fetched page.

How times stay real
-------------------
The data is written relative to a fixed reference instant. The database
records in ``meta`` the instant its stored world is consistent with, the
*anchor*: on first use every time is moved by ``now - reference`` and the
anchor becomes ``now``; on every later open every time stored (seeded tweets,
the user's own demo posts and released arrivals, marks and snoozes, drafts,
likes) moves by ``now - anchor`` and the anchor becomes ``now`` again, in one
transaction (:meth:`Store.shift_times`). So
the practice world keeps its shape across days: the newest own tweet is always
hours old, the oldest owed mention always a few days, and a snooze still ends
as far ahead as it did. While the demo is open nothing moves: real time passes
and ages grow, and every sync, post and like (and closing) brings the anchor
up to that moment, so the world freezes where it was left: a reply made at the
end of yesterday's session is "just now" when it opens again, never in the
future (where the coach and the owed list would not yet see it).

Practice arrivals count from when the demo opened: the n-th arrives its
offset in ``arrivals.json`` after the first open; after a reopen, the next
one arrives the usual gap after opening, so a session never starts with a
flood nor with a long wait. :meth:`DemoBackend.sync` releases those whose
time has come into the ``mentions`` stream.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tuicoach import paths
from tuicoach.backends import registry  # noqa: F401  (every backend's schema steps: opening)
from tuicoach.backends.base import (
    BackendError,
    Capabilities,
    ListenResult,
    Refused,
    SearchEstimate,
    SyncResult,
)
from tuicoach.backends.demo.sample import (
    Arrivals,
    DemoWorld,
    load_account,
    load_arrivals,
    load_world,
    read_json,
    shifted,
)
from tuicoach.domain import twittertext
from tuicoach.domain.models import Mention, Tweet, User
from tuicoach.store import META_ACCOUNT_ID, Store, StoreError

if TYPE_CHECKING:  # and imported where used: opening the demo needs none of them
    from tuicoach.domain.checkup import Profile
    from tuicoach.domain.listen import SavedSearch

__all__ = ["DemoBackend", "open_demo_store"]

#: The instant the stored world is consistent with (ISO 8601, full precision).
META_ANCHOR = "demo.anchor"
#: How many of the practice arrivals are in the store.
META_RELEASED = "demo.arrivals_released"
#: Arrival ``i`` is due at this instant plus its offset.
META_ARRIVALS_EPOCH = "demo.arrivals_epoch"
#: The last id given to a demo post, so that ids never repeat.
META_LAST_POST_ID = "demo.last_post_id"

_TWITTER_EPOCH_MS = 1288834974657  # X's snowflake epoch

#: The demo mirrors what a real backend can do, so practice matches the real thing: it
#: searches, as X does, and it does not like, as X's self-serve API has not since 2026-04-20
#: (the only backend tuicoach ships). A backend that can like gets ``l`` in the app.
DEMO_CAPABILITIES = Capabilities(like=False, search=True, reply_anywhere=True)
#: The practice mentions arrive about a minute apart.
DEMO_POLL_SECONDS = 20.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError(f"the demo clock must be timezone-aware, got {now!r}")
    return now


def open_demo_store(data_dir: Path, now: datetime) -> Store:
    """The demo brand's store in ``data_dir``, seeded on first use and moved to ``now``.

    Raises :class:`~tuicoach.store.StoreError` when the file cannot be used,
    including when it holds some other account (it is then left untouched).
    """
    now = _aware(now)
    account = load_account()  # a reopen reads no more of the demo's files than these two
    store = Store.open(paths.demo_db(data_dir))
    try:
        owner = store.get_meta(META_ACCOUNT_ID)
        if owner is not None and owner != account.id:
            raise StoreError(
                f"{store.path} should hold the demo brand but belongs to another account "
                f"(id {owner}). tuicoach left it as it is: move it aside to get the demo back.",
                store.path,
            )
        anchor = store.get_meta(META_ANCHOR)
        if anchor is None:
            _seed(store, load_world(), now)
            store.set_meta(META_ANCHOR, _stamp(now))
            _restart_arrivals(store, load_arrivals(), now)
        else:
            # One transaction (the reopen's one write) moves the world and its anchor
            # together, and counts the remaining arrivals from now.
            store.shift_times(
                now - datetime.fromisoformat(anchor),
                meta={
                    META_ANCHOR: _stamp(now),
                    META_ARRIVALS_EPOCH: _arrivals_epoch(store, load_arrivals(), now),
                },
            )
    except BaseException:
        store.close()
        raise
    return store


def _seed(store: Store, world: DemoWorld, now: datetime) -> None:
    """Put the demo world in an empty store, its times moved to ``now``.

    Every step is idempotent, and the anchor is written only after the last,
    so a seed cut short is simply done again on the next open.
    """
    delta = now - world.reference_time
    pages = [*world.streams.values(), world.arrivals]
    users = {u.id: u for page in pages for u in page.users}
    users.update((u.id, u) for u in world.muted)
    store.upsert_users(users.values())
    store.set_account(world.account)
    for stream, page in world.streams.items():
        store.upsert_tweets((shifted(t, delta) for t in page.included_tweets), stream=None)
        store.upsert_tweets((shifted(t, delta) for t in page.tweets), stream=stream)
    for mark in world.marks:
        if mark.no_reply_needed is not None:
            store.mark_no_reply(mark.tweet_id, mark.no_reply_needed, now=now)
        elif mark.snoozed_until is not None:
            store.snooze(mark.tweet_id, mark.snoozed_until + delta, now=now)
    for user in world.muted:
        store.mute(user.id, now=now)
    store.set_meta(META_RELEASED, "0")


def _released(store: Store) -> int:
    return int(store.get_meta(META_RELEASED) or 0)


def _arrivals_epoch(store: Store, arrivals: Arrivals, now: datetime) -> str:
    """The epoch that counts the remaining arrivals from ``now``, keeping their usual gaps."""
    tweets = arrivals.tweets
    released = min(_released(store), len(tweets))
    last_delay = arrivals.delay(tweets[released - 1]) if released else timedelta(0)
    return _stamp(now - last_delay)


def _restart_arrivals(store: Store, arrivals: Arrivals, now: datetime) -> None:
    """Count the remaining arrivals from ``now``, keeping their usual gaps."""
    store.set_meta(META_ARRIVALS_EPOCH, _arrivals_epoch(store, arrivals, now))


class DemoBackend:
    """The demo brand's backend: arrivals instead of fetching, a local store instead of posting.

    Open the store with :func:`open_demo_store` first. Safe to call from
    worker threads; ``now`` is the clock (fixed in tests).
    """

    def __init__(self, store: Store, *, now: Callable[[], datetime] = _utcnow) -> None:
        self._store = store
        self._now = now
        self._account = load_account()
        self._arrivals = load_arrivals()
        self._lock = threading.Lock()
        #: The person practising (the config's ``[team] name``, :func:`set_author`): the
        #: demo has one user, so every reply of the brand's is theirs.
        self.author: str | None = None

    @functools.cached_property
    def _user_ids(self) -> dict[str, str]:
        """Every demo user by handle, for the mentions of a post: read on the first post, not
        on opening (the whole world's files are most of what opening would read)."""
        world = load_world()
        return {
            u.username.lower(): u.id for page in [*world.streams.values(), world.arrivals]
            for u in page.users
        }  # fmt: skip

    @property
    def account(self) -> User:
        return self._account

    @property
    def is_demo(self) -> bool:
        return True

    @property
    def store(self) -> Store:
        return self._store

    @property
    def service(self) -> str:
        return "the demo"

    @property
    def capabilities(self) -> Capabilities:
        return DEMO_CAPABILITIES

    @property
    def length_limit(self) -> int:
        return twittertext.MAX_WEIGHTED_LENGTH

    @property
    def poll_seconds(self) -> float:
        return DEMO_POLL_SECONDS

    def tweet_link(self, tweet: Tweet, author: User | None = None) -> str:
        name = author.username if author is not None else "i/web"
        return f"https://x.com/{name}/status/{tweet.id}"

    def reply_refusal(self, tweet: Tweet) -> str | None:
        """As on X: a post found by listening did not summon the brand, so no reply through it."""
        if tweet.author_id == self.account.id or self.account.username.lower() in (
            tweet.mentioned_usernames
        ):
            return None
        from tuicoach.backends.demo import listening

        if not listening.is_opportunity(self._store, tweet.id):
            return None
        return (
            "On X this reply would be refused: X's API accepts replies only to posts that "
            "@mention your account or quote it, and this one does neither. Copy your reply "
            f"and answer on x.com: https://x.com/i/web/status/{tweet.id}"
        )

    def listen(self) -> ListenResult:
        """File what the demo's saved searches have found by now (arrivals keep coming)."""
        from tuicoach.backends.demo import listening

        with self._lock:
            now = _aware(self._now())
            epoch_text = self._store.get_meta(META_ARRIVALS_EPOCH)
            if epoch_text is None:
                _restart_arrivals(self._store, self._arrivals, now)
                epoch_text = self._store.get_meta(META_ARRIVALS_EPOCH)
                assert epoch_text is not None
            epoch = datetime.fromisoformat(epoch_text)
            result = listening.demo_listen(
                self._store, now=now, epoch=epoch, shift=epoch - self._arrivals.reference_time
            )
            self._seen(now)
            return result

    def listen_status(self) -> str | None:
        from tuicoach.backends.demo import listening

        return listening.demo_listen_status(self._store)

    def estimate_search(self, search: SavedSearch) -> SearchEstimate:
        """A simulated estimate from the demo's practice posts: nothing is asked, or spent."""
        from tuicoach.backends.demo import listening

        return listening.demo_estimate(search, self.account.username)

    def spend_today(self) -> str | None:
        return None

    def error_title(self, error: BackendError) -> str:
        return "Demo"

    def sync(self) -> SyncResult:
        """Release into ``mentions`` the practice arrivals whose time has come."""
        with self._lock:
            now = _aware(self._now())
            arrivals = self._arrivals.tweets
            released = _released(self._store)
            epoch_text = self._store.get_meta(META_ARRIVALS_EPOCH)
            if epoch_text is None:  # a store seeded elsewhere: count from now
                _restart_arrivals(self._store, self._arrivals, now)
                epoch_text = self._store.get_meta(META_ARRIVALS_EPOCH)
                assert epoch_text is not None
            epoch = datetime.fromisoformat(epoch_text)
            due: list[Tweet] = []
            for tweet in arrivals[released:]:
                at = epoch + self._arrivals.delay(tweet)
                if at > now:
                    break
                due.append(shifted(tweet, at - tweet.created_at))
            if due:
                self._store.upsert_tweets(due, stream="mentions")
                self._store.set_meta(META_RELEASED, str(released + len(due)))
            self._seen(now)
            return SyncResult(new={"mentions": len(due)}, reads=0)

    def post(
        self,
        text: str,
        *,
        reply_to: Tweet | None = None,
        since: datetime | None = None,  # no team here: nothing to check
        anyway: bool = False,
    ) -> Tweet:
        """Store ``text`` as the brand's own tweet, marked local, as X would have made it.

        A reply carries its conversation, the replied-to author and tweet, so
        it answers that mention exactly as a real reply would. A reply X would
        refuse (to a post found by listening) is refused here too.
        """
        if reply_to is not None and (refusal := self.reply_refusal(reply_to)) is not None:
            raise Refused(refusal)
        parsed = twittertext.parse_tweet(text)
        if not text.strip():
            raise BackendError("Nothing to post: the text is empty. Write something first.")
        if not parsed.valid:
            raise BackendError(
                f"X would refuse this post: it is {parsed.weighted_length} characters long "
                f"as X counts them, over the limit of {twittertext.MAX_WEIGHTED_LENGTH}. "
                "Shorten it, or split it into a thread."
            )
        with self._lock:
            now = _aware(self._now())
            tweet_id = self._new_id(now)
            conversation = tweet_id
            if reply_to is not None:
                conversation = reply_to.conversation_id or self._root_of(reply_to)
            tweet = Tweet(
                id=tweet_id,
                text=text,
                created_at=now,
                author_id=self.account.id,
                conversation_id=conversation,
                in_reply_to_user_id=reply_to.author_id if reply_to is not None else None,
                replied_to_id=reply_to.id if reply_to is not None else None,
                mentions=tuple(self._mentions(text, reply_to)),
            )
            self._store.upsert_tweets([tweet], stream="own", local=True)
            self._store.set_meta(META_LAST_POST_ID, tweet_id)
            self._seen(now)
        return tweet

    def replies_by_author(self) -> dict[str, str]:
        """Every reply of the brand's is its one user's: theirs by name when ``[team] name``
        is set, else nobody is named (a solo user)."""
        if self.author is None:
            return {}
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT t.id FROM tweet_streams AS s JOIN tweets AS t ON t.id = s.tweet_id "
                "WHERE s.stream = 'own' AND t.replied_to_id IS NOT NULL"
            ).fetchall()
        return {str(r[0]): self.author for r in rows}

    def profile(self) -> Profile:
        """The demo brand's profile (``me.json``): its bio and website."""
        from tuicoach.domain.checkup import Profile

        return Profile.from_json(read_json("me.json")["data"])

    def like(self, tweet_id: str) -> None:
        with self._lock:
            now = _aware(self._now())
            self._store.like(tweet_id, now=now)
            self._seen(now)

    def unlike(self, tweet_id: str) -> None:
        with self._lock:
            self._store.unlike(tweet_id)
            self._seen(_aware(self._now()))

    def close(self) -> None:
        with self._lock:
            self._seen(_aware(self._now()))
        self._store.close()

    def _seen(self, now: datetime) -> None:
        """The stored world is consistent with ``now``: the next open moves it from here."""
        anchor = self._store.get_meta(META_ANCHOR)
        if anchor is None or datetime.fromisoformat(anchor) < now:
            self._store.set_meta(META_ANCHOR, _stamp(now))

    # -- helpers

    def _new_id(self, now: datetime) -> str:
        """A snowflake for ``now``, above every id given before and never one stored."""
        millis = max(0, int(now.timestamp() * 1000) - _TWITTER_EPOCH_MS)
        candidate = max(millis << 22, int(self._store.get_meta(META_LAST_POST_ID) or 0) + 1)
        while self._store.tweet(str(candidate)) is not None:
            candidate += 1
        return str(candidate)

    def _root_of(self, tweet: Tweet) -> str:
        """The conversation of a tweet that did not say: the top of its reply chain."""
        seen = {tweet.id}
        while tweet.replied_to_id is not None:
            if tweet.conversation_id is not None:
                return tweet.conversation_id
            parent = self._store.tweet(tweet.replied_to_id)
            if parent is None or parent.id in seen:
                return tweet.replied_to_id
            seen.add(parent.id)
            tweet = parent
        return tweet.conversation_id or tweet.id

    def _mentions(self, text: str, reply_to: Tweet | None) -> Iterable[Mention]:
        known = dict(self._user_ids)
        if reply_to is not None:
            known.update((m.username.lower(), m.id) for m in reply_to.mentions if m.id)
        for entity in twittertext.extract_mentions(text):
            yield Mention(entity.text, entity.start, entity.end, known.get(entity.text.lower()))
