"""The main screen: four panes, which one is active, and a layout for each width.

- 160 columns and more: the four panes side by side.
- 120 to 159: two columns, so a row's band and status stay whole: one list
  (Timeline or Mentions, under a tab bar) beside Compose over the Coach.
- Below 120: one pane at a time under the tab bar; Compose keeps the Coach below it.

The active pane's title starts with a marker, so which pane has the focus
shows without colour too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen

from tuicoach.ui.keys import SCREEN_BINDINGS
from tuicoach.ui.panes.base import Pane
from tuicoach.ui.panes.coach import CoachPane
from tuicoach.ui.panes.compose import ComposePane
from tuicoach.ui.panes.mentions import MentionsPane
from tuicoach.ui.panes.timeline import TimelinePane
from tuicoach.ui.widgets.status import PANES, PaneTabs, StatusBar

if TYPE_CHECKING:
    from tuicoach.coach import CoachSettings
    from tuicoach.ui.view import Opened

MEDIUM_AT = 120
WIDE_AT = 160
LISTS = ("timeline", "mentions")

# What takes the focus when a pane is shown.
PANE_FOCUS = {
    "timeline": "#timeline",
    "mentions": "#mentions",
    "compose": "#draft",
    "coach": "#findings-scroll",
}


def width_class(width: int) -> str:
    return "-wide" if width >= WIDE_AT else "-medium" if width >= MEDIUM_AT else "-narrow"


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(SCREEN_BINDINGS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (MEDIUM_AT, "-medium"), (WIDE_AT, "-wide")]  # noqa: RUF012 (Textual's own)

    AUTO_FOCUS = "#mentions"  # the morning starts with who is waiting for an answer
    active: reactive[str] = reactive("mentions")
    list_pane: reactive[str] = reactive("mentions")  # the list last used: Timeline or Mentions

    def compose(self) -> ComposeResult:
        # Start with the breakpoint class Textual would set on the first resize,
        # so the first frame is laid out once, not twice.
        self.add_class(width_class(self.app.size.width))
        clock = self.app.clock  # type: ignore[attr-defined]
        yield PaneTabs()
        with Horizontal(id="panes"):
            with Horizontal(id="lists"):
                yield TimelinePane(clock)
                yield MentionsPane(clock, active=True)
            with Horizontal(id="writing"):
                yield ComposePane(clock)
                yield CoachPane(clock)
        yield StatusBar()  # the Footer follows the data (after_data)

    def on_mount(self) -> None:
        self._place()

    def open(self, opened: Opened) -> None:
        """The account's first data, to each pane."""
        account, backend = opened.account, opened.account.backend
        status = self.query_one(StatusBar)
        status.account, status.demo = f"@{backend.account.username}", backend.is_demo
        status.sync_state, status.cost = "up to date", opened.cost
        self.timeline.open(account, opened.timeline)
        self.mentions.open(account, opened.snapshot)
        self.query_one(PaneTabs).owed = len(opened.snapshot.owed)
        self.coach.owed_changed(opened.snapshot)
        self.composer.open(account, opened.draft, opened.drafts_count)

    async def after_data(self, coach_settings: CoachSettings | None) -> None:
        """Once the data is on screen: the text area, the coach (it builds its index in its
        own worker) and the footer, none of which anyone needs in the first half second."""
        composer = self.composer
        if not composer.query("#draft"):
            await composer.attach_editor()
        if composer.account is not None:
            self.coach.start(composer.account, coach_settings)
            composer.rescore()
        from textual.widgets import Footer  # not needed for the first frame

        if not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()  # the footer lists the keys when the bindings are announced

    @property
    def timeline(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    @property
    def mentions(self) -> MentionsPane:
        return self.query_one(MentionsPane)

    @property
    def composer(self) -> ComposePane:
        return self.query_one(ComposePane)

    @property
    def coach(self) -> CoachPane:
        return self.query_one(CoachPane)

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}-pane", Pane)

    def watch_active(self, active: str) -> None:
        if active in LISTS:
            self.list_pane = active
        if self.is_mounted:
            self._place()

    def watch_list_pane(self) -> None:
        if self.is_mounted:
            self._place()

    def _place(self) -> None:
        active = self.active
        for name in PANES:
            pane = self.pane(name)
            if pane.active != (name == active):
                pane.mark_active(name == active)
            pane.set_class(name == self.list_pane, "-shown")
        self.query_one("#lists").set_class(active in LISTS, "-has-active")
        self.query_one("#writing").set_class(active not in LISTS, "-has-active")
        self.set_class(active == "compose", "-composing")
        self.query_one(PaneTabs).active = active

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if isinstance(node, Pane):
                self.active = node.pane
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

    def tick(self) -> None:
        """Re-read the clock in both lists, so ages stay true ("3m" becomes "4m")."""
        self.timeline.tweets.tick()
        self.mentions.tweets.tick()

    def action_next_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) + 1) % len(PANES)])

    def action_previous_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) - 1) % len(PANES)])

    def action_leave_compose(self) -> None:
        self.action_show_pane(self.list_pane)

    def action_toggle_owed(self) -> None:
        self.mentions.toggle_owed()
        self.action_show_pane("mentions")

    async def action_new_tweet(self) -> None:
        await self.composer.action_new_tweet()

    def action_drafts(self) -> None:
        self.composer.action_drafts()

    def action_help(self) -> None:
        from tuicoach.ui.keys import key_help
        from tuicoach.ui.screens import HelpScreen

        self.app.push_screen(HelpScreen(key_help(self.app.keymap)))  # type: ignore[attr-defined]
