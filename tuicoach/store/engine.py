"""The seam between the store and its two engines: SQLite (the default) and PostgreSQL.

The store's SQL is written once, in SQLite's dialect, wherever both engines
mean the same by it; a statement only one engine understands is written for
each (see ``store.py``'s upserts and ``pg_schema.py``). What is left is a small,
explicit translation done here, on the way to PostgreSQL, and nothing else:

- placeholders: ``?`` becomes ``%s`` and ``:name`` becomes ``%(name)s``,
  outside quoted text (and every ``%`` is doubled, inside quotes too, since
  psycopg reads it there);
- ``INSERT OR IGNORE INTO ...`` becomes ``INSERT INTO ... ON CONFLICT DO NOTHING``.

Anything else SQLite-only (``INSERT OR REPLACE``, ``PRAGMA``) is refused with
a :class:`ValueError` naming the statement, rather than guessed at.

A PostgreSQL store is named by a libpq URL (``postgresql://user@host/db``, or
``postgresql:///db?service=name``). Its password never comes from the config:
libpq reads ``~/.pgpass``, a service file or ``$PGPASSWORD``, or the caller
passes one it took from the keyring. :func:`redact` is the URL as it may be
shown: without its password.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

#: URL schemes that name a PostgreSQL store.
PG_SCHEMES = ("postgresql", "postgres")


class Rows(Protocol):
    """What a statement returns, on either engine (a DB-API cursor)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """The connection a store block hands out: ``sqlite3.Connection`` or :class:`PgConnection`."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Rows: ...

    def executemany(self, sql: str, parameters: Any, /) -> Rows: ...

    @property
    def in_transaction(self) -> bool: ...


def is_pg_url(target: object) -> bool:
    """Whether ``target`` (a path or a URL) names a PostgreSQL store."""
    return isinstance(target, str) and target.split(":", 1)[0].lower() in PG_SCHEMES


def redact(url: str) -> str:
    """``url`` without its password (in the netloc or the query), safe to print and log."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<a store URL that cannot be read>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = urllib.parse.urlencode(
        [
            (k, v)
            for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() != "password"
        ]
    )
    shown = f"{parts.scheme}://{netloc}{parts.path}"
    return shown + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def url_password(url: str) -> str | None:
    """The password written into ``url`` itself, if any (so a caller can refuse it)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return urllib.parse.unquote(parts.password)
    for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() == "password" and value:
            return value
    return None


def database_of(url: str) -> str:
    """The database ``url`` names (its path), or ``""`` when libpq is to default it."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


# --- SQL translation -------------------------------------------------------------

# Quoted text and identifiers pass through as they are; the rest is scanned.
_TOKENS = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|:[A-Za-z_]\w*|%|[^'\"?:%-]+|."
)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_REFUSED = re.compile(r"^\s*(INSERT\s+OR\s+REPLACE|REPLACE\s+INTO|PRAGMA)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def to_pg(sql: str) -> str:
    """``sql`` (SQLite's dialect, as the store writes it) as PostgreSQL takes it."""
    if _REFUSED.match(sql):
        raise ValueError(
            f"SQLite-only statement sent to PostgreSQL (write it for each engine): {sql[:80]!r}"
        )
    out: list[str] = []
    for token in _TOKENS.findall(sql):
        if token == "?":
            out.append("%s")
        elif token == "%":
            out.append("%%")
        elif token.startswith(":") and len(token) > 1 and out[-1:] != [":"]:
            out.append(f"%({token[1:]})s")
        elif token[:1] in "'\"":
            out.append(token.replace("%", "%%"))  # psycopg reads % even inside quotes
        else:
            out.append(token)
    text = "".join(out)
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1)
        returning = _RETURNING.search(text)
        if returning:
            at = returning.start()
            text = f"{text[:at]}ON CONFLICT DO NOTHING {text[at:]}"
        else:
            text = f"{text.rstrip().rstrip(';')} ON CONFLICT DO NOTHING"
    return text


