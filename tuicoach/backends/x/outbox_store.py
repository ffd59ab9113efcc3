"""The outbox's table and its queries: X's posts on their way out (see ``outbox.py``).

The table is the X backend's own: its schema steps are registered with the
store by name (:func:`tuicoach.store.schema.register_steps`), in the places
``schema.MIGRATIONS`` gives them, so a database of any version upgrades the
same way whichever modules a process imports. The queries go through the
store's public connection API (:meth:`Store.transaction`, :meth:`Store.reading`).

Stdlib and store only: no tweepy, so the UI may read a draft's state cheaply.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from tuicoach.domain.models import Tweet
from tuicoach.store import schema
from tuicoach.store.store import (
    OutboxItem,
    OutboxState,
    OutboxStatus,
    Store,
    dt,
    dt_or_none,
    outbox_status,
    ts,
)

# Step 1 -> 2 (with the store's likes and demo-post flag). Shipped: never edit.
V2_OUTBOX = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    reply_to_id TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    tweet_id TEXT,
    last_error TEXT
);
CREATE INDEX outbox_by_state ON outbox (state, id);
"""

# Step 4 -> 5. Shipped: never edit.
V5_OUTBOX_DRAFTS = """
-- Exactly once (backends/x/outbox.py): which draft a post came from, when the
-- last attempt went to X (an in-flight post is not sent again before a lookup
-- has waited long enough after it), and when X's copy was known.
ALTER TABLE outbox ADD COLUMN draft_id INTEGER;
ALTER TABLE outbox ADD COLUMN attempted_at TEXT;
ALTER TABLE outbox ADD COLUMN settled_at TEXT;
CREATE INDEX outbox_by_draft ON outbox (draft_id, id);
"""

schema.register_steps({"x.outbox": V2_OUTBOX, "x.outbox_drafts": V5_OUTBOX_DRAFTS})

COLUMNS = (
    "id, text, reply_to_id, state, created_at, attempts, tweet_id, last_error, "
    "draft_id, attempted_at, settled_at"
)


def item_from_row(row: tuple[Any, ...] | sqlite3.Row) -> OutboxItem:
    item_id, text, reply_to, state, created, attempts, tweet_id, error = row[:8]
    draft_id, attempted, settled = row[8:]
    return OutboxItem(
        item_id,
        text,
        reply_to,
        OutboxState(state),
        dt(created),
        attempts,
        tweet_id,
        error,
        draft_id,
        dt_or_none(attempted),
        dt_or_none(settled),
    )


def add(
    store: Store,
    text: str,
    *,
    reply_to_id: str | None,
    now: datetime,
    draft_id: int | None = None,
) -> OutboxItem:
    """Record a post before any byte of it goes to X, tied to the draft it came from."""
    with store.transaction() as db:
        row = db.execute(
            "INSERT INTO outbox (text, reply_to_id, state, created_at, draft_id) "
            f"VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}",
            (text, reply_to_id, OutboxState.PENDING.value, ts(now), draft_id),
        ).fetchone()
    return item_from_row(row)


def pending(store: Store) -> list[OutboxItem]:
    """Items not yet confirmed nor given up (``pending`` and ``sending``), oldest first."""
    with store.reading() as db:
        rows = db.execute(
            f"SELECT {COLUMNS} FROM outbox WHERE state IN ('pending', 'sending') ORDER BY id"
        ).fetchall()
    return [item_from_row(r) for r in rows]


