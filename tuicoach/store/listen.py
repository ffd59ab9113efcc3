"""Listening in the store: an account's saved searches, their cursors, and opportunities.

:class:`ListenStore` works on an open :class:`~tuicoach.store.Store` (same
file, same lock, same transactions); the found tweets and their authors go to
the store's ``tweets`` and ``users`` tables, filed in no stream, so they never
show in the timeline or the mentions.

Each search keeps two cursors: ``newest_id``, the newest post it has read (the
next poll's ``since_id``), and a backlog, the ids between which a burst left
posts unread (``since_id``/``until_id`` of the polls that catch up). A page of
results is filed with both cursors in one transaction (:meth:`ListenStore.file_page`),
so a crash loses no post and reads none twice.

A decision (handled, not worth joining with a reason, snoozed) is made about
a tweet, whichever searches found it, and every decision can be undone, newest
first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tuicoach.domain.listen import Opportunity, SavedSearch, State
from tuicoach.domain.models import Tweet, User
from tuicoach.store.engine import Db
from tuicoach.store.store import Store, dt, dt_or_none, ts


@dataclass(frozen=True, slots=True)
class Found:
    """An opportunity with its tweet and author, as the pane and ``tuicoach listen`` show it."""

    opportunity: Opportunity
    tweet: Tweet
    author: User | None


@dataclass(frozen=True, slots=True)
class Backlog:
    """Posts a search has not read yet: ids after ``since`` and before ``until`` (both
    exclusive). ``since`` None: back to the edge of X's 7-day window."""

    since: str | None
    until: str


def _newer_sql(column: str) -> str:
    """SQL true when ``?`` is a newer id than ``column`` (ids are decimal text)."""
    return (
        f"({column} IS NULL OR length({column}) < length(?) "
        f"OR (length({column}) = length(?) AND {column} < ?))"
    )


def _search(row: tuple[object, ...]) -> SavedSearch:
    name, terms, query, lang, exclude = row
    return SavedSearch(
        str(name),
        tuple(json.loads(str(terms))),
        None if query is None else str(query),
        None if lang is None else str(lang),
        tuple(json.loads(str(exclude))),
    )


#: The store's meta key listing the saved searches that came from the config file.
META_CONFIG_SEARCHES = "listen.config_searches"

_OPP_COLUMNS = "tweet_id, search, found_at, state, reason, until"


def _opportunity(row: tuple[object, ...]) -> Opportunity:
    tweet_id, search, found_at, state, reason, until = row
    return Opportunity(
        str(tweet_id),
        str(search),
        dt(str(found_at)),
        State(str(state)),
        str(reason),
        dt_or_none(None if until is None else str(until)),
    )


