"""The one-line bars: the pane switcher (narrow terminals) and the status bar.

The status bar says who is signed in, whether this is the demo, how the last
sync went in one word ("synced", "offline", "rate limited until 14:05"), and,
when the backend has one, its reading of today's spend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from tuicoach.backends.base import BackendError

PANES = ("timeline", "mentions", "compose", "coach")
#: A tab of its own where the backend can search (key 5): after the four panes.
LISTENING = "listening"
PANE_TITLES = {
    "timeline": "Timeline",
    "mentions": "Mentions",
    "compose": "Compose",
    "coach": "Coach",
    LISTENING: "Listening",
}


class PaneTabs(Widget):
    """``1 Timeline  2 Mentions · 7 owed  3 Compose  4 Coach  5 Listening · 3 open``.

    For terminals too narrow for the panes side by side. ``listening`` is the
    count of open opportunities, or ``None`` where there is no Listening (a
    backend that cannot search): then its tab is left out.
    """

    DEFAULT_CSS = """
    PaneTabs {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    active: reactive[str] = reactive("mentions")
    owed: reactive[int | None] = reactive(None)
    listening: reactive[int | None] = reactive(None)

    @property
    def tabs(self) -> tuple[str, ...]:
        """The panes that have a tab now, in key order."""
        return PANES if self.listening is None else (*PANES, LISTENING)

    def render(self) -> RenderResult:
        # The words "owed" and "open" go first when the tabs would not fit, then the titles.
        width = self.size.width or 80
        for words, titles in ((True, True), (False, True), (False, False)):
            tabs = self._tabs(words=words, titles=titles)
            if tabs.cell_length <= width:
                break
        return tabs

    def _tabs(self, *, words: bool, titles: bool) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        for number, pane in enumerate(self.tabs, start=1):
            title = PANE_TITLES[pane] if titles else PANE_TITLES[pane][:4]
            if pane == "mentions" and self.owed:
                title += f" · {self.owed}" + (" owed" if words else "")
            if pane == LISTENING:
                title += f" · {self.listening}" + (" open" if words else "")
            click = f"@click=screen.show_pane('{pane}')"
            markup = (
                f"[{click}][bold reverse $primary] $n $title [/][/]"
                if pane == self.active
                else f"[{click}] $n $title [/]"
            )
            parts.append(Content.from_markup(markup, n=str(number), title=title))
            parts.append(" ")
        return Content.assemble(*parts).rstrip()


class StatusBar(Widget):
    """Account, demo badge, sync state and the cost meter, on one line."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    account: reactive[str] = reactive("")
    demo: reactive[bool] = reactive(False)
    sync_state: reactive[str] = reactive("opening…")
    problem: reactive[bool] = reactive(False)
    cost: reactive[str | None] = reactive(None)

    def render(self) -> RenderResult:
        width = self.content_region.width
        right = Content.from_markup("[b]?[/b] keys  [b]^p[/b] commands")
        # The long words first; in a narrow terminal the short ones, so "? keys" stays.
        for demo_words in (" practice account, nothing is posted", " nothing is posted", ""):
            left = self._left(demo_words)
            gap = width - left.cell_length - right.cell_length
            if gap >= 2:
                return Content.assemble(left, " " * gap, right)
        return left

    def _left(self, demo_words: str) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        if self.account:
            parts.append((self.account, "bold $text"))
        if self.demo:
            parts += [" ", (" DEMO ", "bold reverse $accent"), demo_words]
        parts += ["  │  ", (self.sync_state, "bold $warning" if self.problem else "")]
        if self.cost:
            parts += ["  │  ", self.cost]
        return Content.assemble(*parts)

    def show_error(self, error: BackendError) -> str:
        """Say in a word what went wrong; returns the way out, for the notice."""
        from tuicoach.backends.base import AccessError, AuthError, Offline, RateLimited

        self.problem = True
        if isinstance(error, AuthError):
            self.sync_state = "signed out"
            return "Run `tuicoach login` to sign in again."
        if isinstance(error, AccessError):
            self.sync_state = f"no access: {error.feature}"
            return "The rest keeps working."
        if isinstance(error, RateLimited):
            until = f"{error.until.astimezone():%H:%M}"
            self.sync_state = f"rate limited until {until}"
            return f"Trying again after {until}."
        if isinstance(error, Offline):
            self.sync_state = "offline"
            return "Showing what is stored; tuicoach keeps trying."
        self.sync_state = "failed"
        return ""
