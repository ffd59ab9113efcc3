"""A bare Textual app to push the report, feedback and queue screens on, over the demo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from tuicoach.backends.demo import DemoBackend, open_demo_store
from tuicoach.store import Store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class ScreenApp(App[None]):
    """Pushes one screen at start; nothing else."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self._make = make

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(self._make())


@contextmanager
def demo(data: Path) -> Iterator[tuple[Store, DemoBackend]]:
    store = open_demo_store(data, NOW)
    backend = DemoBackend(store, now=lambda: NOW)
    try:
        yield store, backend
    finally:
        store.close()
