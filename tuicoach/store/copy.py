"""Copying an account's SQLite store into a PostgreSQL one (``tuicoach store migrate``).

The SQLite file is never written: it is read through SQLite's backup API from
a read-only connection into a temporary copy, which is brought up to the
current schema (an older file upgrades there, not in place). Every table's
rows then go into PostgreSQL in one transaction, each row only if its key is
not there yet (``ON CONFLICT DO NOTHING``), so a second run copies nothing and
changes nothing. Ids the store numbers itself keep their values, and each
identity sequence is moved past them. Afterwards the counts are checked per
table: PostgreSQL must hold at least as many rows as the file, and exactly as
many more as were copied.

A PostgreSQL store that belongs to another account is refused, untouched.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tuicoach.store.engine import Db
from tuicoach.store.store import META_ACCOUNT_ID, Store, StoreError

#: Tables another table's rows point at go first.
_FIRST = ("meta", "users", "tweets", "saved_searches")
#: The PostgreSQL store's own bookkeeping, not copied.
_NOT_COPIED = frozenset({"data_version", "tuicoach_schema"})
_CHUNK = 1000


class CopyMismatch(StoreError):
    """After the copy, a table's counts do not add up (nothing was committed then)."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source: int  # rows in the SQLite file
    target: int  # rows in PostgreSQL afterwards
    copied: int  # rows this run added


@dataclass(frozen=True, slots=True)
class CopyResult:
    tables: tuple[TableCopy, ...]


def _snapshot(source: Path, folder: Path) -> Path:
    """A consistent copy of ``source`` (WAL included), read without writing to it."""
    if not source.is_file():
        raise StoreError(f"no SQLite store at {source}", source)
    copy = folder / "copy.sqlite3"
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            writer = sqlite3.connect(copy)
            try:
                reader.backup(writer)
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot read {source} ({exc}); it was not changed. Check that it is a tuicoach "
            "store you may read.",
            source,
        ) from None
    return copy


def _sqlite_tables(db: Db) -> list[str]:
    names = [
        str(r[0])
        for r in db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return sorted(names, key=lambda n: (n not in _FIRST, _FIRST.index(n) if n in _FIRST else 0, n))


def copy_to_pg(source: Path, url: str, *, password: str | None = None) -> CopyResult:
    """Copy the SQLite store at ``source`` into the PostgreSQL store at ``url``."""
    with tempfile.TemporaryDirectory(prefix="tuicoach-migrate-") as folder:
        snapshot = _snapshot(source, Path(folder))
        with Store.open(snapshot) as local, Store.connect(url, password=password) as remote:
            return _copy(source, local, remote)


def _copy(source: Path, local: Store, remote: Store) -> CopyResult:
    done: list[TableCopy] = []
    with local.reading(snapshot=True) as lite, remote.transaction() as pg:
        theirs = pg.execute("SELECT value FROM meta WHERE key = ?", (META_ACCOUNT_ID,)).fetchone()
        ours = lite.execute("SELECT value FROM meta WHERE key = ?", (META_ACCOUNT_ID,)).fetchone()
        if theirs is not None and ours is not None and theirs[0] != ours[0]:
            raise StoreError(
                f"{remote.where} holds another account's store (account id {theirs[0]}, the "
                f"file's is {ours[0]}); nothing was copied. Give each account a database of "
                "its own.",
                remote.path,
            )
        for table in _sqlite_tables(lite):
            if table in _NOT_COPIED:
                continue
            target_columns = [
                str(r[0])
                for r in pg.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = ? "
                    "ORDER BY ordinal_position",
                    (table,),
                ).fetchall()
            ]
            if not target_columns:
                raise StoreError(
                    f"{remote.where} has no table {table!r} for the file's rows; nothing was "
                    "copied. Upgrade tuicoach on this machine, then try again.",
                    remote.path,
                )
            source_columns = {str(r[1]) for r in lite.execute(f"PRAGMA table_info({table})")}
            columns = [c for c in target_columns if c in source_columns or c == "rowid"]
            before = int(pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            rows = lite.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            insert = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING"
            )
            copied = 0
            for start in range(0, len(rows), _CHUNK):
                copied += max(0, pg.executemany(insert, rows[start : start + _CHUNK]).rowcount)
            _past_identities(pg, table)
            after = int(pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            if after < len(rows) or after - before != copied:
                raise CopyMismatch(
                    f"{table}: the file has {len(rows)} rows, {remote.where} had {before} and "
                    f"now {after} after copying {copied}; nothing was committed. Try again; "
                    "report it if it repeats.",
                    remote.path,
                )
            done.append(TableCopy(table, len(rows), after, copied))
    return CopyResult(tuple(done))


def _past_identities(pg: Db, table: str) -> None:
    """Move each identity column's sequence past the ids just copied in."""
    for (column,) in pg.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? AND is_identity = 'YES'",
        (table,),
    ).fetchall():
        pg.execute(
            "SELECT setval(pg_get_serial_sequence(?, ?), "
            f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
            (table, column),
        )
