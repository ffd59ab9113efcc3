"""The database's shape, one version at a time.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``; the
version lives in ``PRAGMA user_version``. A database from any earlier version
is brought up to date by running the steps it lacks, in one transaction.

To change the schema, append a step: never edit one that has shipped, since
users' databases already ran it. ``SCHEMA_VERSION`` follows by itself, and
``tests/test_store_migrations.py`` checks every earlier version upgrades.

Each step is named (:class:`Steps`). The store defines its own; a package
with tables of its own (the X backend's outbox and usage meter) defines the SQL
of the steps :data:`OWNERS` gives it and registers them with
:func:`register_steps` on import. The store knows their names and places,
never their SQL, and imports no backend: :mod:`tuicoach.backends.registry`
gives it a loader (:func:`set_owners_loader`) that imports a built-in backend's
table modules the first time one of its steps is asked for, so any process that
can open an account has every step, and a database upgrades the same way in
every process; one whose version is current (the demo's, reopened) needs none
and imports none. A step nobody registered stops the upgrade (nothing changes)
with a message naming the way out.

Times are ISO 8601 UTC text with microseconds (``2026-03-01T09:30:00.000000Z``):
fixed width, so text order is time order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tuicoach.store.listen_schema import V_LISTEN, V_LISTEN_BACKLOG

#: Written to ``PRAGMA application_id`` ("TUIC"), so a stranger's SQLite file
#: is recognised and left alone.
APPLICATION_ID = 0x54554943

_V1_CORE = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    followers_count INTEGER,
    following_count INTEGER,
    tweet_count INTEGER,
    verified INTEGER NOT NULL DEFAULT 0,
    protected INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tweets (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    author_id TEXT NOT NULL,
    conversation_id TEXT,
    in_reply_to_user_id TEXT,
    replied_to_id TEXT,
    quoted_id TEXT,
    retweeted_id TEXT,
    mentions TEXT NOT NULL DEFAULT '[]',  -- JSON: [[username, start, end, id or null], ...]
    reply_count INTEGER NOT NULL DEFAULT 0,
    retweet_count INTEGER NOT NULL DEFAULT 0,
    like_count INTEGER NOT NULL DEFAULT 0,
    quote_count INTEGER NOT NULL DEFAULT 0,
    impression_count INTEGER,
    lang TEXT
);
CREATE INDEX tweets_by_time ON tweets (created_at, id);
CREATE INDEX tweets_by_conversation ON tweets (conversation_id);
CREATE INDEX tweets_by_parent ON tweets (replied_to_id);

-- Which lists a tweet was fetched in: 'home', 'mentions', 'own'.
CREATE TABLE tweet_streams (
    stream TEXT NOT NULL,
    tweet_id TEXT NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
    PRIMARY KEY (stream, tweet_id)
) WITHOUT ROWID;
CREATE INDEX tweet_streams_by_tweet ON tweet_streams (tweet_id);

-- No tweet foreign key: a mark outlives the tweet being pruned and re-fetched.
CREATE TABLE marks (
    tweet_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('no-reply', 'snoozed')),
    reason TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,
    until TEXT
);

CREATE TABLE muted (
    user_id TEXT PRIMARY KEY,
    muted_at TEXT NOT NULL
);

CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    reply_to_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE cursors (
    stream TEXT PRIMARY KEY,
    newest_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

_V2_POSTING = """
-- Posts made in demo mode live only here; the flag keeps them apart.
ALTER TABLE tweets ADD COLUMN local INTEGER NOT NULL DEFAULT 0;

CREATE TABLE likes (
    tweet_id TEXT PRIMARY KEY,
    liked_at TEXT NOT NULL
);
"""
# The outbox (step 1 -> 2, with the above), the usage meter (2 -> 3) and the
# outbox's draft link (4 -> 5) belong to the X backend: their SQL is in
# tuicoach/backends/x/outbox_store.py and usage_store.py, registered by name.

_V6_NOT_SPAM = """
-- A mention moved back from the probably-spam band is marked 'not-spam'
-- (domain/owed.py, Mark.not_spam). SQLite cannot widen a CHECK in place.
CREATE TABLE marks_v6 (
    tweet_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('no-reply', 'snoozed', 'not-spam')),
    reason TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,
    until TEXT
);
INSERT INTO marks_v6 (tweet_id, kind, reason, marked_at, until)
    SELECT tweet_id, kind, reason, marked_at, until FROM marks;
