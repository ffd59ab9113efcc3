"""Presence: who on the team has a mention open, or is replying to it, right now.

Each person has at most one row (``who``: their ``[team] name``), kept alive by
a heartbeat while a mention is open in their Compose pane; a row whose
heartbeat is older than :data:`TTL` is read as gone (a machine that went away
leaves no ghost for long), and the next heartbeat of anyone sweeps it.

:func:`team_view` is everything the Mentions pane shows of the team at one
moment: presence, claims (``store/team.py``), teammates' drafts and who made a
mark. On PostgreSQL every change of presence or claims is announced with
``pg_notify`` in the transaction that makes it (:func:`tuicoach.store.team.changed`),
and a :class:`Listener` on a connection of its own hears it; on SQLite, and as
a fallback should that connection drop, the UI polls.

No Textual here: the listener calls a plain function, from its own thread.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tuicoach.domain.team import Claim, Presence, TeamView
from tuicoach.store.store import Store, dt, ts

log = logging.getLogger(__name__)

#: A presence row without a heartbeat for this long is gone.
TTL = timedelta(seconds=25)
#: How often an open mention's heartbeat is sent (well inside :data:`TTL`).
HEARTBEAT_SECONDS = 8.0
STATES = ("open", "replying")


def _who(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValueError('presence needs a name: set name under [team] in the config ("Jen")')
    return clean


def heartbeat(store: Store, *, who: str, tweet_id: str, state: str, now: datetime) -> bool:
    """``who`` has ``tweet_id`` open (or is replying to it) as of ``now``.

    Returns whether that is news (another mention or state than their row said, or
    their row had expired): only news is announced to the listeners.
    """
    if state not in STATES:
        raise ValueError(f"presence state {state!r}: it is one of {', '.join(STATES)}")
    name = _who(who)
    stamp, expired = ts(now), ts(now - TTL)
    with store.transaction() as db:
        before = db.execute(
            "SELECT tweet_id, state, heartbeat_at FROM presence WHERE who = ?", (name,)
        ).fetchone()
        db.execute("DELETE FROM presence WHERE heartbeat_at < ? AND who <> ?", (expired, name))
        db.execute(
            "INSERT INTO presence (who, tweet_id, state, heartbeat_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (who) DO UPDATE SET tweet_id = excluded.tweet_id, "
            "state = excluded.state, heartbeat_at = excluded.heartbeat_at",
            (name, tweet_id, state, stamp),
        )
        news = (
            before is None
            or (str(before[0]), str(before[1])) != (tweet_id, state)
            or str(before[2]) < expired
        )
        if news:
            from tuicoach.store import team

            team.changed(store, db, f"presence {tweet_id}")
    return news


def leave(store: Store, *, who: str) -> bool:
    """``who`` closed the mention they had open; ``False`` when they had none."""
    with store.transaction() as db:
        gone = db.execute("DELETE FROM presence WHERE who = ?", (_who(who),)).rowcount
        if gone:
            from tuicoach.store import team

            team.changed(store, db, "presence")
    return bool(gone)


def present(store: Store, *, now: datetime) -> list[Presence]:
    """Everyone with a mention open as of ``now`` (heartbeats within :data:`TTL`)."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT who, tweet_id, state, heartbeat_at FROM presence "
            "WHERE heartbeat_at >= ? ORDER BY who",
            (ts(now - TTL),),
        ).fetchall()
    return [Presence(str(r[0]), str(r[1]), str(r[2]), dt(str(r[3]))) for r in rows]


def team_view(store: Store, *, now: datetime) -> TeamView:
    """Presence, claims, teammates' drafts on mentions, and who made each mark."""
    by_tweet: dict[str, list[Presence]] = {}
    for p in present(store, now=now):
        by_tweet.setdefault(p.tweet_id, []).append(p)
    with store.reading() as db:
        claimed = db.execute("SELECT 1 FROM claims WHERE claimed_by IS NOT NULL LIMIT 1")
        anyone = claimed.fetchone() is not None
        draft_rows = db.execute(
            "SELECT DISTINCT reply_to_id, author FROM drafts "
            "WHERE reply_to_id IS NOT NULL AND author IS NOT NULL ORDER BY author"
        ).fetchall()
        mark_rows = db.execute(
            "SELECT tweet_id, marked_by FROM marks WHERE marked_by IS NOT NULL"
        ).fetchall()
    held: dict[str, Claim] = {}
    if anyone:  # the claims module only where someone has claimed (a team's store)
        from tuicoach.store import team

        held = team.claims(store)
    drafts: dict[str, list[str]] = {}
    for tweet_id, author in draft_rows:
        drafts.setdefault(str(tweet_id), []).append(str(author))
    names = {p.who for ps in by_tweet.values() for p in ps}
    names |= {c.by for c in held.values()} | {c.assigned_by for c in held.values() if c.assigned_by}
    names |= {a for authors in drafts.values() for a in authors}
    names |= {str(r[1]) for r in mark_rows}
    return TeamView(
        {k: tuple(v) for k, v in by_tweet.items()},
        held,
        {k: tuple(v) for k, v in drafts.items()},
        {str(r[0]): str(r[1]) for r in mark_rows},
        tuple(sorted(names)),
    )


class Listener:
    """Hears the team's changes on PostgreSQL (``LISTEN``) and calls ``on_change`` for each.

    It runs in a daemon thread on a connection of its own (never the pool's). A
    dropped connection is retried every ``retry`` seconds, and ``on_change`` is
    called after each (re)connection, since changes made meanwhile were not heard.
    ``on_change`` must be quick and thread-safe (the UI hands it to its own loop).
    """

    def __init__(
        self,
        store: Store,
        on_change: Callable[[str], None],
        *,
        retry: float = 2.0,
        wait: float = 0.25,
    ) -> None:
        self._store, self._on_change = store, on_change
        self._retry, self._wait = retry, wait
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in effect
        self._thread = threading.Thread(target=self._run, name="tuicoach-team-listen", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            connection: Any = None
            try:
                connection = self._store.dedicated_connection()
                from tuicoach.store import team

                connection.execute(f"LISTEN {team.CHANNEL}")
                self.listening.set()
                self._on_change("listening")
                while not self._stop.is_set():
                    for notice in connection.notifies(timeout=self._wait):
                        self._on_change(notice.payload)
            except (psycopg.Error, OSError) as exc:
                log.info("team listener lost its connection (%s); retrying", type(exc).__name__)
            except Exception as exc:  # a store error (the server is gone): retry the same
                log.info("team listener could not connect (%s); retrying", exc)
            finally:
                self.listening.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):  # closing a broken connection
                        connection.close()
            self._stop.wait(self._retry)


def listen(store: Store, on_change: Callable[[str], None]) -> Listener | None:
    """A started :class:`Listener` on PostgreSQL; ``None`` on SQLite (there, poll)."""
    if store.engine != "postgresql":
        return None
    return Listener(store, on_change).start()