def items(store: Store, *, limit: int = 200) -> list[OutboxItem]:
    """The latest ``limit`` records, newest first, whatever their state."""
    with store.reading() as db:
        rows = db.execute(
            f"SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    return [item_from_row(r) for r in rows]


def item(store: Store, item_id: int) -> OutboxItem | None:
    with store.reading() as db:
        row = db.execute(f"SELECT {COLUMNS} FROM outbox WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else item_from_row(row)


def for_draft(store: Store, draft_id: int) -> OutboxItem | None:
    """The latest record made from draft ``draft_id`` (``None``: never sent)."""
    with store.reading() as db:
        row = db.execute(
            f"SELECT {COLUMNS} FROM outbox WHERE draft_id = ? ORDER BY id DESC", (draft_id,)
        ).fetchone()
    return None if row is None else item_from_row(row)


def draft_status(store: Store, draft_id: int) -> OutboxStatus | None:
    """What the compose pane says about a draft, and whether Send may post it.

    ``None`` when the draft was never sent (or its last try was refused and
    the user may fix and send it again: then the status says why).
    """
    found = for_draft(store, draft_id)
    return None if found is None else outbox_status(found)


def update(
    store: Store,
    item_id: int,
    *,
    state: OutboxState | str,
    tweet_id: str | None = None,
    error: str | None = None,
    now: datetime | None = None,
) -> OutboxItem:
    """Move an item on. Entering ``sending`` counts an attempt at ``now``;
    ``sent`` clears the error; ``sent`` and ``failed`` are settled at ``now``."""
    state = OutboxState(state)
    stamp = ts(now if now is not None else datetime.now(UTC))
    with store.transaction() as db:
        row = db.execute(
            "UPDATE outbox SET state = :state, "
            "attempts = attempts + (:state = 'sending'), "
            "attempted_at = CASE WHEN :state = 'sending' THEN :now ELSE attempted_at END, "
            "settled_at = CASE WHEN :state IN ('sent', 'failed') THEN :now ELSE NULL END, "
            "tweet_id = coalesce(:tweet_id, tweet_id), "
            "last_error = CASE WHEN :error IS NOT NULL THEN :error "
            "WHEN :state = 'sent' THEN NULL ELSE last_error END "
            f"WHERE id = :id RETURNING {COLUMNS}",
            {"state": state.value, "tweet_id": tweet_id, "error": error, "id": item_id,
             "now": stamp},
        ).fetchone()  # fmt: skip
    if row is None:
        raise KeyError(f"no outbox item {item_id} in {store.path}")
    return item_from_row(row)


def claim(store: Store, found: OutboxItem, *, now: datetime) -> OutboxItem | None:
    """Mark ``found`` in flight for one more attempt, only if nobody moved it since it was
    read (same state, same attempts): of two processes about to send it, one wins.
    ``None``: another process claimed or settled it first."""
    with store.transaction() as db:
        row = db.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
            "attempted_at = ?, settled_at = NULL "
            "WHERE id = ? AND state = ? AND attempts = ? AND state IN ('pending', 'sending') "
            f"RETURNING {COLUMNS}",
            (ts(now), found.id, found.state.value, found.attempts),
        ).fetchone()
    return None if row is None else item_from_row(row)


def sent(store: Store, item_id: int, tweet: Tweet, *, now: datetime) -> OutboxItem:
    """X has the post: in one transaction, keep the tweet among our own, mark the
    record sent, and clear the draft it came from (if not edited since).

    A reply stored here answers its mention, so the mention leaves the owed
    list for every process that reads this file.
    """
    with store.transaction() as db:
        store.keep_tweets(db, [tweet], stream="own", local=False)
        row = db.execute(
            "UPDATE outbox SET state = 'sent', tweet_id = ?, last_error = NULL, "
            f"settled_at = ? WHERE id = ? RETURNING {COLUMNS}",
            (tweet.id, ts(now), item_id),
        ).fetchone()
        if row is None:
            raise KeyError(f"no outbox item {item_id} in {store.path}")
        done = item_from_row(row)
        if done.draft_id is not None:
            draft = db.execute("SELECT text FROM drafts WHERE id = ?", (done.draft_id,)).fetchone()
            if draft is not None and " ".join(draft[0].split()) == " ".join(done.text.split()):
                db.execute("DELETE FROM drafts WHERE id = ?", (done.draft_id,))
    store.tweets_written([tweet])
    return done
