"""Drafts are saved as the user types and come back after a restart, or a kill -9."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO
from textual.pilot import Pilot
from ui_helpers import NOW, make_app, settle, type_text

from tuicoach import paths
from tuicoach.store import Store
from tuicoach.ui.panes.compose import ComposePane
from tuicoach.ui.widgets.tweet_list import TweetList


async def saved(pilot: Pilot[None], store: Store, text: str, seconds: float = 5.0) -> bool:
    """Wait (in the app's own time) until the store holds a draft with ``text``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(d.text == text for d in store.drafts()):
            return True
        await pilot.pause(0.05)
    return False


async def test_a_reply_draft_is_saved_while_typing_and_restored_after_restart(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        target = app.main.query_one("#mentions", TweetList).current
        assert target is not None and app.account is not None
        await pilot.press("r")
        await type_text(pilot, "half a thought")
        text = f"{target.handle} half a thought"
        started = time.monotonic()
        assert await saved(pilot, app.account.store, text)
        assert time.monotonic() - started < 1.0 + 0.5  # at most a second behind (plus slack)
        (draft,) = app.account.store.drafts()
        assert draft.reply_to_id == target.tweet.id

    again = make_app(tmp_path)
    async with again.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        compose = again.main.query_one(ComposePane)
        assert compose.text == text
        assert (
            again.main.composer.reply_to is not None
            and again.main.composer.reply_to.tweet.id == target.tweet.id
        )
        assert "draft restored" in str(compose.query_one("#draft-state").render())


async def test_the_drafts_list_opens_and_deletes_drafts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        await pilot.press("n")
        await type_text(pilot, "first idea")
        await pilot.press("escape", "n")  # a new tweet: the first is kept
        await type_text(pilot, "second idea")
        assert await saved(pilot, store, "second idea")
        assert {d.text for d in store.drafts()} == {"first idea", "second idea"}

        await pilot.press("escape", "d")
        await settle(pilot)
        await pilot.press("down", "x")  # the older one: the first x only asks
        await settle(pilot)
        assert {d.text for d in store.drafts()} == {"first idea", "second idea"}
        assert "x again deletes" in str(app.screen.query_one("#drafts-hint").render())
        await pilot.press("x")  # the second deletes
        await settle(pilot)
        assert [d.text for d in store.drafts()] == ["second idea"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.query_one(ComposePane).text == "second idea"

        # Clearing the text deletes the draft: no empty drafts pile up.
        await pilot.press("f7", "backspace")  # select all, delete
        deadline = time.monotonic() + 5
        while store.drafts() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert store.drafts() == []


def _read_until(fd: int, needle: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


async def test_a_draft_survives_kill_9(tmp_path: Path) -> None:
    """A real `tuicoach --demo` in a pseudo-terminal, killed with SIGKILL mid-draft."""
    data = tmp_path / "data"
    master, slave = pty.openpty()
    import fcntl
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TERM": "xterm-256color",
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tuicoach",
            "--demo",
            "--data-dir",
            str(data),
            "--now",
            NOW.isoformat(),
        ],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        # Wait for the data to be shown (the Mentions title gets its count).
        assert b"owed" in _read_until(master, b"owed", 60)
        os.write(master, b"n")
        # Type only once the draft has the focus (its state line says so).
        assert b"new tweet" in _read_until(master, b"new tweet", 30)
        os.write(master, b"written before the crash")
        store = Store.open(paths.demo_db(data))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if [d.text for d in store.drafts()] == ["written before the crash"]:
                break
            _read_until(master, b"\x00", 0.05)  # keep the terminal drained
        assert [d.text for d in store.drafts()] == ["written before the crash"]
        store.close()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)

    app = make_app(data)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.main.query_one(ComposePane).text == "written before the crash"
