"""The draft's text area: a ``TextArea`` set up for tweets (soft wrap, tab leaves it)."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

CHORD_PREFIXES = ("alt+", "ctrl+", "super+", "meta+", "hyper+")


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

    async def _on_key(self, event: events.Key) -> None:
        # A terminal sends alt+s as ESC s: a key *with* the character "s". When no binding
        # took it (send remapped to f5, say), TextArea would type the "s" into the draft.
        # A chord is never text. (Textual calls TextArea's own handler after this one,
        # unless the default is prevented.)
        if event.key.startswith(CHORD_PREFIXES):
            event.prevent_default()
