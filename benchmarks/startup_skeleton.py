"""The first frame's widget tree in plain Textual, for benchmarks/startup.py: the floor.

The same containers as ``MainScreen.compose`` (the tab bar and the syncer hidden, four
bordered panes in two groups, two lists of 42 lines, Compose's and the Coach's one line
each (their bars, gauge and findings come after the first frame), the status bar:
15 widgets), with Textual's own widgets and no tuicoach code, data or store. What
Textual alone charges for such a first frame, against the bare one-Static app.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

ROWS = "\n".join(f"@someone{n} · {n}m  the words of a tweet"[:40] for n in range(42))
LAST = "Skeleton's last line"


class Skeleton(App[None]):
    CSS = """
    Screen { layout: vertical; }
    #tabs, #reply, #syncer { display: none; }
    #panes { height: 1fr; layout: horizontal; }
    #lists, #writing { height: 1fr; layout: horizontal; }
    #lists { width: 10fr; }
    #writing { width: 8fr; }
    .pane { width: 1fr; height: 1fr; border: round $panel-lighten-2; background: $surface; }
    .list { height: 1fr; }
    #placeholder { height: 1fr; }
    #status { height: 1; background: $panel; }
    """

    def compose(self) -> ComposeResult:
        yield Static("1 Timeline  2 Mentions", id="tabs")
        with Horizontal(id="panes"):
            with Horizontal(id="lists"):
                for title in ("Timeline", "Mentions · 17 owed"):
                    with Vertical(classes="pane") as pane:
                        pane.border_title = title
                        yield Static(ROWS, classes="list")
            with Horizontal(id="writing"):
                with Vertical(classes="pane") as pane:
                    pane.border_title = "Compose"
                    yield Static("Write a tweet, or pick a mention", id="placeholder")
                with Vertical(classes="pane") as pane:
                    pane.border_title = "Coach"
                    yield Static(LAST)
        yield Static("@account  DEMO  up to date", id="status")
        yield Widget(id="syncer")


if __name__ == "__main__":
    Skeleton().run()
