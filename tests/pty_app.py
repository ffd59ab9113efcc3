"""The real ``tuicoach`` app in a pseudo-terminal, driven by its keys.

Shared by the tests that kill the app with -9 and restart it as a new process
(tests/integration/test_x_app_kill.py) and by ``benchmarks/exactly_once.py --path app``.
What the app draws is read back with the escape sequences dropped: enough to wait
for a word on screen (a line Textual repaints is written whole), not a screen model.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

#: Keystrokes as a terminal sends them.
ALT_S = b"\x1bs"  # Send (binding `send`: alt+s)
ESCAPE = b"\x1b"
TAB = b"\t"
ENTER = b"\r"
_ESCAPES = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
#: What the restarted app's Send shows instead of sending (PostAsNewScreen's title).
EXPLAINED = "This draft was sent before"
#: What the coach's question before a send says (ConfirmSendScreen's buttons).
COACH_ASKS = ("Send anyway", "Override…", "Post anyway")


class Arrivals(Protocol):
    """What :meth:`AppInPty.send` watches: the fake X API's log of requests by name."""

    arrived: list[str]


class AppInPty:
    """``python -m tuicoach`` (environment ``env``, run in ``cwd``) in a 160x45 pty."""

    def __init__(self, env: Mapping[str, str], *, cwd: Path, size: tuple[int, int] = (160, 45)):
        master, slave = os.openpty()
        width, height = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tuicoach"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env) | {"TERM": "xterm-256color"},
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        LIVE.add(self)
        self.master = master
        self.seen = bytearray()
        self.mark = 0  # :meth:`wait_for` reads what was drawn from here on

    def pump(self, seconds: float) -> None:
        """Read what the app draws for ``seconds`` (its terminal must never fill up)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:
                    chunk = b""
                if not chunk:  # the app is gone
                    time.sleep(left)
                    return
                self.seen.extend(chunk)

    def drawn(self) -> str:
        return _ESCAPES.sub(b"", bytes(self.seen[self.mark :])).decode("utf-8", "replace")

    def wait_for(self, *needles: str, seconds: float = 40.0) -> str | None:
        """The first of ``needles`` drawn since the mark, waiting up to ``seconds``."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(0.1)
            screen = self.drawn()
            for needle in needles:
                if needle in screen:
                    return needle
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited ({self.process.returncode}): {screen[-600:]}")
        return None

    def press(self, *keys: bytes, pause: float = 0.25) -> None:
        for key in keys:
            self.mark = len(self.seen)
            os.write(self.master, key)
            self.pump(pause)  # a lone escape is only a key once the terminal goes quiet

    def type(self, text: str) -> None:
        self.mark = len(self.seen)
        os.write(self.master, text.encode())
        self.pump(0.3)

    def send(self, fake: Arrivals) -> None:
        """Send (alt+s), and past the coach's question if it asks (tab to its go button)."""
        before = len(fake.arrived)
        self.press(ALT_S, pause=0.05)
        for _ in range(2):  # an error asks twice
            seen = None
            end = time.monotonic() + 8  # the coach reads it first: slow on a busy machine
            while seen is None and time.monotonic() < end:
                if "create_tweet" in fake.arrived[before:]:
                    return
                seen = self.wait_for(*COACH_ASKS, EXPLAINED, seconds=0.1)
            if seen is None or seen == EXPLAINED:
                return
            self.press(TAB, ENTER, pause=0.3)

    def kill(self) -> None:
        """SIGKILL the app (its whole session), and close its terminal."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)
        LIVE.discard(self)


#: The apps running now: a benchmark kills them if it is stopped (each is a session).
LIVE: set[AppInPty] = set()


def the_draft(db: Path, typed: str, seconds: float = 15.0) -> tuple[str, str | None] | None:
    """(text, reply target) of the saved draft ending in all of ``typed``: the app's autosave.

    Only the whole text counts: on a busy machine the app may save a draft half typed.
    """
    end = time.monotonic() + seconds
    query = "SELECT text, reply_to_id FROM drafts WHERE substr(text, -?) = ?"
    while time.monotonic() < end:
        with (
            contextlib.suppress(sqlite3.Error),
            contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn,
        ):
            row = conn.execute(query, (len(typed), typed)).fetchone()
            if row is not None:
                return str(row[0]), row[1]
        time.sleep(0.1)
    return None


def start_reply(app: AppInPty, db: Path, token: str, text: str) -> tuple[str, str | None]:
    """On a fresh store: reply to the newest mention (it holds ``token``), typing
    ``token text``; wait for the autosave. (text, reply target) as the store has it."""
    if app.wait_for(f"{token}?", seconds=60) is None:  # the mention is on screen
        raise RuntimeError(f"the app never showed the mention: {app.drawn()[-600:]}")
    app.press(b"2", b"g", b"r")  # Mentions, the newest, reply
    if app.wait_for("Replying to", seconds=10) is None:
        raise RuntimeError(f"r started no reply: {app.drawn()[-600:]}")
    typed = f"{token} {text}"
    app.type(typed)
    if (draft := the_draft(db, typed)) is None:
        raise RuntimeError(f"the draft was never saved: {app.drawn()[-600:]}")
    return draft
