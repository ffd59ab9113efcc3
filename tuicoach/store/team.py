"""Claims and assignments: which teammate has a mention, on a store the team shares.

One key claims a mention for the person at this machine (``[team] name``):
:func:`claim` is one conditional ``UPDATE`` (after making sure the mention has
a row), so when several people claim at once, exactly one wins and the others
are told who has it. Claiming again what you hold keeps it. :func:`assign`
gives a mention to a named teammate whoever held it (an assignment is a
decision, not a race), and :func:`release` lets go of one's own claim.

Works the same on both engines: on SQLite the write transaction serialises the
claimers; on PostgreSQL the second ``UPDATE`` waits for the first's row lock,
then finds its condition no longer holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tuicoach.domain.team import Claim
from tuicoach.store.engine import Db
from tuicoach.store.store import Store, dt, ts


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """What :func:`claim` did: ``won`` it, or not, and who holds the mention now."""

    won: bool
    holder: Claim


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValueError('a claim needs a name: set name under [team] in the config ("Jen")')
    return clean


def _claim(row: tuple[object, ...]) -> Claim:
    tweet_id, by, at, assigned_by = row
    return Claim(
        str(tweet_id), str(by), dt(str(at)), None if assigned_by is None else str(assigned_by)
    )


_COLUMNS = "tweet_id, claimed_by, claimed_at, assigned_by"

#: The PostgreSQL channel a change to claims or presence is announced on (store/presence.py).
CHANNEL = "tuicoach_team"


def changed(store: Store, db: Db, what: str) -> None:
    """Tell the teammates' listeners, in this transaction (sent when it commits, never if it
    rolls back); on SQLite they poll, and this does nothing."""
    if store.engine == "postgresql":
        db.execute("SELECT pg_notify(?, ?)", (CHANNEL, what[:200]))


def claim(store: Store, tweet_id: str, *, by: str, now: datetime) -> ClaimResult:
    """Claim ``tweet_id`` for ``by`` unless a teammate has it; says who holds it after."""
    name = _name(by)
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO claims (tweet_id) VALUES (?)", (tweet_id,))
        won = db.execute(
            "UPDATE claims SET claimed_by = ?, claimed_at = ?, assigned_by = NULL "
            "WHERE tweet_id = ? AND (claimed_by IS NULL OR claimed_by = ?) "
            f"RETURNING {_COLUMNS}",
            (name, ts(now), tweet_id, name),
        ).fetchone()
        if won is not None:
            changed(store, db, f"claim {tweet_id}")
            return ClaimResult(True, _claim(won))
        held = db.execute(
            f"SELECT {_COLUMNS} FROM claims WHERE tweet_id = ?", (tweet_id,)
        ).fetchone()
    return ClaimResult(False, _claim(held))


def assign(store: Store, tweet_id: str, *, to: str, by: str, now: datetime) -> Claim:
    """Give ``tweet_id`` to teammate ``to`` (whoever had it), saying ``by`` whom."""
    with store.transaction() as db:
        row = db.execute(
            "INSERT INTO claims (tweet_id, claimed_by, claimed_at, assigned_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (tweet_id) DO UPDATE SET "
            "claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, "
            f"assigned_by = excluded.assigned_by RETURNING {_COLUMNS}",
            (tweet_id, _name(to), ts(now), _name(by)),
        ).fetchone()
        changed(store, db, f"assign {tweet_id}")
    return _claim(row)


def release(store: Store, tweet_id: str, *, by: str) -> bool:
    """Let go of ``by``'s claim on ``tweet_id``; ``False`` when they did not hold it."""
    with store.transaction() as db:
        gone = db.execute(
            "UPDATE claims SET claimed_by = NULL, claimed_at = NULL, assigned_by = NULL "
            "WHERE tweet_id = ? AND claimed_by = ?",
            (tweet_id, _name(by)),
        ).rowcount
        if gone:
            changed(store, db, f"release {tweet_id}")
    return bool(gone)


def holder(store: Store, tweet_id: str) -> Claim | None:
    with store.reading() as db:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM claims WHERE tweet_id = ? AND claimed_by IS NOT NULL",
            (tweet_id,),
        ).fetchone()
    return None if row is None else _claim(row)


def claims(store: Store, tweet_ids: Iterable[str] | None = None) -> dict[str, Claim]:
    """Every held mention (or those among ``tweet_ids``), by tweet id: for "mine" and
    "unassigned" beside "owed only"."""
    with store.reading() as db:
        rows = db.execute(f"SELECT {_COLUMNS} FROM claims WHERE claimed_by IS NOT NULL").fetchall()
    found = {str(r[0]): _claim(r) for r in rows}
    if tweet_ids is None:
        return found
    return {t: found[t] for t in tweet_ids if t in found}


#: How long a machine's hold on syncing lasts without a renewal: when it goes away, another
#: takes over within this (each sync renews it; the app syncs more often than this).
SYNC_LEASE = timedelta(seconds=60)


def hold_sync_lease(
    store: Store, account: str, holder: str, *, now: datetime, lease: timedelta = SYNC_LEASE
) -> str:
    """Take or renew the lease to sync ``account`` from X for ``holder`` (a machine), unless
    another holds it unexpired; returns who holds it after (``holder`` when this one does).

    One conditional upsert: of several machines asking at once exactly one gets it, so X's
    reads are paid once and the others read the new tweets from the shared store.
    """
    with store.transaction() as db:
        won = db.execute(
            "INSERT INTO sync_lease (account, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (account) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at "
            "WHERE sync_lease.holder = excluded.holder OR sync_lease.expires_at < ? "
            "RETURNING holder",
            (account, holder, ts(now + lease), ts(now)),
        ).fetchone()
        if won is not None:
            return holder
        row = db.execute("SELECT holder FROM sync_lease WHERE account = ?", (account,)).fetchone()
    return str(row[0])


def drop_sync_lease(store: Store, account: str, holder: str) -> None:
    """Let go of the lease, so a teammate's machine takes over at once rather than when it
    lapses (X's backend calls it on close: when the app or ``tuicoach sync`` quits)."""
    with store.transaction() as db:
        db.execute("DELETE FROM sync_lease WHERE account = ? AND holder = ?", (account, holder))