DROP TABLE marks;
ALTER TABLE marks_v6 RENAME TO marks;
"""

_V7_FEEDBACK_QUEUE = """
-- Feedback tags the user gave a tweet (several per tweet); no tweet foreign key,
-- like marks: a tag outlives the tweet being pruned and re-fetched.
CREATE TABLE tags (
    tweet_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (tweet_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags (tag, tagged_at);

-- Drafts queued for a slot (store/queue.py). 'posting' is the claim: one
-- process moves an item there in one conditional UPDATE, and only it posts.
CREATE TABLE queue (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    reply_to_id TEXT,
    slot_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'posting', 'posted', 'held', 'failed')),
    created_at TEXT NOT NULL,
    claimed_at TEXT,
    claimed_by TEXT,
    posted_at TEXT,
    tweet_id TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_by_slot ON queue (state, slot_at);
"""

_V8_TEAM = """
-- Who on the team has a mention (store/team.py): claimed by a teammate, or assigned to one.
-- No tweet foreign key, like marks: a claim outlives the tweet being pruned and re-fetched.
CREATE TABLE claims (
    tweet_id TEXT PRIMARY KEY,
    claimed_by TEXT,  -- the teammate's [team] name; NULL: nobody has it
    claimed_at TEXT,
    assigned_by TEXT  -- who assigned it, when it was assigned rather than claimed
);
CREATE INDEX claims_by_person ON claims (claimed_by);
"""

_V9_TEAM_SEND = """
-- One syncer (store/team.py): the machine that syncs the account holds this lease
-- until ``expires_at``, renewing it while it syncs; the others read the store.
CREATE TABLE sync_lease (
    account TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""

_V10_PRESENCE = """
-- Who has a mention open, or is replying to it (store/presence.py): one row a person,
-- kept alive by a heartbeat; a row older than presence.TTL is read as gone.
CREATE TABLE presence (
    who TEXT PRIMARY KEY,  -- the teammate's [team] name
    tweet_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'replying')),
    heartbeat_at TEXT NOT NULL
);
CREATE INDEX presence_by_tweet ON presence (tweet_id);
-- Drafts belong to their author, and a mark says who made it (NULL: a store of one).
ALTER TABLE drafts ADD COLUMN author TEXT;
ALTER TABLE marks ADD COLUMN marked_by TEXT;
"""

#: A step is SQL, or a function for changes SQL alone cannot make (moving data).
Migration = str | Callable[[sqlite3.Connection], None]

#: Steps the store itself defines, by name.
_OWN: dict[str, Migration] = {
    "core": _V1_CORE,
    "posting": _V2_POSTING,
    "listen": V_LISTEN,
    "not_spam": _V6_NOT_SPAM,
    "feedback_queue": _V7_FEEDBACK_QUEUE,
    "team": _V8_TEAM,
    "team_send": _V9_TEAM_SEND,
    "presence": _V10_PRESENCE,
    "listen_backlog": V_LISTEN_BACKLOG,
}
#: Steps another package defines for its own tables (a backend's outbox, its meter),
#: and the module that registers them when imported (see :func:`register_steps`;
#: :mod:`tuicoach.backends.registry` imports them when needed). The store knows their names and
#: places in the order, never their SQL, and never imports these modules itself.
OWNERS: dict[str, str] = {
    "x.outbox": "tuicoach.backends.x.outbox_store",
    "x.usage": "tuicoach.backends.x.usage_store",
    "x.outbox_drafts": "tuicoach.backends.x.outbox_store",
    "x.team_send": "tuicoach.backends.x.outbox_store",
}
_registered: dict[str, Migration] = {}
#: The same steps, written for PostgreSQL (``pg_schema.py`` has the store's own).
_registered_pg: dict[str, Migration] = {}
#: Imports the module that registers the step it is given (its owner in :data:`OWNERS`):
#: set by :mod:`tuicoach.backends.registry`, called when a step is asked for that nobody
#: has registered yet. None: only what was imported already is known.
_owners_loader: Callable[[str], None] | None = None

#: The engines a store runs on; a step is written for each.
ENGINES = ("sqlite", "postgresql")


def register_steps(
    steps: Mapping[str, Migration], *, postgresql: Mapping[str, Migration] | None = None
) -> None:
    """Give the SQL (or function) of steps named in :data:`OWNERS`; called on import.

    A name must already have its place in :data:`MIGRATIONS` (append one there,
    with its owner in :data:`OWNERS`, to add a table): that keeps versions in
    one order whichever packages a process imports. Registering a step again
    with other contents is refused: a shipped step never changes.
    """
    for name, step in steps.items():
        if name not in OWNERS:
            raise ValueError(
                f"schema step {name!r} has no place in tuicoach.store.schema.MIGRATIONS; "
                "append it there (and its module to OWNERS) first"
            )
        if name in _registered and _registered[name] != step:
            raise ValueError(f"schema step {name!r} is registered already, with other contents")
        _registered[name] = step
    for name, pg_step in (postgresql or {}).items():
        if name not in OWNERS:
            raise ValueError(
                f"schema step {name!r} has no place in tuicoach.store.schema.MIGRATIONS"
            )
        if name in _registered_pg and _registered_pg[name] != pg_step:
            raise ValueError(
                f"PostgreSQL schema step {name!r} is registered already, with other contents"
            )
        _registered_pg[name] = pg_step


def set_owners_loader(loader: Callable[[str], None] | None) -> None:
    """Who imports a step's owner (:data:`OWNERS`) when the step is first needed.

    The registry sets one on import (the store imports no backend itself), so a
    backend's table modules load only when a database needs their steps (creating
    or upgrading one) or a caller asks for their tables (:meth:`Store.outbox_add`...).
    """
    global _owners_loader
    _owners_loader = loader


def step(name: str, engine: str = "sqlite") -> Migration:
    """The step called ``name`` for ``engine``: the store's own, or one its owner registered
    (imported now, by the registry's loader, if nobody had yet)."""
    if engine == "postgresql":
        from tuicoach.store.pg_schema import PG_OWN

        own: Mapping[str, Migration] = PG_OWN
        registered = _registered_pg
    else:
        own, registered = _OWN, _registered
    if name in own:
        return own[name]
    if name not in registered and name in OWNERS and _owners_loader is not None:
        _owners_loader(name)
    try:
        return registered[name]
    except KeyError:
        which = "PostgreSQL " if engine == "postgresql" else ""
        if name not in OWNERS:
            raise LookupError(f"no {which}schema step {name!r}") from None
        raise LookupError(
            f"no {which}schema step {name!r}: {OWNERS[name]} registers it when imported; "
            "import tuicoach.backends.registry (it imports a built-in backend's tables "
            "when a store needs them) before opening a store"
        ) from None


class Steps:
    """One version's step: the named parts, run in order in the upgrade's transaction."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def __call__(self, connection: sqlite3.Connection) -> None:
        for name in self.names:
            run_step(connection, step(name))

    def run_pg(self, connection: Any) -> None:
        """The same step on PostgreSQL (a :class:`~tuicoach.store.engine.PgConnection`)."""
        for name in self.names:
            migration = step(name, "postgresql")
            if callable(migration):
                migration(connection)
            else:
                connection.raw.execute(migration)  # several statements, no parameters

    def __repr__(self) -> str:
        return f"Steps{self.names!r}"


def run_step(connection: sqlite3.Connection, migration: Migration) -> None:
    if callable(migration):
        migration(connection)
    else:
        for statement in _statements(migration):
            connection.execute(statement)


#: ``MIGRATIONS[n]`` upgrades version ``n`` to ``n + 1``. Append only.
MIGRATIONS: tuple[Migration, ...] = (
    Steps("core"),  # 0 -> 1: tweets, users, streams, marks, mutes, drafts, cursors
    Steps("posting", "x.outbox"),  # 1 -> 2: demo posts flag, likes; X's outbox
    Steps("x.usage"),  # 2 -> 3: the X cost meter's daily counts
    Steps("listen"),  # 3 -> 4: saved searches, opportunities, their undo stack
    Steps("x.outbox_drafts"),  # 4 -> 5: outbox records tied to drafts, attempt and settle times
    Steps("not_spam"),  # 5 -> 6: marks may say 'not-spam'
    Steps("feedback_queue"),  # 6 -> 7: feedback tags, the posting queue
    Steps("team"),  # 7 -> 8: claims and assignments of mentions
    Steps("team_send", "x.team_send"),  # 8 -> 9: the sync lease; who sent each post
    Steps("presence"),  # 9 -> 10: who has a mention open; drafts' authors, marks' makers
    Steps("listen_backlog"),  # 10 -> 11: a saved search's unread gap after a burst
)

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(Exception):
    """The database was written by a newer tuicoach than this one."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version}, newer than {SCHEMA_VERSION}")
        self.version = version


def _statements(script: str) -> Iterator[str]:
    """Split a script into statements, as SQLite itself would (triggers included).

    ``executescript`` would be simpler, but it commits first, and a migration
    must be all or nothing.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]!r}")


def version_of(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def upgrade(connection: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Bring the database to ``target`` in one transaction; return the version it had.

    The version is read again inside the write transaction, so two processes
    opening one old database at once upgrade it once. ``connection`` must be in
    autocommit mode (``isolation_level=None``); on any failure nothing changes.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = version_of(connection)
        if found > SCHEMA_VERSION:
            raise NewerSchema(found)
        for migration in MIGRATIONS[found:target]:
            run_step(connection, migration)
        if found < target:
            connection.execute(f"PRAGMA user_version = {int(target)}")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return found


# --- PostgreSQL ------------------------------------------------------------------

#: Where a PostgreSQL store keeps its version (SQLite's ``PRAGMA user_version``).
PG_VERSION_TABLE = "tuicoach_schema"


def pg_version_of(connection: Any) -> int | None:
    """The store's version; 0 for an empty database; ``None`` for another program's tables."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = ?",
        (PG_VERSION_TABLE,),
    ).fetchone()[0]
    if found:
        row = connection.execute(f"SELECT version FROM {PG_VERSION_TABLE}").fetchone()
        return 0 if row is None else int(row[0])
    others = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchone()[0]
    return None if others else 0


