"""The main screen: four panes, and which of them is active.

At 120 columns and more the panes sit side by side; below that one pane shows
at a time under a tab bar (1–4 or tab to switch), and Compose keeps the Coach
below it. Nothing is ever cut off or out of reach.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tuicoach.ui.keys import SCREEN_BINDINGS
from tuicoach.ui.widgets.coach_panel import CoachPane
from tuicoach.ui.widgets.compose import ComposePane
from tuicoach.ui.widgets.status import PANE_TITLES, PANES, PaneTabs, StatusBar
from tuicoach.ui.widgets.tweet_list import TweetList

WIDE_AT = 120
W = TypeVar("W", bound=Widget)

# What takes the focus when a pane is shown.
PANE_FOCUS = {
    "timeline": "#timeline",
    "mentions": "#mentions",
    "compose": "#draft",
    "coach": "#findings-scroll",
}


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(SCREEN_BINDINGS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_AT, "-wide")]  # noqa: RUF012 (Textual's own)

    AUTO_FOCUS = "#mentions"  # the morning starts with who is waiting for an answer
    active: reactive[str] = reactive("mentions")

    def compose(self) -> ComposeResult:
        # Start with the breakpoint class Textual would set on the first resize,
        # so the first frame is laid out once, not twice.
        wide = self.app.size.width >= WIDE_AT
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")
        clock = self.app.clock  # type: ignore[attr-defined]
        yield PaneTabs()
        # Titles and the active pane are set here, before mounting, so the first
        # frame needs no second layout.
        with Horizontal(id="panes"):
            with self._pane(Vertical(id="timeline-pane")):
                yield TweetList(id="timeline", clock=clock, empty_text="Loading the timeline…")
            with self._pane(Vertical(id="mentions-pane")):
                yield TweetList(id="mentions", clock=clock, empty_text="Loading mentions…")
            yield self._pane(ComposePane(id="compose-pane"))
            yield self._pane(CoachPane(id="coach-pane"))
        yield StatusBar()
        yield Footer()

    def _pane(self, widget: W) -> W:
        name = (widget.id or "").removesuffix("-pane")
        widget.add_class("pane")
        widget.set_class(name == self.active, "-active")
        widget.border_title = PANE_TITLES[name]
        return widget

    def pane(self, name: str) -> Widget:
        return self.query_one(f"#{name}-pane")

    def watch_active(self, active: str) -> None:
        if not self.is_mounted:
            return
        for name in PANES:
            self.pane(name).set_class(name == active, "-active")
        self.set_class(active == "compose", "-composing")
        self.query_one(PaneTabs).active = active

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if node.has_class("pane") and node.id:
                self.active = node.id.removesuffix("-pane")
                return

    def action_show_pane(self, name: str) -> None:
        self.active = name
        # Focus now, not after a refresh: keys typed right after "n" or "r" must land
        # in the draft, not in the list (where "r" and "n" are bindings of their own).
        target = next(iter(self.query(PANE_FOCUS[name])), None)
        if target is not None:
            self.set_focus(target)
        else:  # the text area is mounted just after the first frame
            self.call_after_refresh(self.action_show_pane, name)

    def action_next_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) + 1) % len(PANES)])

    def action_previous_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) - 1) % len(PANES)])
