"""The local store: one SQLite database per account, shared by the app's threads.

One :class:`Store` holds one connection, guarded by a lock, so the UI thread
and worker threads can share it; each call is one short transaction. Another
process (a ``tuicoach`` command in a second terminal) may use the same file at
the same time: WAL mode lets readers and one writer proceed together, and the
busy timeout makes a second writer wait its turn.

Every SQLite failure leaves here as a :class:`StoreError` that names the file
and what to do. A file that is not a tuicoach database, is damaged, or is newer
than this tuicoach is never recreated or written to; a write that fails (disk
full, read-only) is rolled back whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, NamedTuple, TypeVar

from tuicoach.domain.models import Mention, Metrics, Tweet, User
from tuicoach.domain.owed import (
    SPAM_REASON,
    Mark,
    MarkKind,
    OwedReply,
    OwedStats,
    OwedTracker,
    window_links,
)
from tuicoach.domain.triage import Triage
from tuicoach.store import engine, schema
from tuicoach.store.engine import Db, PgConnection

#: The lists a tweet can be fetched in.
STREAMS = frozenset({"home", "mentions", "own"})
#: ``meta`` keys naming the account the database belongs to.
META_ACCOUNT_ID = "account_id"
META_ACCOUNT_USERNAME = "account_username"

BUSY_TIMEOUT_SECONDS = 5.0

_Row = TypeVar("_Row")


class StoreError(Exception):
    """The database cannot be used; ``str(error)`` says why and what to do.

    ``path`` is the SQLite file, or for a store on PostgreSQL the database's
    name (the message names its URL, without the password).
    """

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True, slots=True)
class DraftRecord:
    id: int
    text: str
    reply_to_id: str | None
    created_at: datetime
    updated_at: datetime


class OutboxState(StrEnum):
    """Where a post is on its way out.

    ``sending`` means a request may have reached X: an item left in that state
    by a crash must be checked against the timeline before it is sent again,
    never blindly re-posted.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One post on its way out.

    ``state`` ``sending`` is "in flight": tried, and no readable answer came
    back, so X may or may not have it. ``attempted_at`` is when the last
    attempt went out; ``settled_at`` when it became sent or failed.
    """

    id: int
    text: str
    reply_to_id: str | None
    state: OutboxState
    created_at: datetime
    attempts: int = 0
    tweet_id: str | None = None
    last_error: str | None = None
    draft_id: int | None = None
    attempted_at: datetime | None = None
    settled_at: datetime | None = None

    @property
    def in_flight(self) -> bool:
        return self.state is OutboxState.SENDING


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """A record's state in words, for the compose pane, ``tuicoach outbox`` and messages.

    ``kind`` is ``pending``, ``unconfirmed`` (in flight: tried, no readable
    answer), ``sent`` or ``failed``. ``may_send`` says whether Send may post
    the draft as it is; when false, Send only shows ``message``, unless the
    user chooses to post it as a new tweet.
    """

    kind: str
    message: str
    may_send: bool
    item: OutboxItem


UNCONFIRMED = "unconfirmed: checking X before it can go again"


def outbox_status(item: OutboxItem) -> OutboxStatus:
    if item.state is OutboxState.SENDING:
        return OutboxStatus("unconfirmed", UNCONFIRMED, False, item)
    if item.state is OutboxState.SENT:
        at = item.settled_at or item.attempted_at or item.created_at
        return OutboxStatus("sent", f"sent {at.astimezone().strftime('%H:%M')}", False, item)
    if item.state is OutboxState.FAILED:
        reason = item.last_error or "X refused it"
        return OutboxStatus("failed", f"not posted: {reason}", True, item)
    # Never tried, or it certainly never reached X: Send (or the next sync) sends this record.
    return OutboxStatus("pending", "waiting in the outbox: goes out at the next sync", True, item)


# --- Times ----------------------------------------------------------------------


def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError(f"times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dt_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


# --- Rows -----------------------------------------------------------------------

TWEET_COLUMNS = (
    "id, text, created_at, author_id, conversation_id, in_reply_to_user_id, replied_to_id, "
    "quoted_id, retweeted_id, mentions, reply_count, retweet_count, like_count, quote_count, "
    "impression_count, lang"
)
#: On a refetch, these take the new value; the nullable ones below keep what an
#: earlier, fuller fetch knew when the new one leaves them out.
_REPLACED = (
    "text", "created_at", "author_id", "mentions", "reply_count", "retweet_count",
    "like_count", "quote_count",
)  # fmt: skip
_KEPT_IF_MISSING = (
    "conversation_id", "in_reply_to_user_id", "replied_to_id", "quoted_id", "retweeted_id",
    "impression_count", "lang",
)  # fmt: skip
_TWEET_UPSERT = (
    f"INSERT INTO tweets ({TWEET_COLUMNS}, local) VALUES ({', '.join('?' * 17)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(
        [f"{c} = excluded.{c}" for c in _REPLACED]
        + [f"{c} = coalesce(excluded.{c}, {c})" for c in _KEPT_IF_MISSING]
        + ["local = max(local, excluded.local)"]
    )
)
# PostgreSQL's own spelling of the same upsert: the stored row is named by its
# table, and two values' larger is greatest() (SQLite's two-argument max()).
_TWEET_UPSERT_PG = (
    f"INSERT INTO tweets ({TWEET_COLUMNS}, local) VALUES ({', '.join('?' * 17)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(
        [f"{c} = excluded.{c}" for c in _REPLACED]
        + [f"{c} = coalesce(excluded.{c}, tweets.{c})" for c in _KEPT_IF_MISSING]
        + ["local = greatest(tweets.local, excluded.local)"]
    )
)
_USER_COLUMNS = (
    "id, username, name, description, followers_count, following_count, tweet_count, "
    "verified, protected"
)


def _tweet_params(tweet: Tweet, local: bool) -> tuple[Any, ...]:
    mentions = json.dumps(
        [[m.username, m.start, m.end, m.id] for m in tweet.mentions], ensure_ascii=False
    )
    m = tweet.metrics
    return (
        tweet.id,
        tweet.text,
        ts(tweet.created_at),
        tweet.author_id,
        tweet.conversation_id,
        tweet.in_reply_to_user_id,
        tweet.replied_to_id,
        tweet.quoted_id,
        tweet.retweeted_id,
        mentions,
        m.replies,
        m.retweets,
        m.likes,
        m.quotes,
        m.impressions,
        tweet.lang,
        int(local),
    )


def _user_params(user: User) -> tuple[Any, ...]:
    return (
        user.id,
        user.username,
        user.name,
        user.description,
        user.followers_count,
        user.following_count,
        user.tweet_count,
        int(user.verified),
        int(user.protected),
    )


def _data_version(db: Db) -> int:
    query = (
        "SELECT version FROM data_version"
        if isinstance(db, PgConnection)
        else "PRAGMA data_version"
    )
    version: int = db.execute(query).fetchone()[0]
    return version


def tweet_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Tweet:
    (tid, text, created, author, conversation, reply_user, replied, quoted, retweeted,
     mentions, replies, retweets, likes, quotes, impressions, lang) = row  # fmt: skip
    return Tweet(
        id=tid,
        text=text,
        created_at=dt(created),
        author_id=author,
        conversation_id=conversation,
        in_reply_to_user_id=reply_user,
        replied_to_id=replied,
        quoted_id=quoted,
        retweeted_id=retweeted,
        mentions=()
        if mentions == "[]"  # most of the account's own posts: no JSON to parse
        else tuple(
            Mention(username=u, start=s, end=e, id=i) for u, s, e, i in json.loads(mentions)
        ),
        metrics=Metrics(replies, retweets, likes, quotes, impressions),
        lang=lang,
    )


#: Only the account's own replies' words are read (whether they say anything: a post of only
#: @mentions and links answers nobody); the rest of the text is not needed to choose.
_SLIM_COLUMNS = (
    "id, CASE WHEN author_id = ? AND replied_to_id IS NOT NULL THEN text ELSE '' END, "
    "author_id, conversation_id, replied_to_id, quoted_id"
)


class _Slim(NamedTuple):
    """An older row as the window reads it: how it relates to others, and (for the account's
    own replies) its words."""

    id: str
    text: str
    created_at: datetime
    author_id: str
    conversation_id: str | None
    replied_to_id: str | None
    quoted_id: str | None


def _window_tweets(db: Any, account_id: str, since: datetime) -> list[Tweet]:
    """:func:`tuicoach.domain.owed.tweets_for_window` over every stored tweet, reading in
    full only the rows it keeps: the later ones, then the older ones it picked (which it
    picks from how tweets relate, which the slim rows say, never from mentions or counts)."""
    edge = ts(since - timedelta(seconds=1))  # text order is time order; the window decides
    every: dict[str, Tweet | _Slim] = {
        t.id: t
        for t in map(
            tweet_from_row,
            db.execute(f"SELECT {TWEET_COLUMNS} FROM tweets WHERE created_at >= ?", (edge,)),
        )
    }
    # Every slim row is older than the window, and the window only compares its time with
    # ``since``: one moment before it stands for all (a kept one is read again, whole).
    make, slim, before = tuple.__new__, _Slim, since - timedelta(seconds=1)
    older = {
        tid: make(slim, (tid, text, before, author, conversation, replied, quoted))
        for tid, text, author, conversation, replied, quoted in db.execute(
            f"SELECT {_SLIM_COLUMNS} FROM tweets WHERE created_at < ?", (account_id, edge)
        )
    }
    every.update(older)
    kept, named = window_links(every, account_id=account_id, since=since)
    wanted = sorted({t.id for t in kept} & older.keys())
    full: dict[str, Tweet] = {}
    for start in range(0, len(wanted), 500):  # under SQLite's limit of parameters
        part = wanted[start : start + 500]
        marks = ", ".join("?" * len(part))
        rows = db.execute(f"SELECT {TWEET_COLUMNS} FROM tweets WHERE id IN ({marks})", part)
        full.update((t.id, t) for t in map(tweet_from_row, rows))
    result: list[Tweet] = []
    for tweet in kept:
        whole = tweet if isinstance(tweet, Tweet) else full[tweet.id]
        if whole.id in named:
            whole = dataclasses.replace(whole, conversation_id=named[whole.id])
        result.append(whole)
    return result


def _user(row: tuple[Any, ...]) -> User:
    uid, username, name, description, followers, following, tweets, verified, protected = row
    return User(
        id=uid,
        username=username,
        name=name,
        description=description,
        followers_count=followers,
        following_count=following,
        tweet_count=tweets,
        verified=bool(verified),
        protected=bool(protected),
    )


def _draft(row: tuple[Any, ...]) -> DraftRecord:
    draft_id, text, reply_to, created, updated = row
    return DraftRecord(draft_id, text, reply_to, dt(created), dt(updated))


def _mark(row: tuple[Any, ...]) -> Mark:
    kind, reason, marked_at, until = row
    return Mark(MarkKind(kind), dt(marked_at), reason=reason, until=dt_or_none(until))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _check_stream(stream: str) -> str:
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}; expected one of {sorted(STREAMS)}")
    return stream


# --- Errors ---------------------------------------------------------------------

_WAY_OUT = "or point --data-dir (or TUICOACH_DATA_DIR) at another folder"


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


#: Below this much free space, a failed write is taken as the disk being full.
_NEARLY_FULL_BYTES = 1 << 20


def disk_full_message(path: Path) -> str:
    """What to say when a write to ``path`` found no room."""
    return (
        f"disk is full: {path}; nothing was lost (the last change was not saved, and "
        "everything saved before it is intact). Free some space and try again, or "
        f"point --data-dir (or TUICOACH_DATA_DIR) at a disk with room."
    )


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


class DiskFull(StoreError):
    """A write found no room on the disk; nothing saved earlier was lost."""


def _error(path: Path, exc: sqlite3.Error, *, opening: bool) -> StoreError:
    """A message a person can act on, for what SQLite reported."""
    code = _code(exc)
    detail = str(exc)
    if code == sqlite3.SQLITE_FULL or (
        code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_CORRUPT)
        and _nearly_full(path)
    ):
        # SQLite says SQLITE_FULL for a full database or disk, but a write into
        # the -wal or -shm on a full disk can come back as a generic I/O error, and
        # (seen on tmpfs, creating a store as the disk fills) as "malformed".
        return DiskFull(disk_full_message(path), path)
    if code == sqlite3.SQLITE_READONLY:
        message = (
            f"could not save to {path}: the database is read-only. Nothing was changed; "
            f"make the file and its folder writable, {_WAY_OUT}."
        )
    elif code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        message = (
            f"{path} is busy: another tuicoach has been writing to it for over "
            f"{BUSY_TIMEOUT_SECONDS:g} seconds. Try again in a moment, or close the other one."
        )
    elif code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        message = _foreign(path, detail)
    elif code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        message = (
            f"cannot open {path} ({detail}). Check that you may read and write it and its "
            f"folder, {_WAY_OUT}."
        )
    elif code == sqlite3.SQLITE_IOERR:
        message = (
            f"the disk failed while reading or writing {path} ({detail}). Nothing was "
            "half-written; check the disk, and restore the file from a backup if this repeats."
        )
    else:
        what = "open" if opening else "use"
        message = f"cannot {what} {path}: {detail}. Restore it from a backup, {_WAY_OUT}."
    return StoreError(message, path)


def _damaged(path: Path, detail: str) -> str:
    return (
        f"{path} is damaged: SQLite's check of its pages found problems ({detail[:300]}). "
        "tuicoach has not changed it. Restore it from a backup (or try "
        f"`sqlite3 {path.name} .recover`), move it aside to start afresh, {_WAY_OUT}."
    )


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700 (existing ones are left alone)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=0o700)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to an existing file; ``mode=rw`` so SQLite itself never creates one."""
    try:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,  # transactions are explicit: BEGIN ... COMMIT
            check_same_thread=False,  # shared between threads, under the store's lock
        )
    except sqlite3.Error as exc:
        raise _error(path, exc, opening=True) from None