def upgrade_pg(connection: Any, *, target: int = SCHEMA_VERSION) -> int:
    """:func:`upgrade` for PostgreSQL: the steps it lacks, in one transaction.

    An advisory lock held for the transaction makes two processes opening one
    old database at once upgrade it once; the version is read under it.
    ``connection`` is a :class:`~tuicoach.store.engine.PgConnection` in
    autocommit mode; on any failure nothing changes.
    """
    raw = connection.raw
    with raw.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(?)", (APPLICATION_ID,))
        found = pg_version_of(connection)
        if found is None:
            raise ForeignDatabase()
        if found > SCHEMA_VERSION:
            raise NewerSchema(found)
        if found == 0 and target > 0:
            raw.execute(
                f"CREATE TABLE {PG_VERSION_TABLE} ("
                "one integer PRIMARY KEY CHECK (one = 1), version integer NOT NULL)"
            )
            raw.execute(f"INSERT INTO {PG_VERSION_TABLE} (one, version) VALUES (1, 0)")
        for migration in MIGRATIONS[found:target]:
            if isinstance(migration, Steps):
                migration.run_pg(connection)
            elif callable(migration):
                migration(connection)
            else:
                raise TypeError("a PostgreSQL store runs named steps only (schema.Steps)")
        if found < target:
            connection.execute(f"UPDATE {PG_VERSION_TABLE} SET version = ?", (int(target),))
    return found


class ForeignDatabase(Exception):
    """The PostgreSQL database holds another program's tables."""
