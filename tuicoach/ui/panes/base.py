"""What every pane has: a name, a title, and a focus marker that needs no colour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.containers import Vertical

ACTIVE_MARK = "▶ "  # before the active pane's title: visible in any theme, or none


class Pane(Vertical):
    """A bordered pane; :meth:`set_title` and :meth:`mark_active` keep the title right."""

    pane: ClassVar[str] = ""  # "timeline", "mentions", "compose", "coach"
    pane_title: ClassVar[str] = ""

    def __init__(self, clock: Callable[[], datetime], *, active: bool = False) -> None:
        super().__init__(id=f"{self.pane}-pane", classes="pane")
        self.clock = clock
        self.title_text = self.pane_title
        self.active = active
        self.set_class(active, "-active")
        self._show_title()

    def set_title(self, text: str) -> None:
        self.title_text = text
        self._show_title()

    def mark_active(self, active: bool) -> None:
        self.active = active
        self.set_class(active, "-active")
        self._show_title()

    def _show_title(self) -> None:
        self.border_title = (ACTIVE_MARK if self.active else "") + self.title_text