class ListenStore:
    """Saved searches and opportunities of the account whose store this is."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- saved searches

    def searches(self) -> list[SavedSearch]:
        """Every saved search, in the order they were first saved."""
        with self.store.reading() as db:
            rows = db.execute(
                "SELECT name, terms, query, lang, exclude FROM saved_searches ORDER BY rowid"
            ).fetchall()
        return [_search(r) for r in rows]

    def search(self, name: str) -> SavedSearch | None:
        with self.store.reading() as db:
            row = db.execute(
                "SELECT name, terms, query, lang, exclude FROM saved_searches WHERE name = ?",
                (name,),
            ).fetchone()
        return None if row is None else _search(row)

    def save_search(self, search: SavedSearch, *, now: datetime) -> bool:
        """Add ``search``, or replace the one of that name; True when it is new.

        Changing what a search looks for restarts its cursor: the new query has
        not been run yet.
        """
        values = (
            json.dumps(list(search.terms)),
            search.query,
            search.lang,
            json.dumps(list(search.exclude)),
        )
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT terms, query, lang, exclude FROM saved_searches WHERE name = ?",
                (search.name,),
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO saved_searches "
                    "(name, terms, query, lang, exclude, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (search.name, *values, ts(now), ts(now)),
                )
                return True
            changed = tuple(row) != values
            db.execute(
                "UPDATE saved_searches SET terms = ?, query = ?, lang = ?, "
                "exclude = ?, updated_at = ?"
                + (
                    ", newest_id = NULL, backlog_since = NULL, backlog_until = NULL"
                    if changed
                    else ""
                )
                + " WHERE name = ?",
                (*values, ts(now), search.name),
            )
        return False

    def from_config(self) -> set[str]:
        """The names (lower case) of the saved searches that the config file holds."""
        raw = self.store.get_meta(META_CONFIG_SEARCHES)
        return {str(n).lower() for n in json.loads(raw)} if raw else set()

    def adopt(self, searches: Iterable[SavedSearch], *, now: datetime) -> None:
        """Make the stored searches match the config's ``[[listen]]`` tables.

        The config file is where those searches are edited: one whose terms
        changed there is changed here (its cursor starts over), one added is
        added, and one taken out of the file since the last time is removed,
        with its opportunities. Searches saved in the app or with ``tuicoach
        listen --add`` under other names are left alone.
        """
        wanted = list(searches)
        names = {s.name.lower() for s in wanted}
        for gone in sorted(self.from_config() - names):
            self.remove_search(gone)
        for search in wanted:
            if self.search(search.name) != search:
                self.save_search(search, now=now)
        self.store.set_meta(META_CONFIG_SEARCHES, json.dumps(sorted(names)))

    def remove_search(self, name: str) -> bool:
        """Forget a saved search and its opportunities (the tweets stay); False if unknown."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM opportunity_undo WHERE search = ? COLLATE NOCASE", (name,))
            gone = db.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount
        return bool(gone)

    def cursor(self, name: str) -> str | None:
        """The newest tweet id the search has seen: the next poll's ``since_id``."""
        with self.store.reading() as db:
            row = db.execute(
                "SELECT newest_id FROM saved_searches WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def set_cursor(self, name: str, newest_id: str, *, now: datetime) -> None:
        """Move the cursor forward (never back: ids only grow)."""
        with self.store.transaction() as db:
            self._move_cursor(db, name, newest_id, now)

    @staticmethod
    def _move_cursor(db: Db, name: str, newest_id: str, now: datetime) -> None:
        db.execute(
            "UPDATE saved_searches SET newest_id = ?, updated_at = ? WHERE name = ? AND "
            + _newer_sql("newest_id"),
            (newest_id, ts(now), name, newest_id, newest_id, newest_id),
        )

    def backlog(self, name: str) -> Backlog | None:
        """What a burst left unread for the search, or None when it has caught up."""
        with self.store.reading() as db:
            row = db.execute(
                "SELECT backlog_since, backlog_until FROM saved_searches WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None or row[1] is None:
            return None
        return Backlog(None if row[0] is None else str(row[0]), str(row[1]))

    def file_page(
        self,
        name: str,
        tweets: Iterable[Tweet],
        users: Iterable[User],
        *,
        newest: str | None,
        backlog: Backlog | None,
        now: datetime,
    ) -> list[str]:
        """File one page of search ``name`` and its cursors, in one transaction.

        The tweets, their authors and the opportunities are saved; the cursor
        moves forward to ``newest`` (when given) and the backlog becomes
        ``backlog`` (None: caught up). All of it is saved, or none of it, so a
        crash between pages leaves cursors that match what is stored. Returns
        the ids no search had found before.
        """
        batch = list(tweets)
        people = list(users)
        with self.store.transaction() as db:
            if people:
                self.store._upsert_users(db, people)
            if batch:
                Store.keep_tweets(db, batch, stream=None, local=False)
            fresh = self._file(db, name, batch, now)
            if newest is not None:
                self._move_cursor(db, name, newest, now)
            db.execute(
                "UPDATE saved_searches SET backlog_since = ?, backlog_until = ?, "
                "updated_at = ? WHERE name = ?",
                (
                    None if backlog is None else backlog.since,
                    None if backlog is None else backlog.until,
                    ts(now),
                    name,
                ),
            )
        if batch:
            self.store.tweets_written(batch)
        return fresh

    # -- opportunities

    def add(
        self, name: str, tweets: Iterable[Tweet], users: Iterable[User], *, now: datetime
    ) -> list[str]:
        """File what search ``name`` found; return the ids not seen by any search before."""
        batch = list(tweets)
        self.store.upsert_users(users)
        self.store.upsert_tweets(batch)
        with self.store.transaction() as db:
            return self._file(db, name, batch, now)

    @staticmethod
    def _file(db: Db, name: str, batch: list[Tweet], now: datetime) -> list[str]:
        fresh: list[str] = []
        for tweet in batch:
            known = db.execute(
                "SELECT 1 FROM opportunities WHERE tweet_id = ?", (tweet.id,)
            ).fetchone()
            inserted = db.execute(
                "INSERT OR IGNORE INTO opportunities (search, tweet_id, found_at) VALUES (?, ?, ?)",
                (name, tweet.id, ts(now)),
            ).rowcount
            if inserted and known is None:
                fresh.append(tweet.id)
        return fresh

    def opportunities(self, *, now: datetime, closed: bool = False) -> list[Found]:
        """Opportunities, each tweet once (under the search that found it first), newest first.

        Only the open ones (and ended snoozes) unless ``closed``.
        """
        with self.store.reading(snapshot=True) as db:
            rows = db.execute(
                f"SELECT {_OPP_COLUMNS} FROM opportunities ORDER BY found_at, rowid"
            ).fetchall()
        first: dict[str, Opportunity] = {}
        for row in rows:
            opp = _opportunity(row)
            first.setdefault(opp.tweet_id, opp)
        wanted = [o for o in first.values() if closed or o.is_open(now)]
        tweets = self.store.tweets(o.tweet_id for o in wanted)
        authors = self.store.users({t.author_id for t in tweets.values()})
        found = [
            Found(o, tweets[o.tweet_id], authors.get(tweets[o.tweet_id].author_id))
            for o in wanted
            if o.tweet_id in tweets
        ]
        found.sort(key=lambda f: (f.tweet.created_at, f.tweet.id), reverse=True)
        return found

    def open_count(self, *, now: datetime) -> int:
        return len(self.opportunities(now=now))

    def opportunity(self, tweet_id: str) -> Opportunity | None:
        with self.store.reading() as db:
            row = db.execute(
                f"SELECT {_OPP_COLUMNS} FROM opportunities WHERE tweet_id = ? "
                "ORDER BY found_at, rowid LIMIT 1",
                (tweet_id,),
            ).fetchone()
        return None if row is None else _opportunity(row)

    def decide(
        self,
        tweet_id: str,
        state: State,
        *,
        reason: str = "",
        until: datetime | None = None,
    ) -> None:
        """Mark the tweet handled, not worth joining (``reason``), snoozed (``until``) or open."""
        if state is State.NOT_WORTH and not reason.strip():
            raise ValueError("say why it is not worth joining (a reason is required)")
        if state is State.SNOOZED and until is None:
            raise ValueError("a snooze needs the moment it ends")
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT search, state, reason, until FROM opportunities WHERE tweet_id = ?",
                (tweet_id,),
            ).fetchall()
            if not rows:
                raise KeyError(f"no opportunity for tweet {tweet_id}")
            for search, old_state, old_reason, old_until in rows:
                db.execute(
                    "INSERT INTO opportunity_undo (search, tweet_id, state, reason, until) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (search, tweet_id, old_state, old_reason, old_until),
                )
            db.execute(
                "UPDATE opportunities SET state = ?, reason = ?, until = ? WHERE tweet_id = ?",
                (
                    state.value,
                    reason.strip(),
                    None if until is None else ts(until),
                    tweet_id,
                ),
            )

    def undo(self) -> str | None:
        """Take back the newest decision; return its tweet id, or None when there is none."""
        with self.store.transaction() as db:
            last = db.execute(
                "SELECT tweet_id FROM opportunity_undo ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if last is None:
                return None
            tweet_id = str(last[0])
            newest = db.execute(
                "SELECT max(id) FROM opportunity_undo WHERE tweet_id = ?", (tweet_id,)
            ).fetchone()[0]
            # One decision wrote one row per search that found the tweet, in a run.
            rows = db.execute(
                "SELECT id, search, state, reason, until FROM opportunity_undo "
                "WHERE tweet_id = ? ORDER BY id DESC",
                (tweet_id,),
            ).fetchall()
            count = db.execute(
                "SELECT count(*) FROM opportunities WHERE tweet_id = ?", (tweet_id,)
            ).fetchone()[0]
            taken = [r for r in rows if r[0] > newest - max(1, count)]
            for _id, search, state, reason, until in taken:
                db.execute(
                    "UPDATE opportunities SET state = ?, reason = ?, until = ? "
                    "WHERE search = ? AND tweet_id = ?",
                    (state, reason, until, search, tweet_id),
                )
            db.execute(
                f"DELETE FROM opportunity_undo WHERE id IN ({', '.join('?' * len(taken))})",
                [r[0] for r in taken],
            )
        return tweet_id
