"""The first screen, read in a process of its own while this one loads Textual.

Reading the store for the first screen (its imports, opening it, banding the
mentions) costs as much CPU as Textual's own start, and in a thread the two
take turns under one GIL. Forked before Textual is imported, a reader does it
on another core and hands the result over as plain values
(:class:`~tuicoach.ui.view.FirstScreen`) through a pipe; the app draws them in
its first frame, then opens its own account (store and backend, without
reading the screen again) to act on them.

Only where forking is safe: POSIX with ``os.fork``, not macOS (its system
libraries are not fork-safe), and only while this process has one thread. The
reader writes nothing to the terminal; if it fails, for whatever reason, the
app opens the account in a thread instead (:func:`view.start_opening`) and
meets the same error there, where it is shown.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuicoach.ui.session import Account
    from tuicoach.ui.view import FirstScreen


class ReaderFailed(Exception):
    """The reader process ended without handing over a first screen."""


def fork_safe_platform() -> bool:
    """POSIX with ``os.fork``, and not macOS."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def can_fork() -> bool:
    """A fork-safe platform, and this process has one thread (a fork copies the locks other
    threads hold, held or not)."""
    return fork_safe_platform() and threading.active_count() == 1


def start_reader(
    connect: Callable[[], Account],
    now: Callable[[], datetime],
    *,
    may_fork: Callable[[], bool] = can_fork,
) -> Future[FirstScreen] | None:
    """Fork a reader of the first screen, now; None where ``may_fork`` says it cannot.

    The future holds the first screen, or :class:`ReaderFailed`. Its thread
    reaps the reader, so the reader's CPU time is counted as this process's.
    """
    if not may_fork():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the reader: never returns
        os.close(read_end)
        _read(connect, now, write_end)
    os.close(write_end)
    future: Future[FirstScreen] = Future()

    def collect() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        if not future.set_running_or_notify_cancel():
            return
        try:
            if not data:
                raise ReaderFailed("the reader handed over nothing")
            future.set_result(pickle.loads(data))
        except BaseException as exc:  # a broken hand-over: open in this process instead
            future.set_exception(ReaderFailed(f"{type(exc).__name__}: {exc}"))

    threading.Thread(target=collect, name="tuicoach-reader", daemon=True).start()
    return future


def _read(connect: Callable[[], Account], now: Callable[[], datetime], out: int) -> None:
    """In the reader: open the account, read its first screen, write it to ``out``, exit."""
    code = 1
    try:
        quiet = os.open(os.devnull, os.O_RDWR)  # the terminal is the app's alone
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        sys.stdin = sys.stdout = sys.stderr = os.fdopen(quiet, "r+")  # Python-level writes too
        from tuicoach.ui.view import first_screen

        account = connect()
        try:
            data = pickle.dumps(first_screen(account, now()), pickle.HIGHEST_PROTOCOL)
        finally:
            account.close()
        with os.fdopen(out, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
