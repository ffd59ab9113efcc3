"""The X cost meter's tables and queries (``cost.py`` holds the prices and the sums).

Counts per UTC day, and the items read today (X bills a repeat read the same
day nothing). Its schema step is registered with the store by name, in the
place ``tuicoach.store.schema.MIGRATIONS`` gives it. Stdlib and store only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from tuicoach.store import schema
from tuicoach.store.engine import Db
from tuicoach.store.store import Store, ts

# Step 2 -> 3. Shipped: never edit.
V3_USAGE = """
-- The X cost meter (backends/x/cost.py): counts per UTC day, e.g. post_reads.
CREATE TABLE usage_counts (
    day TEXT NOT NULL,  -- YYYY-MM-DD, UTC
    metric TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric)
) WITHOUT ROWID;

-- Items read on the current UTC day: X bills a repeat read the same day nothing.
CREATE TABLE usage_reads (
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'user')),
    item_id TEXT NOT NULL,
    PRIMARY KEY (day, kind, item_id)
) WITHOUT ROWID;
"""

# The same step for a store on PostgreSQL (see tuicoach/store/pg_schema.py).
PG_USAGE = """
CREATE TABLE usage_counts (
    day text COLLATE "C" NOT NULL,
    metric text COLLATE "C" NOT NULL,
    count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric)
);

CREATE TABLE usage_reads (
    day text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL CHECK (kind IN ('post', 'user')),
    item_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (day, kind, item_id)
);
"""

schema.register_steps({"x.usage": V3_USAGE}, postgresql={"x.usage": PG_USAGE})


#: A kind of read -> the kind of item it reads (X bills each item once a UTC day).
READ_KINDS = {"post": "post", "user": "user", "owned": "post"}


def day_of(moment: datetime) -> str:
    """The UTC day of ``moment``, as ``YYYY-MM-DD``."""
    return ts(moment)[:10]


def _add_count(db: Db, day: str, metric: str, count: int) -> None:
    db.execute(
        "INSERT INTO usage_counts (day, metric, count) VALUES (?, ?, ?) "
        "ON CONFLICT (day, metric) DO UPDATE SET count = usage_counts.count + excluded.count",
        (day, metric, count),
    )


def record(
    store: Store,
    *,
    now: datetime,
    reads: Mapping[str, Iterable[str]] | None = None,
    counts: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Count one exchange with X at ``now``, in one transaction.

    ``reads`` maps a kind (``post``, ``user``, ``owned``) to the ids read; X
    bills an item once per UTC day, so only ids not yet read that day are
    counted, under ``<kind>_reads``, and returned per kind. ``owned`` is a
    post of the account's own lists (its mentions, its tweets), priced apart
    since 2026-04-20: it is still a post, read once a day whichever way.
    ``counts`` adds to other daily metrics (``requests``,
    ``posts_created``...). Earlier days' ids are dropped: they no longer matter.
    """
    day = day_of(now)
    billed: dict[str, int] = {}
    with store.transaction() as db:
        for kind, ids in (reads or {}).items():
            if kind not in READ_KINDS:
                raise ValueError(
                    f"unknown kind of read {kind!r}; expected one of {', '.join(READ_KINDS)}"
                )
            # On both engines, an executemany's rowcount is the rows it inserted.
            billed[kind] = max(
                0,
                db.executemany(
                    "INSERT OR IGNORE INTO usage_reads (day, kind, item_id) VALUES (?, ?, ?)",
                    [(day, READ_KINDS[kind], item) for item in dict.fromkeys(ids)],
                ).rowcount,
            )
            if billed[kind]:
                _add_count(db, day, f"{kind}_reads", billed[kind])
        for metric, count in (counts or {}).items():
            if not metric:
                raise ValueError("a usage metric needs a name")
            _add_count(db, day, metric, count)
        db.execute("DELETE FROM usage_reads WHERE day < ?", (day,))
    return billed


def counts(store: Store, first: date, last: date) -> dict[date, dict[str, int]]:
    """Counts per UTC day from ``first`` to ``last`` (days with none are absent)."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT day, metric, count FROM usage_counts WHERE day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ).fetchall()
    found: dict[date, dict[str, int]] = {}
    for day, metric, count in rows:
        found.setdefault(date.fromisoformat(day), {})[metric] = int(count)
    return found
