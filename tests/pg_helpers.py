"""A throwaway PostgreSQL server for the tests: started once per session, a database per test.

The server binaries come from ``$TUICOACH_PG_BIN``, else the newest
``/usr/lib/postgresql/*/bin`` (Debian's and Ubuntu's ``postgresql`` package),
else ``initdb`` on the ``PATH``. Without them the PostgreSQL tests are skipped
with one reason; under CI (``CI=true``, as ``.ci/run`` sets) they fail instead.

``initdb`` refuses to run as root: as root, the server runs as the
``postgres`` user (``runuser``), in a folder under /tmp that user owns. It
listens on 127.0.0.1 only, on a free port, with fsync off (nothing here needs
to survive a crash), and asks every TCP client for a password (SCRAM), so the
tests go through real password authentication. The password is random, per
session, and reaches the store the way a user's would: ``$PGPASSWORD``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ADMIN = "tuicoach_test"


def pg_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or ``None``."""
    named = os.environ.get("TUICOACH_PG_BIN")
    if named:
        return Path(named) if (Path(named) / "initdb").exists() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def unavailable(reason: str) -> None:
    """Skip, saying why, or under CI fail: there the PostgreSQL tests must run."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PgServer:
    bin: Path
    root: Path
    port: int
    password: str
    run_as: list[str]

    def url(self, database: str = "postgres", *, user: str = ADMIN) -> str:
        """A URL without a password (the tests give it through ``$PGPASSWORD``)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> object:
        import psycopg

        return psycopg.connect(self.url(), password=self.password, autocommit=True)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.run_as, *args], capture_output=True, text=True, timeout=60, check=False
        )

    def start(self) -> None:
        data = self.root / "data"
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        self._own(pwfile)
        made = self._run(
            str(self.bin / "initdb"), "-D", str(data), "-U", ADMIN, f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        if made.returncode:
            raise RuntimeError(f"initdb failed: {made.stderr.strip()[-500:]}")
        options = f"-k {self.root} -h 127.0.0.1 -p {self.port} -c fsync=off -c full_page_writes=off"
        started = self._run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
            "-l", str(self.root / "log"), "-w", "-t", "30", "start",
        )  # fmt: skip
        if started.returncode:
            log = (self.root / "log").read_text(errors="replace")[-800:]
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "stop")

    def _own(self, path: Path) -> None:
        if self.run_as:
            shutil.chown(path, "postgres")


def start_server() -> tuple[PgServer | None, str]:
    """A running server, or ``None`` and the reason none could start."""
    found = pg_bin()
    if found is None:
        return None, (
            "no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin "
            "or on the PATH; install them (apt-get install postgresql) or set TUICOACH_PG_BIN"
        )
    run_as: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no 'postgres' user to run the server as"
        if runuser is None:
            return None, "running as root and there is no runuser to start the server as postgres"
        run_as = [runuser, "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="tuicoach-pg-"))
    if run_as:
        shutil.chown(root, "postgres")
    server = PgServer(found, root, _free_port(), secrets.token_urlsafe(18), run_as)
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        return None, f"the throwaway server did not start ({exc})"
    return server, ""


@contextlib.contextmanager
def session_server() -> Iterator[tuple[PgServer | None, str]]:
    server, reason = start_server()
    try:
        yield server, reason
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.root, ignore_errors=True)


def fresh_database(server: PgServer) -> str:
    """A new, empty database's name."""
    name = f"t_{secrets.token_hex(6)}"
    with server.admin() as admin:  # type: ignore[attr-defined]
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(server: PgServer, name: str) -> None:
    with server.admin() as admin:  # type: ignore[attr-defined]
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
