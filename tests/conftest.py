"""Shared test helpers and fixtures.

Reference data lives outside the project, in ``../shared/fixtures`` (or where
``TUICOACH_SHARED`` points); tests that need it skip, saying so, when absent.

The X tests share a fake X API (``fake_x_api``) with an account on it
(``world``); it keeps the wall clock unless the module is marked ``x_clock``,
then it runs on the test's :class:`~x_helpers.Clock` like the backend does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pg_helpers
import pytest
from fake_x_api import FakeX, MemoryKeyring, World, make_world, memory_keyring
from x_helpers import Clock

import tuicoach.backends.registry  # noqa: F401  (its backends' schema steps, as the app has them)
from tuicoach.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TUICOACH_SHARED", REPO.parent / "shared"))


def shared_fixture(*parts: str) -> Path:
    """Path to a file or folder under ``shared/fixtures``; skip the test if absent."""
    path = SHARED.joinpath("fixtures", *parts)
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (set TUICOACH_SHARED to its folder)")
    return path


def write_config(tmp_path: Path, text: str) -> Path:
    """A config file holding ``text``."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_tuicoach(
    *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m tuicoach ARGS`` in a real process, importing this checkout (installed or not).

    ``env`` is its whole environment (default: this process's) and ``stdin``
    its input (default: empty, never the terminal's).
    """
    return subprocess.run(
        [sys.executable, "-m", "tuicoach", *args],
        input="" if stdin is None else stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**(os.environ if env is None else env), "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a real SQLite file."""
    with Store.open(tmp_path / "acme_bakery.sqlite3") as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """The same, where a module's ``store`` runs on both engines and a test is SQLite's alone."""
    with Store.open(tmp_path / "acme_bakery.sqlite3") as opened:
        yield opened


# -- PostgreSQL (tests/pg_helpers.py) -------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_helpers.PgServer]:
    """A throwaway PostgreSQL server for the session; skipped (failed under CI) without one."""
    with pg_helpers.session_server() as (server, reason):
        if server is None:
            pg_helpers.unavailable(reason)
        assert server is not None
        yield server


@pytest.fixture
def pg_url(pg_server: pg_helpers.PgServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database's URL (no password in it: libpq takes ``$PGPASSWORD``)."""
    name = pg_helpers.fresh_database(pg_server)
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    monkeypatch.setenv("PGPASSFILE", str(pg_server.root / "no-pgpass"))
    try:
        yield pg_server.url(name)
    finally:
        pg_helpers.drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on each engine: a SQLite file, then a fresh PostgreSQL database.

    A test module that goes through the public store API runs on both by
    asking for ``store_both`` in its own ``store`` fixture.
    """
    if request.param == "sqlite":
        opened = Store.open(tmp_path / "acme_bakery.sqlite3")
    else:
        opened = Store.connect(request.getfixturevalue("pg_url"))
    with opened:
        yield opened


# -- the X tests ---------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeX]:
    """The fake X API on 127.0.0.1: on the wall clock, or on ``clock`` where marked ``x_clock``."""
    now: Callable[[], float] = time.time
    if request.node.get_closest_marker("x_clock") is not None:
        now = request.getfixturevalue("clock").epoch
    with FakeX(clock=now) as server:
        yield server


@pytest.fixture
def world(fake: FakeX) -> World:
    return make_world(fake)


@pytest.fixture
def vault() -> Iterator[MemoryKeyring]:
    """An in-memory keyring in place of the system's, for the test's length."""
    with memory_keyring() as backend:
        yield backend


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a ``tuicoach`` process of the test's own: its data folder and
    config under ``tmp_path``, none of the caller's ``TUICOACH_*``, and UTC."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
    return base | {
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TZ": "UTC",
    }


def tc(env: Mapping[str, str], *args: str) -> tuple[int, str, str]:
    """``tuicoach ARGS`` in ``env``: its exit status, what it printed and what it said."""
    done = run_tuicoach(*args, env=env)
    return done.returncode, done.stdout, done.stderr
