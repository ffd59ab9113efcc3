"""A store on PostgreSQL: the connection pool, opening and upgrading, and the messages.

:meth:`Store.connect` opens one of these. psycopg 3 and its pool are imported
only here, when a store on PostgreSQL is opened: a SQLite user never loads them.

Every failure leaves as a :class:`~tuicoach.store.StoreError` naming the URL
without its password (:func:`~tuicoach.store.engine.redact`) and the way out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tuicoach.store import engine, schema
from tuicoach.store.engine import PgConnection

#: Seconds to wait for the server to answer a new connection.
CONNECT_TIMEOUT = 5
#: Seconds a block waits for a free pooled connection (or a server come back).
POOL_TIMEOUT = 10.0
POOL_MAX = 4

_WAY_OUT = (
    "Check the URL ([store] url in the config, --store, or $TUICOACH_STORE_URL), or remove it "
    "to use the local SQLite file"
)


def _store_error(url: str, message: str) -> Exception:
    from tuicoach.store.store import StoreError

    return StoreError(message, Path(engine.database_of(url) or "postgresql"))


def connect_error(url: str, exc: BaseException) -> Exception:
    """What to say when a connection to ``url`` failed (``exc`` from psycopg)."""
    shown = engine.redact(url)
    detail = scrub(url, " ".join(str(exc).split()))
    low = detail.lower()
    database = engine.database_of(url) or "the database"
    if "password authentication failed" in low or "no password supplied" in low:
        message = (
            f"the PostgreSQL server at {shown} refused the password ({_reason(detail)}). "
            "Passwords never go in the config: put the right one in ~/.pgpass (or a "
            "service file), in $PGPASSWORD, or in the keyring with `tuicoach store password`."
        )
    elif "does not exist" in low and "database" in low:
        message = (
            f"there is no database {database!r} on the PostgreSQL server at {shown}. "
            f"Create it (createdb {database}), or point the URL at one that exists. {_WAY_OUT}."
        )
    elif "role" in low and "does not exist" in low:
        message = (
            f"the PostgreSQL server at {shown} has no such user ({_reason(detail)}). "
            f"Create the role, or name another user in the URL. {_WAY_OUT}."
        )
    else:
        message = (
            f"cannot reach the PostgreSQL server at {shown} ({_reason(detail)}). Check that "
            f"the server is running and accepts connections. {_WAY_OUT}."
        )
    return _store_error(url, message)


def scrub(url: str, text: str) -> str:
    """``text`` with the URL's password (should libpq quote it back) blotted out."""
    secret = engine.url_password(url)
    return text.replace(secret, "***") if secret else text


def _reason(detail: str) -> str:
    """The libpq message without its "connection to server at ... failed:" preamble."""
    for marker in ("failed: FATAL:", "failed:"):
        if marker in detail:
            detail = detail.rsplit(marker, 1)[1]
    return detail.strip().rstrip(".")[:300]


def use_error(url: str, exc: BaseException) -> Exception:
    """What to say when a statement on an open store failed."""
    import psycopg

    if isinstance(exc, psycopg.OperationalError):
        return connect_error(url, exc)
    detail = scrub(url, " ".join(str(exc).split()))[:300]
    return _store_error(
        url,
        f"the store at {engine.redact(url)} refused a change ({detail}). Nothing of it was "
        "saved; try again, and report it if it repeats.",
    )


class PgPool:
    """The pool of connections a store on PostgreSQL hands its blocks."""

    def __init__(self, url: str, pool: Any) -> None:
        self.url = url
        self.redacted = engine.redact(url)
        self._pool = pool

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        import psycopg
        from psycopg_pool import PoolClosed, PoolTimeout

        try:
            with self._pool.connection() as raw:
                yield PgConnection(raw)
        except PoolTimeout:
            raise _store_error(
                self.url,
                f"cannot reach the PostgreSQL server at {self.redacted} (no connection within "
                f"{POOL_TIMEOUT:g} seconds). Check that the server is running. {_WAY_OUT}.",
            ) from None
        except PoolClosed:
            raise _store_error(self.url, f"the store at {self.redacted} is closed") from None
        except psycopg.Error as exc:
            raise use_error(self.url, exc) from None

    def dedicated(self) -> Any:
        """A connection of its own, outside the pool, with the pool's settings: for a
        listener that holds it for as long as it waits (``LISTEN``, store/presence.py)."""
        import psycopg

        return psycopg.connect(self._pool.conninfo, **self._pool.kwargs)

    def close(self) -> None:
        self._pool.close()


def _kwargs(password: str | None) -> dict[str, Any]:
    import psycopg

    # Client-side binding: the store's SQL leaves a parameter's type to its value
    # (``? IS NULL``, ``CASE WHEN :state = ...``), as SQLite does; the server
    # cannot infer an untyped NULL's.
    kwargs: dict[str, Any] = {
        "autocommit": True,
        "connect_timeout": CONNECT_TIMEOUT,
        "cursor_factory": psycopg.ClientCursor,
    }
    if password is not None:
        kwargs["password"] = password
    return kwargs


def prepare(connection: PgConnection, url: str) -> None:
    """Refuse another program's tables or a newer tuicoach's; else bring the schema up to date."""
    try:
        schema.upgrade_pg(connection)
    except schema.ForeignDatabase:
        raise _store_error(
            url,
            f"the database at {engine.redact(url)} holds another program's tables and no "
            "tuicoach store. tuicoach has not changed it. Give tuicoach a database of its own "
            f"(createdb tuicoach), or name another schema in the URL. {_WAY_OUT}.",
        ) from None
    except schema.NewerSchema as exc:
        raise _store_error(
            url,
            f"the store at {engine.redact(url)} was written by a newer tuicoach (database "
            f"version {exc.version}; this tuicoach knows up to {schema.SCHEMA_VERSION}). It "
            "was left as it is: upgrade tuicoach (pip install -U tuicoach) on this machine.",
        ) from None


def open_pool(url: str, password: str | None) -> PgPool:
    """Check ``url`` answers, upgrade its schema, and open a pool on it."""
    try:
        import psycopg
        from psycopg_pool import ConnectionPool
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise _store_error(
            url, "a store on PostgreSQL needs psycopg: pip install 'psycopg[binary]' psycopg-pool"
        ) from None
    try:
        with psycopg.connect(url, **_kwargs(password)) as raw:
            prepare(PgConnection(raw), url)
    except psycopg.ProgrammingError as exc:  # a conninfo libpq cannot read
        raise _store_error(
            url,
            f"the store URL {engine.redact(url)} cannot be read "
            f"({scrub(url, str(exc))[:200]}). {_WAY_OUT}.",
        ) from None
    except psycopg.Error as exc:
        raise (
            connect_error(url, exc)
            if isinstance(exc, psycopg.OperationalError)
            else use_error(url, exc)
        ) from None
    pool = ConnectionPool(
        url,
        kwargs=_kwargs(password),
        min_size=1,
        max_size=POOL_MAX,
        timeout=POOL_TIMEOUT,
        check=ConnectionPool.check_connection,
        open=True,
        name="tuicoach-store",
    )
    return PgPool(url, pool)
