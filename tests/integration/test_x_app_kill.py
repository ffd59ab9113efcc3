"""The real app, killed with -9 during Send and restarted as a new process (issue 10).

``python -m tuicoach`` runs in a pseudo-terminal against the fake X API on 127.0.0.1
(signed in by the ``TUICOACH_X_*`` variables), as ``benchmarks/exactly_once.py --path
app`` does, with the same helpers (tests/pty_app.py). X stores the reply but its answer
is lost, and the app is killed before it can learn more. The restarted app must say the
draft is unconfirmed, Send must only explain, and once X's own-tweets list shows the
reply the draft is "sent" and cleared: X holds exactly one copy throughout.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from fake_x_api import FakeX, World
from pty_app import ESCAPE, EXPLAINED, AppInPty, start_reply
from x_helpers import env_of

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

DB = Path("data", "accounts", "acme_bakery.sqlite3")  # tuicoach.paths, under the data dir


@pytest.fixture
def env(tmp_path: Path, fake: FakeX, world: World) -> dict[str, str]:
    """A new user's environment: the fake X, a short request timeout, a sync a second."""
    config = tmp_path / "config.toml"
    config.write_text("[x]\ntimeout = 0.5\nretries = 1\npoll_seconds = 1\n", encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
    return (
        keep
        | env_of(world)
        | {
            "TUICOACH_DATA_DIR": str(tmp_path / "data"),
            "TUICOACH_CONFIG": str(config),
            "TUICOACH_X_API_BASE": fake.url,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPATH": str(REPO),
        }
    )


@pytest.fixture
def apps() -> Iterator[list[AppInPty]]:
    """Every app a test starts is killed at its end, whatever happened."""
    started: list[AppInPty] = []
    yield started
    for app in started:
        if app.process.poll() is None:
            app.kill()


def copies(fake: FakeX, world: World, token: str) -> int:
    """How many tweets of the account on X hold ``token`` (whatever its list shows)."""
    lag, fake.own_lag = fake.own_lag, 0.0
    try:
        return sum(token in str(t["text"]) for t in fake.tweets_by(world.me))
    finally:
        fake.own_lag = lag


def drafts_holding(db: Path, token: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT count(*) FROM drafts WHERE instr(text, ?) > 0", (token,))
        return int(row.fetchone()[0])


def test_the_app_killed_during_send_restarts_unconfirmed_and_never_sends_twice(
    tmp_path: Path, fake: FakeX, world: World, env: dict[str, str], apps: list[AppInPty]
) -> None:
    fake.reject_duplicates = False  # a second copy would be accepted: count it, not refuse it
    token = "T" + os.urandom(3).hex()
    fake.add_tweet(world.friends[0], f"@acme_bakery rye at 8, {token}?")
    db = tmp_path / DB

    first = AppInPty(env, cwd=REPO)
    apps.append(first)
    start_reply(first, db, token, "yes, from 8 until it runs out")
    # X stores the reply and the answer is lost; its own-tweets list lags far behind.
    fake.lose_response("create_tweet", how="drop")
    fake.own_lag = 3600.0
    before = len(fake.arrived)
    first.send(fake)
    end = time.monotonic() + 10
    while copies(fake, world, token) == 0 and time.monotonic() < end:
        first.pump(0.02)
    assert fake.arrived[before:].count("create_tweet") == 1
    assert copies(fake, world, token) == 1  # X has it; the app never read that it does
    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    fake.clear_faults()
    assert drafts_holding(db, token) == 1  # the draft outlived the kill

    second = AppInPty(env, cwd=REPO)  # a new process, on the same store
    apps.append(second)
    assert second.wait_for("unconfirmed", "draft restored", seconds=60) is not None
    assert second.wait_for("unconfirmed", seconds=15) == "unconfirmed"  # not "not sent"
    second.press(ESCAPE, pause=0.4)
    second.press(b"c", pause=0.4)  # to the restored draft
    before = len(fake.arrived)
    second.mark = len(second.seen)
    second.send(fake)
    assert second.wait_for(EXPLAINED, seconds=10) == EXPLAINED  # Send only explains
    second.press(ESCAPE, pause=0.4)  # "Keep it"
    second.pump(1.5)  # a sync or so later: still nothing sent
    assert "create_tweet" not in fake.arrived[before:]
    assert copies(fake, world, token) == 1

    fake.own_lag = 0.0  # X's list catches up: the app's next sync finds the reply
    second.mark = len(second.seen)
    assert second.wait_for("sent ", seconds=20) == "sent "
    assert re.search(r"sent \d\d:\d\d", second.drawn())  # "sent 12:04", the draft's state
    end = time.monotonic() + 10
    while drafts_holding(db, token) and time.monotonic() < end:
        second.pump(0.1)
    assert drafts_holding(db, token) == 0  # the draft is done, cleared from the store
    assert copies(fake, world, token) == 1
    assert "create_tweet" not in fake.arrived[before:]