class PgConnection:
    """A psycopg connection that takes the store's SQL (see :func:`to_pg`).

    The raw connection is in autocommit mode: outside a block of
    :meth:`Store.transaction` (or a snapshot read) each statement stands alone.
    """

    engine = "postgresql"

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.raw.execute(to_pg(sql), _params(parameters))

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        """``sql`` once per parameter row; an ``INSERT ... VALUES (?, ...)`` as multi-row
        statements instead (see :func:`multirow`), a round trip per :data:`MULTIROW` rows
        rather than one per row. ``rowcount`` is the rows changed in all, on both paths."""
        cursor = self.raw.cursor()
        rows = [_params(p) for p in parameters]
        if not rows:
            return cursor
        statement = to_pg(sql)
        plan = multirow(statement)
        if plan is None or len(rows) < 2 or not plan.fits(rows) or not hasattr(cursor, "mogrify"):
            cursor.executemany(statement, rows)
            return cursor
        changed = 0
        for start in range(0, len(rows), MULTIROW):
            # Each row bound on its own (a short statement: psycopg caches its parse), then
            # joined: one long statement with no parameters left, which psycopg sends
            # as it is instead of parsing it again for each page.
            chunk = rows[start : start + MULTIROW]
            cursor.execute(plan.joined(cursor.mogrify(plan.row, row) for row in chunk))
            changed += max(0, cursor.rowcount)
        return Changed(changed)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        status: bool = self.raw.info.transaction_status != TransactionStatus.IDLE
        return status


#: Rows per multi-row ``INSERT`` (at 17 columns, well under PostgreSQL's 65,535 parameters).
MULTIROW = 500

_INSERT_VALUES = re.compile(
    r"^(?P<head>\s*INSERT\s+INTO\s+\w+\s*\((?P<columns>[^()%]*)\)\s*VALUES\s*)"
    r"(?P<row>\(\s*%s(?:\s*,\s*%s)*\s*\))(?P<tail>[^%]*)$",
    re.IGNORECASE | re.DOTALL,
)
_UPDATE = re.compile(r"\bDO\s+UPDATE\b", re.IGNORECASE)
_DO_UPDATE = re.compile(r"\bON\s+CONFLICT\s*\((?P<key>[^()]*)\)\s*DO\s+UPDATE\b", re.IGNORECASE)


@dataclass(frozen=True)
class MultiRow:
    """An ``INSERT INTO t (...) VALUES (%s, ...) [ON CONFLICT ...]`` (PostgreSQL's spelling,
    after :func:`to_pg`) split where more rows' ``(...)`` go; ``key``: the positions of
    the ``ON CONFLICT (...) DO UPDATE`` target's columns, if it has one."""

    head: str
    row: str
    tail: str
    key: tuple[int, ...] | None

    def joined(self, rows: Iterable[str]) -> str:
        """The statement for ``rows``, each one ``row`` with its values bound."""
        return f"{self.head}{', '.join(rows)}{self.tail}"

    def fits(self, rows: list[Sequence[Any] | dict[str, Any]]) -> bool:
        """Whether one statement for ``rows`` does what one per row would: positional
        rows, and no two updating the same row (``DO UPDATE`` refuses to affect a row
        twice in one statement; one per row would apply the second on top of the first)."""
        if any(isinstance(row, dict) for row in rows):
            return False
        if self.key is None:
            return True
        keys = {tuple(row[i] for i in self.key) for row in rows}  # type: ignore[index]
        return len(keys) == len(rows)


@functools.lru_cache(maxsize=256)
def multirow(statement: str) -> MultiRow | None:
    """``statement`` as a :class:`MultiRow`, or ``None`` where it is not one (a parameter
    outside ``VALUES``, a ``RETURNING``, a ``DO UPDATE`` on columns it does not name)."""
    found = _INSERT_VALUES.match(statement)
    if found is None or _RETURNING.search(found["tail"]):
        return None
    key: tuple[int, ...] | None = None
    if (update := _DO_UPDATE.search(found["tail"])) is None and _UPDATE.search(found["tail"]):
        return None  # ON CONFLICT ON CONSTRAINT ... DO UPDATE: which columns, unknown here
    if update is not None:
        columns = [c.strip().lower() for c in found["columns"].split(",")]
        try:
            key = tuple(columns.index(c.strip().lower()) for c in update["key"].split(","))
        except ValueError:
            return None
    return MultiRow(found["head"], found["row"], found["tail"], key)


class Changed:
    """What a multi-row :meth:`PgConnection.executemany` returns: how many rows it changed."""

    def __init__(self, rowcount: int) -> None:
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


def _params(parameters: Any) -> Sequence[Any] | dict[str, Any]:
    if isinstance(parameters, dict):
        return parameters
    return list(parameters)
