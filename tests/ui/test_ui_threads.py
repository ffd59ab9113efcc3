"""No store I/O on the UI thread: the drafts list, the cost reading, deleting a draft.

The real store is watched where every query passes (``Store.reading`` and
``Store.transaction``): each use records the thread it ran on, for real, and
the test fails on any use from the main thread (Textual's event loop) other
than the one the issue allows, the flush of the draft on quit.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from ui_helpers import make_app, settle, type_text

from tuicoach.store import Store


class MainThreadUse(list[str]):
    """Where the UI's code used the store on the main thread: its innermost tuicoach frames.

    A use with no frame of ``tuicoach/ui`` on the stack is the test's own check.
    """

    def record(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        frames = [f for f in traceback.extract_stack()[:-3] if "/tuicoach/" in f.filename]
        if not any("/tuicoach/ui/" in f.filename for f in frames):
            return
        where = " <- ".join(f"{Path(f.filename).name}:{f.name}" for f in reversed(frames[-4:]))
        self.append(where)


@pytest.fixture
def main_thread_use(monkeypatch: pytest.MonkeyPatch) -> Iterator[MainThreadUse]:
    uses = MainThreadUse()
    for name in ("reading", "transaction"):
        original = getattr(Store, name)

        def watched(
            self: Store, *args: Any, _original: Any = original, **kwargs: Any
        ) -> AbstractContextManager[Any]:
            uses.record()
            manager: AbstractContextManager[Any] = _original(self, *args, **kwargs)
            return manager

        monkeypatch.setattr(Store, name, watched)
    yield uses


async def _until(pilot: Pilot[None], done: Any, seconds: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await pilot.pause(0.05)
    assert done()


async def test_the_ui_thread_never_touches_the_store(
    tmp_path: Path, main_thread_use: MainThreadUse
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        await pilot.press("n")
        await type_text(pilot, "first idea")
        await pilot.press("escape", "n")
        await type_text(pilot, "second idea")
        await settle(pilot)
        await _until(pilot, lambda: len(store.drafts()) == 2)

        await pilot.press("escape", "d")  # the drafts list
        await settle(pilot)
        await pilot.press("down", "x", "x")  # delete one
        await settle(pilot)
        await _until(pilot, lambda: len(store.drafts()) == 1)
        await pilot.press("escape")
        await pilot.press("R")  # a sync, and the cost reading after it
        await settle(pilot)
        await pilot.press("2", "l")  # like: the row shows it, the store keeps it
        await settle(pilot)
        assert main_thread_use == [], "store I/O on the UI thread:\n" + "\n".join(main_thread_use)
        await pilot.press("q")  # the one allowed: the draft's flush on quit
