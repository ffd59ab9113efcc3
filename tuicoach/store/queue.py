"""The posting queue in the store: drafts waiting for their slot (schema version 4).

An item is ``queued`` until a process *claims* it: one conditional ``UPDATE``
moves it to ``posting`` and names the claimant, so when the app and ``tuicoach
queue run`` look at once, exactly one of them gets it and posts. Then it is
``posted`` (with the tweet's id), ``held`` for the user (a missed slot, by the
config's choice, or a post that may have gone out and needs a look), or
``failed`` with the service's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tuicoach.domain.models import isoformat
from tuicoach.store.store import Store, dt, dt_or_none, ts


class QueueState(StrEnum):
    QUEUED = "queued"
    POSTING = "posting"
    POSTED = "posted"
    HELD = "held"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    text: str
    reply_to_id: str | None
    slot_at: datetime
    state: QueueState
    created_at: datetime
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    posted_at: datetime | None = None
    tweet_id: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else isoformat(moment)

        return {
            "id": self.id,
            "text": self.text,
            "reply_to_id": self.reply_to_id,
            "slot_at": iso(self.slot_at),
            "state": self.state.value,
            "created_at": iso(self.created_at),
            "posted_at": iso(self.posted_at),
            "tweet_id": self.tweet_id,
            "note": self.note,
        }


_COLUMNS = (
    "id, text, reply_to_id, slot_at, state, created_at, claimed_at, claimed_by, posted_at, "
    "tweet_id, note"
)


def _item(row: tuple[Any, ...]) -> QueueItem:
    return QueueItem(
        id=row[0],
        text=row[1],
        reply_to_id=row[2],
        slot_at=dt(row[3]),
        state=QueueState(row[4]),
        created_at=dt(row[5]),
        claimed_at=dt_or_none(row[6]),
        claimed_by=row[7],
        posted_at=dt_or_none(row[8]),
        tweet_id=row[9],
        note=row[10],
    )


def enqueue(
    store: Store, text: str, *, slot_at: datetime, now: datetime, reply_to_id: str | None = None
) -> QueueItem:
    with store.transaction() as db:
        row = db.execute(
            "INSERT INTO queue (text, reply_to_id, slot_at, state, created_at) "
            f"VALUES (?, ?, ?, 'queued', ?) RETURNING {_COLUMNS}",
            (text, reply_to_id, ts(slot_at), ts(now)),
        ).fetchone()
    return _item(row)


def items(store: Store, *, states: tuple[QueueState, ...] | None = None) -> list[QueueItem]:
    """Queue items by slot (then id); by default the ones not yet posted."""
    chosen = states or (QueueState.QUEUED, QueueState.POSTING, QueueState.HELD, QueueState.FAILED)
    marks = ", ".join("?" * len(chosen))
    with store.reading() as db:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM queue WHERE state IN ({marks}) ORDER BY slot_at, id",
            [s.value for s in chosen],
        ).fetchall()
    return [_item(r) for r in rows]


def item(store: Store, item_id: int) -> QueueItem | None:
    with store.reading() as db:
        row = db.execute(f"SELECT {_COLUMNS} FROM queue WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else _item(row)


def claim(store: Store, item_id: int, *, by: str, now: datetime) -> QueueItem | None:
    """Take a queued item for posting; ``None`` when another process already has it."""
    with store.transaction() as db:
        row = db.execute(
            "UPDATE queue SET state = 'posting', claimed_at = ?, claimed_by = ? "
            f"WHERE id = ? AND state = 'queued' RETURNING {_COLUMNS}",
            (ts(now), by, item_id),
        ).fetchone()
    return None if row is None else _item(row)


def reclaim(
    store: Store, item_id: int, *, stale_by: str, by: str, now: datetime
) -> QueueItem | None:
    """Take over a ``posting`` item whose claimant is gone (it was ``stale_by``)."""
    with store.transaction() as db:
        row = db.execute(
            "UPDATE queue SET claimed_at = ?, claimed_by = ? "
            f"WHERE id = ? AND state = 'posting' AND claimed_by = ? RETURNING {_COLUMNS}",
            (ts(now), by, item_id, stale_by),
        ).fetchone()
    return None if row is None else _item(row)


def finish(
    store: Store,
    item_id: int,
    state: QueueState,
    *,
    now: datetime,
    tweet_id: str | None = None,
    note: str | None = None,
) -> QueueItem:
    """Move an item on (posted, held, failed, or back to queued)."""
    with store.transaction() as db:
        row = db.execute(
            "UPDATE queue SET state = :state, "
            "posted_at = CASE WHEN :state = 'posted' THEN :now ELSE posted_at END, "
            "tweet_id = coalesce(:tweet_id, tweet_id), note = coalesce(:note, note), "
            "claimed_by = CASE WHEN :state = 'queued' THEN NULL ELSE claimed_by END "
            f"WHERE id = :id RETURNING {_COLUMNS}",
            {
                "state": state.value,
                "now": ts(now),
                "tweet_id": tweet_id,
                "note": note,
                "id": item_id,
            },
        ).fetchone()
    if row is None:
        raise KeyError(f"no queue item {item_id} in {store.path}")
    return _item(row)


def edit(
    store: Store, item_id: int, *, text: str | None = None, slot_at: datetime | None = None
) -> QueueItem | None:
    """Change a waiting item's text or slot; ``None`` when it is no longer waiting."""
    with store.transaction() as db:
        row = db.execute(
            "UPDATE queue SET text = coalesce(?, text), slot_at = coalesce(?, slot_at), "
            "state = 'queued', note = '' "
            f"WHERE id = ? AND state IN ('queued', 'held', 'failed') RETURNING {_COLUMNS}",
            (text, None if slot_at is None else ts(slot_at), item_id),
        ).fetchone()
    return None if row is None else _item(row)


def delete(store: Store, item_id: int) -> bool:
    """Remove a waiting item; False when it is being posted or already was."""
    with store.transaction() as db:
        cursor = db.execute(
            "DELETE FROM queue WHERE id = ? AND state IN ('queued', 'held', 'failed')", (item_id,)
        )
    return cursor.rowcount == 1