def _create(path: Path) -> None:
    """Build a new, complete, empty database and link it to ``path`` unless one appeared.

    SQLite gives the ``-wal`` and ``-shm`` files the main file's mode, so
    creating it 0600 keeps all three private.
    """
    temp: Path | None = None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        temp = Path(temp_name)
        os.close(fd)
        temp.chmod(0o600)
        connection = _connect(temp)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            schema.upgrade(connection)
        finally:
            connection.close()
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.link(temp, path)  # atomic: a file at ``path`` is always whole
    except sqlite3.Error as exc:
        raise _error(path, exc, opening=True) from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(disk_full_message(path), path) from None
        raise StoreError(
            f"cannot create {path} ({exc.strerror}). Check that you may write its folder, "
            f"{_WAY_OUT}.",
            path,
        ) from None
    finally:
        if temp is not None:
            for leftover in (temp, *(Path(f"{temp}{s}") for s in ("-wal", "-shm", "-journal"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _foreign(path: Path, detail: str) -> str:
    return (
        f"{path} is not a tuicoach database, or it is damaged ({detail}). tuicoach has not "
        f"changed it. Restore it from a backup, move it aside to start afresh, {_WAY_OUT}."
    )


# --- The store ------------------------------------------------------------------


@dataclass(slots=True)
class _TrackerCache:
    key: tuple[str, str | None]
    data_version: int
    tracker: OwedTracker


class Store:
    """One account's tweets, users, marks, drafts, outbox and sync cursors."""

    def __init__(
        self, path: Path, connection: sqlite3.Connection | None, *, pg: Any = None
    ) -> None:
        """Use :meth:`open` or :meth:`connect`; this takes a connection already checked
        and migrated (``pg``: a :class:`tuicoach.store.pg.PgPool` instead)."""
        self._path = path
        self._conn: sqlite3.Connection | None = connection
        self._pg = pg
        self._pg_held: PgConnection | None = None  # this block's connection, under the lock
        self._lock = threading.RLock()
        self._owed_cache: _TrackerCache | None = None
        self._triage: Triage | None = None  # None: the default triage settings
        # The person at this machine ([team] name), on a store a team shares: drafts and
        # marks say who made them. None: a store of one, as before.
        self.author: str | None = None

    # -- opening and closing

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, check: bool = True) -> Store:
        """Open and upgrade the database at ``path``, creating it only where no file exists.

        An existing file is only ever opened, never replaced: an empty (0-byte)
        or damaged one is an error naming it. A new database is built beside
        it under a temporary name and linked into place whole, so a file at
        ``path`` is always a complete database. Files and the folders made for
        them are readable by the user only (0600, 0700). ``check`` runs
        SQLite's ``quick_check`` over every page first (cheap at these sizes).
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(
                f"{path} is a folder, not a database file. Move it aside, {_WAY_OUT}.", path
            )
        try:
            _make_private_dirs(path.parent)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(disk_full_message(path.parent), path) from None
            raise StoreError(
                f"cannot create the folder {path.parent} ({exc.strerror}). "
                f"Check its permissions, {_WAY_OUT}.",
                path,
            ) from None
        if not path.exists():
            _create(path)
        elif path.stat().st_size == 0:
            raise StoreError(
                f"{path} is empty (0 bytes): the database it held is gone. tuicoach will "
                "not re-create it over your data: restore it from a backup, or move the "
                f"empty file aside to start afresh (a first sync), {_WAY_OUT}.",
                path,
            )
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(
                f"cannot open {path}: permission denied. Give your user read and write "
                f"access to it, {_WAY_OUT}.",
                path,
            )
        connection = _connect(path)
        try:
            cls._prepare(path, connection, check=check)
        except BaseException:
            connection.close()
            raise
        return cls(path, connection)

    @classmethod
    def connect(cls, url: str, *, password: str | None = None) -> Store:
        """Open and upgrade the store in the PostgreSQL database at ``url``.

        ``password`` (from the keyring) is used when given; otherwise libpq finds
        one as it always does (``~/.pgpass``, a service file, ``$PGPASSWORD``).
        It is never stored, printed nor logged: messages name :func:`engine.redact`.
        An unreachable server, a refused password, a missing database, another
        program's tables or a newer tuicoach's are a :class:`StoreError` that says
        so and what to do; nothing is created or changed then.
        """
        from tuicoach.store import pg

        return cls(
            Path(engine.database_of(url) or "postgresql"), None, pg=pg.open_pool(url, password)
        )

    @classmethod
    def open_target(cls, target: str | os.PathLike[str], *, password: str | None = None) -> Store:
        """:meth:`connect` for a ``postgresql://`` URL, else :meth:`open` for a file."""
        if engine.is_pg_url(target):
            return cls.connect(str(target), password=password)
        return cls.open(target)

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self._pg is None else "postgresql"

    def dedicated_connection(self) -> Any:
        """A PostgreSQL connection of its own (not the pool's), for a listener; the caller
        closes it. On SQLite there is none: a :class:`StoreError` says so."""
        if self._pg is None:
            raise StoreError(f"the store at {self._path} is a SQLite file: nothing to listen to",
                             self._path)  # fmt: skip
        return self._pg.dedicated()

    @property
    def where(self) -> str:
        """The file, or the PostgreSQL URL without its password: for messages."""
        return str(self._path) if self._pg is None else str(self._pg.redacted)

    @staticmethod
    def _prepare(path: Path, connection: sqlite3.Connection, *, check: bool = True) -> None:
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            # Reading the header first: a file of garbage fails here, before any write.
            version = schema.version_of(connection)
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if app_id not in (0, schema.APPLICATION_ID) or (
                version == 0
                and connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            ):
                raise StoreError(_foreign(path, "it holds another program's tables"), path)
            if version > schema.SCHEMA_VERSION:
                raise schema.NewerSchema(version)
            if check:
                problems = [r[0] for r in connection.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    raise StoreError(_damaged(path, "; ".join(problems)), path)
            connection.execute("PRAGMA journal_mode = WAL")
            if version < schema.SCHEMA_VERSION:
                schema.upgrade(connection)
        except schema.NewerSchema as exc:
            raise StoreError(
                f"{path} was written by a newer tuicoach (database version {exc.version}; "
                f"this tuicoach knows up to {schema.SCHEMA_VERSION}). It was left as it is: "
                f"upgrade tuicoach (pip install -U tuicoach), {_WAY_OUT}.",
                path,
            ) from None
        except sqlite3.Error as exc:
            raise _error(path, exc, opening=True) from None

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._owed_cache = None
            if self._pg is not None:
                self._pg.close()
                self._owed_cache = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.where!r})"

    # -- transactions

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store at {self._path} is closed", self._path)
        return self._conn

    @contextmanager
    def reading(self, *, snapshot: bool = False) -> Iterator[Db]:
        """The connection, for reads, held by this thread until the block ends.

        ``snapshot`` sees one moment across the block's queries. Public, for
        modules that keep their own tables in this file (``store/queue.py``, a
        backend's ``outbox_store``): SQLite errors leave as :class:`StoreError`.
        """
        if self._pg is not None:
            begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if snapshot else None
            with self._pg_block(begin) as db:
                yield db
            return
        with self._lock:
            connection = self._connection()
            try:
                if snapshot:
                    connection.execute("BEGIN")
                try:
                    yield connection
                finally:
                    if snapshot and connection.in_transaction:
                        connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise _error(self._path, exc, opening=False) from None

    @contextmanager
    def transaction(self) -> Iterator[Db]:
        """One write transaction on the connection: all of it is saved, or none of it.

        Public, for modules with their own tables (see :meth:`reading`).
        """
        if self._pg is not None:
            with self._pg_block("BEGIN") as db:
                yield db
            return
        with self._lock:
            connection = self._connection()
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise _error(self._path, exc, opening=False) from None

    @contextmanager
    def _pg_block(self, begin: str | None) -> Iterator[PgConnection]:
        """A pooled PostgreSQL connection for one block, under the store's lock.

        A block inside another in the same thread (a read inside a write) gets
        the outer block's connection, and so sees its writes, as on SQLite.
        """
        with self._lock:
            if self._pg_held is not None:
                yield self._pg_held
                return
            with self._pg.connection() as db:
                self._pg_held = db
                try:
                    if begin is not None:
                        db.raw.execute(begin)
                    try:
                        yield db
                        if begin is not None:
                            db.raw.execute("COMMIT")
                    except BaseException:
                        if db.in_transaction:
                            db.raw.execute("ROLLBACK")
                        raise
                finally:
                    self._pg_held = None

    # Old names, kept for code written before these were public.
    _reading = reading
    _writing = transaction

    # -- meta and account

    def get_meta(self, key: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            _put_meta(db, key, value)

    def set_account(self, user: User) -> None:
        """Record whose database this is (and keep their profile with the others)."""
        with self.transaction() as db:
            self._upsert_users(db, [user])
            _put_meta(db, META_ACCOUNT_ID, user.id)
            _put_meta(db, META_ACCOUNT_USERNAME, user.username)

    def account(self) -> User | None:
        """The account this database belongs to, if :meth:`set_account` was called."""
        account_id = self.get_meta(META_ACCOUNT_ID)
        if account_id is None:
            return None
        user = self.user(account_id)
        if user is None:
            return User(id=account_id, username=self.get_meta(META_ACCOUNT_USERNAME) or "")
        return user

    # -- users

    def upsert_users(self, users: Iterable[User]) -> None:
        """Add users, or refresh them; a follower count left out keeps the known one."""
        with self.transaction() as db:
            self._upsert_users(db, list(users))

    def _upsert_users(self, db: Db, users: list[User]) -> None:
        db.executemany(
            f"INSERT INTO users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
            "name = excluded.name, description = excluded.description, "
            "followers_count = coalesce(excluded.followers_count, users.followers_count), "
            "following_count = coalesce(excluded.following_count, users.following_count), "
            "tweet_count = coalesce(excluded.tweet_count, users.tweet_count), "
            "verified = excluded.verified, protected = excluded.protected",
            [_user_params(u) for u in users],
        )
        if self._owed_cache is not None:  # under the lock: _writing holds it
            self._owed_cache.tracker.add_usernames({u.id: u.username for u in users})

    def user(self, user_id: str) -> User | None:
        return self.users([user_id]).get(user_id)

    def users(self, ids: Iterable[str]) -> dict[str, User]:
        with self.reading() as db:
            return _by_id(db, f"SELECT {_USER_COLUMNS} FROM users", ids, _user)

    # -- moving the clock

    #: Every stored instant, by table. Counters and cursors keyed by id are not times.
    _TIME_COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "tweets": ("created_at",),
        "marks": ("marked_at", "until"),
        "muted": ("muted_at",),
        "drafts": ("created_at", "updated_at"),
        "outbox": ("created_at", "attempted_at", "settled_at"),
        "likes": ("liked_at",),
        "cursors": ("updated_at",),
        # listening (tuicoach/store/listen.py)
        "saved_searches": ("created_at", "updated_at"),
        "opportunities": ("found_at", "until"),
        "opportunity_undo": ("until",),
        # the team (tuicoach/store/team.py)
        "claims": ("claimed_at",),
    }

    def shift_times(self, delta: timedelta, *, meta: Mapping[str, str] | None = None) -> None:
        """Move every stored time by ``delta``, and set ``meta``, in one transaction.

        The demo uses this to keep its practice world's ages real from day to
        day; writing its anchor in the same transaction means a crash can never
        leave the world half moved, nor moved twice.
        """
        if self._pg is not None:
            raise StoreError(
                f"{self.where}: moving the clock is for the demo's SQLite file only", self._path
            )
        with self.transaction() as db:
            if delta:
                for table, columns in self._TIME_COLUMNS.items():
                    rows = db.execute(f"SELECT rowid, {', '.join(columns)} FROM {table}")
                    db.executemany(
                        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} "
                        "WHERE rowid = ?",
                        [
                            (*(None if t is None else ts(dt(t) + delta) for t in times), rowid)
                            for rowid, *times in rows.fetchall()
                        ],
                    )
            for key, value in (meta or {}).items():
                _put_meta(db, key, value)
        with self._lock:
            self._owed_cache = None  # every age changed: rebuild on the next ask

    # -- tweets

    def upsert_tweets(
        self, tweets: Iterable[Tweet], *, stream: str | None = None, local: bool = False
    ) -> None:
        """Add tweets, or refresh ones already here (metrics, edits), and file them in ``stream``.

        Idempotent. Fields a source left out (``conversation_id`` from a page
        without it) do not erase what an earlier fetch knew; ``local`` (posted
        in demo mode) sticks once set.
        """
        if stream is not None:
            _check_stream(stream)
        batch = list(tweets)
        if not batch:
            return
        with self.transaction() as db:
            self.keep_tweets(db, batch, stream=stream, local=local)
        self.tweets_written(batch)

    @staticmethod
    def keep_tweets(db: Db, batch: list[Tweet], *, stream: str | None, local: bool) -> None:
        upsert = _TWEET_UPSERT_PG if isinstance(db, PgConnection) else _TWEET_UPSERT
        db.executemany(upsert, [_tweet_params(t, local) for t in batch])
        if stream is not None:
            db.executemany(
                "INSERT OR IGNORE INTO tweet_streams (stream, tweet_id) VALUES (?, ?)",
                [(stream, t.id) for t in batch],
            )

    def tweets_written(self, batch: list[Tweet]) -> None:
        with self._lock:
            if self._owed_cache is not None:
                # Our own commits do not move PRAGMA data_version: tell the tracker
                # what is now stored (merged with what was there before).
                stored = self.tweets(t.id for t in batch)
                self._owed_cache.tracker.add(stored.values())

    def data_version(self) -> int:
        """A number that moves when tweets or users are written: on SQLite by another
        connection (``PRAGMA data_version``), on PostgreSQL by anyone (a counter kept by
        triggers). A teammate's reply or sync shows as a change here."""
        with self.reading() as db:
            return int(_data_version(db))

    def tweet(self, tweet_id: str) -> Tweet | None:
        return self.tweets([tweet_id]).get(tweet_id)

    def tweets(self, ids: Iterable[str]) -> dict[str, Tweet]:
        with self.reading() as db:
            return _by_id(db, f"SELECT {TWEET_COLUMNS} FROM tweets", ids, tweet_from_row)

    def streams_of(self, tweet_id: str) -> frozenset[str]:
        """The lists a tweet was fetched in."""
        with self.reading() as db:
            rows = db.execute(
                "SELECT stream FROM tweet_streams WHERE tweet_id = ?", (tweet_id,)
            ).fetchall()
        return frozenset(r[0] for r in rows)

    def in_stream(self, stream: str, ids: Iterable[str]) -> frozenset[str]:
        """Which of ``ids`` are filed in ``stream`` already (one query per 500: a sync
        counts a page's new tweets with it, rather than one :meth:`streams_of` each)."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        with self.reading() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT tweet_id FROM tweet_streams "
                    f"WHERE stream = ? AND tweet_id IN ({marks})",
                    [stream, *chunk],
                )
                found.update(str(row[0]) for row in rows)
        return frozenset(found)

    def is_local(self, tweet_id: str) -> bool:
        """Whether the tweet was posted in demo mode, and so exists only here."""
        with self.reading() as db:
            row = db.execute("SELECT local FROM tweets WHERE id = ?", (tweet_id,)).fetchone()
        return bool(row and row[0])

    _TIMELINE = (
        f"SELECT {TWEET_COLUMNS} FROM tweets AS t WHERE EXISTS ("
        "SELECT 1 FROM tweet_streams AS s WHERE s.tweet_id = t.id AND s.stream IN ('home', 'own'))"
    )

    def timeline(self, *, limit: int = 100, before: Tweet | None = None) -> list[Tweet]:
        """Home and own tweets, newest first; pass the last one as ``before`` for the next page.

        Keyset pagination on (created_at, id): a page costs the same at the
        ten-thousandth tweet as at the first, and new tweets arriving between
        pages neither repeat nor skip one.
        """
        query = self._TIMELINE
        params: list[Any] = []
        if before is not None:
            query += " AND (t.created_at, t.id) < (?, ?)"
            params += [ts(before.created_at), before.id]
        query += " ORDER BY t.created_at DESC, t.id DESC LIMIT ?"
        params.append(limit)
        with self.reading() as db:
            return [tweet_from_row(row) for row in db.execute(query, params).fetchall()]

    def timeline_count(self) -> int:
        with self.reading() as db:
            count: int = db.execute(
                "SELECT count(DISTINCT tweet_id) FROM tweet_streams WHERE stream IN ('home', 'own')"
            ).fetchone()[0]
        return count

    def stream(
        self, name: str, *, limit: int | None = None, since: datetime | None = None
    ) -> list[Tweet]:
        """The tweets of one stream, newest first; ``since`` keeps those at or after it."""
        query = (
            f"SELECT {', '.join('t.' + c for c in TWEET_COLUMNS.split(', '))} "
            "FROM tweet_streams AS s JOIN tweets AS t ON t.id = s.tweet_id WHERE s.stream = ?"
        )
        params: list[Any] = [_check_stream(name)]
        if since is not None:
            query += " AND t.created_at >= ?"
            params.append(ts(since))
        query += " ORDER BY t.created_at DESC, t.id DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self.reading() as db:
            return [tweet_from_row(row) for row in db.execute(query, params).fetchall()]

    def conversation(self, conversation_id: str) -> list[Tweet]:
        """A whole thread, oldest first, including replies that did not say their conversation."""
        with self.reading() as db:
            rows = db.execute(
                "WITH RECURSIVE thread (id) AS ("
                " SELECT id FROM tweets"
                " WHERE conversation_id = :c OR id = :c OR replied_to_id = :c"
                " UNION SELECT t.id FROM tweets AS t JOIN thread ON t.replied_to_id = thread.id"
                f") SELECT {TWEET_COLUMNS} FROM tweets WHERE id IN (SELECT id FROM thread)"
                " ORDER BY created_at, id",
                {"c": conversation_id},
            ).fetchall()
        return [tweet_from_row(row) for row in rows]

    # -- marks and mutes

    def mark_no_reply(self, tweet_id: str, reason: str, *, now: datetime) -> None:
        self._set_mark(tweet_id, Mark.no_reply(reason, at=now))

    def snooze(self, tweet_id: str, until: datetime, *, now: datetime | None = None) -> None:
        self._set_mark(tweet_id, Mark.snoozed(until, at=_now(now)))

    def _set_mark(self, tweet_id: str, mark: Mark) -> None:
        until = None if mark.until is None else ts(mark.until)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO marks (tweet_id, kind, reason, marked_at, until, marked_by) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tweet_id) DO UPDATE SET "
                "kind = excluded.kind, reason = excluded.reason, "
                "marked_at = excluded.marked_at, until = excluded.until, "
                "marked_by = excluded.marked_by",
                (tweet_id, mark.kind.value, mark.reason, ts(mark.at), until, self.author),
            )

    def clear_mark(self, tweet_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM marks WHERE tweet_id = ?", (tweet_id,))

    def mark(self, tweet_id: str) -> Mark | None:
        with self.reading() as db:
            row = db.execute(
                "SELECT kind, reason, marked_at, until FROM marks WHERE tweet_id = ?", (tweet_id,)
            ).fetchone()
        return None if row is None else _mark(row)

    def marks(self) -> dict[str, Mark]:
        with self.reading() as db:
            return self.marks_in(db)

    @staticmethod
    def marks_in(db: Db) -> dict[str, Mark]:
        rows = db.execute("SELECT tweet_id, kind, reason, marked_at, until FROM marks").fetchall()
        return {row[0]: _mark(row[1:]) for row in rows}

    def mute(self, user_id: str, *, now: datetime | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO muted (user_id, muted_at) VALUES (?, ?)",
                (user_id, ts(_now(now))),
            )

    def unmute(self, user_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM muted WHERE user_id = ?", (user_id,))

    def muted(self) -> frozenset[str]:
        with self.reading() as db:
            return self.muted_in(db)

    @staticmethod
    def muted_in(db: Db) -> frozenset[str]:
        return frozenset(r[0] for r in db.execute("SELECT user_id FROM muted").fetchall())

    # -- owed replies

    def set_triage(self, triage: Triage | None) -> None:
        """Band owed mentions with ``triage`` (config ``[triage]``); ``None``: the defaults."""
        with self._lock:
            self._triage = triage
            self._owed_cache = None

    def owed_tracker(
        self,
        db: Db,
        account_id: str,
        account_username: str | None,
        *,
        since: datetime | None = None,
    ) -> OwedTracker:
        """The tracker over every stored tweet, rebuilt only when another process wrote.

        With ``since`` (a report from then on) and no tracker kept, a one-shot tracker over
        only what that report needs (:func:`tuicoach.domain.owed.tweets_for_window`), not kept.
        """
        key = (account_id, account_username)
        data_version = _data_version(db)
        cache = self._owed_cache
        if cache is None or cache.key != key or cache.data_version != data_version:
            if since is not None:
                tweets = _window_tweets(db, account_id, since)
            else:
                tweets = [
                    tweet_from_row(r) for r in db.execute(f"SELECT {TWEET_COLUMNS} FROM tweets")
                ]
            usernames = dict(db.execute("SELECT id, username FROM users").fetchall())
            authors = {
                u.id: u for u in map(_user, db.execute(f"SELECT {_USER_COLUMNS} FROM users"))
            }
            tracker = OwedTracker(
                tweets,
                account_id=account_id,
                account_username=account_username,
                usernames=usernames,
                authors=authors,
                triage=self._triage,
            )
            if since is not None:
                return tracker
            cache = self._owed_cache = _TrackerCache(key, data_version, tracker)
        return cache.tracker

    def account_or(
        self, account_id: str | None, account_username: str | None
    ) -> tuple[str, str | None]:
        if account_id is not None:
            return account_id, account_username
        stored = self.get_meta(META_ACCOUNT_ID)
        if stored is None:
            raise StoreError(
                f"{self._path} does not say whose account it holds; sign in again to set it.",
                self._path,
            )
        return stored, account_username or self.get_meta(META_ACCOUNT_USERNAME)

    _owed_tracker = owed_tracker
    _account_or = account_or
    _marks = marks_in
    _muted = muted_in
    _upsert_tweets = keep_tweets
    _tell_tracker = tweets_written

    def owed(
        self,
        *,
        account_id: str | None = None,
        account_username: str | None = None,
        now: datetime,
        rank_by_followers: bool = False,
    ) -> list[OwedReply]:
        """The owed list over everything stored, with the stored marks and mutes.

        The account defaults to the one recorded with :meth:`set_account`.
        """
        account_id, account_username = self.account_or(account_id, account_username)
        with self.reading(snapshot=True) as db:
            tracker = self.owed_tracker(db, account_id, account_username)
            followers: dict[str, int] = {}
            if rank_by_followers:
                followers = dict(
                    db.execute(
                        "SELECT id, followers_count FROM users WHERE followers_count IS NOT NULL"
                    ).fetchall()
                )
            return tracker.owed(
                now=now,
                marks=self.marks_in(db),
                muted=self.muted_in(db),
                rank_by_followers=rank_by_followers,
                followers=followers,
            )

    def probably_spam(
        self,
        *,
        account_id: str | None = None,
        account_username: str | None = None,
        now: datetime,
    ) -> list[OwedReply]:
        """The probably-spam band (:meth:`OwedTracker.probably_spam`): shown after the
        owed list, never counted in it. Confirm one with :meth:`mark_spam`."""
        account_id, account_username = self.account_or(account_id, account_username)
        with self.reading(snapshot=True) as db:
            tracker = self.owed_tracker(db, account_id, account_username)
            return tracker.probably_spam(now=now, marks=self.marks_in(db), muted=self.muted_in(db))

    def mark_spam(self, tweet_id: str, *, now: datetime) -> None:
        """Confirm a probably-spam mention: no reply needed, reason "spam".
        :meth:`clear_mark` moves it back to probably-spam."""
        self.mark_no_reply(tweet_id, SPAM_REASON, now=now)

    def mark_not_spam(self, tweet_id: str, *, now: datetime) -> None:
        """Move a probably-spam mention back: owed like any other, in the band its
        words give it. :meth:`clear_mark` undoes it."""
        self._set_mark(tweet_id, Mark.not_spam(at=now))

    def answered(
        self,
        tweet_ids: Iterable[str],
        *,
        account_id: str | None = None,
        account_username: str | None = None,
        now: datetime,
    ) -> dict[str, datetime]:
        """When the user first answered each of these tweets addressed to them (see
        :meth:`OwedTracker.answered`); tweets not answered by ``now`` are left out."""
        account_id, account_username = self.account_or(account_id, account_username)
        with self.reading(snapshot=True) as db:
            tracker = self.owed_tracker(db, account_id, account_username)
            return tracker.answered(tweet_ids, now=now)

    def owed_stats(
        self,
        *,
        account_id: str | None = None,
        account_username: str | None = None,
        now: datetime,
    ) -> OwedStats:
        account_id, account_username = self.account_or(account_id, account_username)
        with self.reading(snapshot=True) as db:
            tracker = self.owed_tracker(db, account_id, account_username)
            return tracker.stats(now=now, marks=self.marks_in(db), muted=self.muted_in(db))

    # -- drafts

    def save_draft(
        self,
        text: str,
        *,
        draft_id: int | None = None,
        reply_to_id: str | None = None,
        now: datetime,
    ) -> int:
        """Save a new draft, or update ``draft_id``; returns the draft's id.

        If ``draft_id`` was deleted meanwhile (in another window), the text is
        saved as a new draft rather than lost.
        """
        stamp = ts(now)
        with self.transaction() as db:
            if draft_id is not None:
                updated = db.execute(
                    "UPDATE drafts SET text = ?, reply_to_id = ?, updated_at = ? WHERE id = ?",
                    (text, reply_to_id, stamp, draft_id),
                ).rowcount
                if updated:
                    return draft_id
            new_id: int = db.execute(
                "INSERT INTO drafts (text, reply_to_id, created_at, updated_at, author) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (text, reply_to_id, stamp, stamp, self.author),
            ).fetchone()[0]
            return new_id

    _DRAFT = "SELECT id, text, reply_to_id, created_at, updated_at FROM drafts"

    def drafts(self) -> list[DraftRecord]:
        """All drafts, the most recently edited first."""
        with self.reading() as db:
            rows = db.execute(self._DRAFT + " ORDER BY updated_at DESC, id DESC").fetchall()
        return [_draft(r) for r in rows]

    def draft(self, draft_id: int) -> DraftRecord | None:
        with self.reading() as db:
            row = db.execute(self._DRAFT + " WHERE id = ?", (draft_id,)).fetchone()
        return None if row is None else _draft(row)

    def delete_draft(self, draft_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # -- a backend's own tables
    #
    # The outbox and the usage meter belong to the X backend: their schema and
    # SQL live in tuicoach/backends/x/outbox_store.py and usage_store.py, which
    # use the public API above (transaction, reading, keep_tweets...). These
    # methods only forward to them, for callers that hold a Store and not the
    # backend (the compose pane's draft state, `tuicoach outbox`); the module is
    # found by name, imported when first needed by the registry's loader: the store imports no
    # backend.

    def draft_outbox(self, draft_id: int, *, now: datetime | None = None) -> OutboxStatus | None:
        """What the compose pane says about a draft, and whether Send may post it.

        ``None`` when the draft was never sent (or its last try was refused and
        the user may fix and send it again: then the status says why).
        """
        status: OutboxStatus | None = _owned("x.outbox").draft_status(self, draft_id)
        return status

    def outbox_add(
        self, text: str, *, reply_to_id: str | None, now: datetime, draft_id: int | None = None
    ) -> OutboxItem:
        item: OutboxItem = _owned("x.outbox").add(
            self, text, reply_to_id=reply_to_id, now=now, draft_id=draft_id
        )
        return item

    def outbox_pending(self) -> list[OutboxItem]:
        found: list[OutboxItem] = _owned("x.outbox").pending(self)
        return found

    def outbox_items(self, *, limit: int = 200) -> list[OutboxItem]:
        found: list[OutboxItem] = _owned("x.outbox").items(self, limit=limit)
        return found

    def outbox_item(self, item_id: int) -> OutboxItem | None:
        found: OutboxItem | None = _owned("x.outbox").item(self, item_id)
        return found

    def outbox_for_draft(self, draft_id: int) -> OutboxItem | None:
        found: OutboxItem | None = _owned("x.outbox").for_draft(self, draft_id)
        return found

    def outbox_update(
        self,
        item_id: int,
        *,
        state: OutboxState | str,
        tweet_id: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> OutboxItem:
        item: OutboxItem = _owned("x.outbox").update(
            self, item_id, state=state, tweet_id=tweet_id, error=error, now=now
        )
        return item

    def outbox_claim(self, item: OutboxItem, *, now: datetime) -> OutboxItem | None:
        found: OutboxItem | None = _owned("x.outbox").claim(self, item, now=now)
        return found

    def outbox_sent(self, item_id: int, tweet: Tweet, *, now: datetime) -> OutboxItem:
        item: OutboxItem = _owned("x.outbox").sent(self, item_id, tweet, now=now)
        return item

    def record_usage(
        self,
        *,
        now: datetime,
        reads: Mapping[str, Iterable[str]] | None = None,
        counts: Mapping[str, int] | None = None,
    ) -> dict[str, int]:
        billed: dict[str, int] = _owned("x.usage").record(self, now=now, reads=reads, counts=counts)
        return billed

    def usage(self, first: date, last: date) -> dict[date, dict[str, int]]:
        found: dict[date, dict[str, int]] = _owned("x.usage").counts(self, first, last)
        return found

    # -- sync cursors

    def cursor(self, stream: str) -> str | None:
        with self.reading() as db:
            row = db.execute(
                "SELECT newest_id FROM cursors WHERE stream = ?", (_check_stream(stream),)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, stream: str, newest_id: str, *, now: datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO cursors (stream, newest_id, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (stream) DO UPDATE SET newest_id = excluded.newest_id, "
                "updated_at = excluded.updated_at",
                (_check_stream(stream), newest_id, ts(now)),
            )

    # -- likes

    def like(self, tweet_id: str, *, now: datetime | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO likes (tweet_id, liked_at) VALUES (?, ?)",
                (tweet_id, ts(_now(now))),
            )

    def unlike(self, tweet_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM likes WHERE tweet_id = ?", (tweet_id,))

    def liked_among(self, ids: Iterable[str]) -> frozenset[str]:
        """Which of ``ids`` the account has liked (one query, for a page of rows)."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        with self.reading() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT tweet_id FROM likes WHERE tweet_id IN ({marks})", chunk)
                found.update(row[0] for row in rows)
        return frozenset(found)

    def liked(self, tweet_id: str) -> bool:
        with self.reading() as db:
            row = db.execute("SELECT 1 FROM likes WHERE tweet_id = ?", (tweet_id,)).fetchone()
        return row is not None


def _owned(name: str) -> Any:
    """The module that owns the tables of schema step ``name``: imported by the loader
    :mod:`tuicoach.backends.registry` gives the schema (the store imports no backend)."""
    schema.step(name)  # imports the owner if need be; a clear LookupError when no one can
    return sys.modules[schema.OWNERS[name]]


# Old names, kept for code written before these were public.
_ts, _dt, _dt_or_none, _tweet, _TWEET_COLUMNS = ts, dt, dt_or_none, tweet_from_row, TWEET_COLUMNS


def _put_meta(db: Db, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _by_id(
    db: Db,
    select: str,
    ids: Iterable[str],
    make: Callable[[tuple[Any, ...]], _Row],
    chunk: int = 500,
) -> dict[str, _Row]:
    """``select`` (whose first column is ``id``) for each of ``ids``, by id; absent ones left out.

    Asked in chunks, to stay under SQLite's limit on ``?`` parameters per statement.
    """
    wanted = list(dict.fromkeys(ids))
    found: dict[str, _Row] = {}
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        rows = db.execute(f"{select} WHERE id IN ({', '.join('?' * len(part))})", part)
        found.update((row[0], make(row)) for row in rows.fetchall())
    return found
