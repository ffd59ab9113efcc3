"""The reader process (ui/reader.py): a real fork, reading a real SQLite demo store.

It hands over exactly what the app would have read itself, says so when it cannot,
writes nothing to the terminal the app draws on, and is not forked beside other
threads (a fork copies their locks, held or not).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from ui_helpers import NOW, fork_reader

from tuicoach import paths
from tuicoach.ui import reader, view
from tuicoach.ui.launch import demo_connect, fixed_clock

pytestmark = pytest.mark.skipif(not reader.fork_safe_platform(), reason="no fork on this platform")


def test_the_reader_hands_over_what_the_app_would_read_itself(tmp_path: Path) -> None:
    clock = fixed_clock(NOW)
    connect = demo_connect(tmp_path, clock)
    reading = fork_reader(connect, clock)
    handed = reading.result(timeout=60)
    account = connect()  # the store as the reader left it: the demo seeded, then read
    try:
        here = view.first_screen(account, NOW)
    finally:
        account.close()
    assert handed == here
    assert handed.handle == "@larkspurcoffee" and handed.is_demo
    assert handed.snapshot.owed_people > 0 and len(handed.timeline) > 0


def test_a_reader_that_cannot_open_the_store_says_so(tmp_path: Path) -> None:
    def broken() -> view.Account:
        raise OSError("the disk went away")

    reading = fork_reader(broken, fixed_clock(NOW))
    with pytest.raises(reader.ReaderFailed, match="nothing"):
        reading.result(timeout=60)


def test_the_reader_writes_nothing_to_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Its stdin, stdout and stderr are /dev/null: the terminal is Textual's alone."""
    clock = fixed_clock(NOW)
    demo = demo_connect(tmp_path, clock)

    def chatty() -> view.Account:
        import os
        import sys

        print("a word on stdout")
        print("a word on stderr", file=sys.stderr)
        os.write(1, b"straight to fd 1\n")
        return demo()

    reading = fork_reader(chatty, clock)
    assert reading.result(timeout=60).snapshot.owed_people > 0
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_no_reader_is_forked_beside_another_thread(tmp_path: Path) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait, args=(30,))
    other.start()
    try:
        clock = fixed_clock(NOW)
        assert reader.start_reader(demo_connect(tmp_path, clock), clock) is None
    finally:
        release.set()
        other.join()
    assert not paths.demo_db(tmp_path).exists()  # nothing forked, so nothing opened
