"""The draft's text area: a ``TextArea`` set up for tweets (soft wrap, tab leaves it)."""

from __future__ import annotations

from textual.widgets import TextArea


class DraftArea(TextArea):
    """Its own class, so CSS and tests can find the draft."""

    DEFAULT_CSS = """
    DraftArea {
        border: none;
        padding: 0 1;
        height: 1fr;
        background: $surface;
        &:focus { border: none; background-tint: $foreground 3%; }
    }
    """

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
        )
