"""The Compose pane: the draft, what it replies to, and its weighted length.

The pane only shows and edits; the app decides what the draft is replying
to, saves it, scores it and sends it.

The text area is mounted just after the first frame (:meth:`ComposePane.attach_editor`):
``TextArea`` is the heaviest widget on the screen to import and draw, and
nobody types in the first few milliseconds. Until then a placeholder with
the same words stands in its place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tuicoach.ui import format as fmt
from tuicoach.ui.keys import COMPOSE_BINDINGS
from tuicoach.ui.widgets.tweet_list import Row

if TYPE_CHECKING:
    from tuicoach.ui.widgets.draft_area import DraftArea

MAX_WEIGHTED_LENGTH = 280  # as tuicoach.domain.twittertext, without importing it at start-up
WARN_AT = MAX_WEIGHTED_LENGTH - 20  # the counter turns to the warning colour here
PLACEHOLDER = "Write a tweet, or pick a mention and press r to reply."


class LengthCounter(Static):
    """``143/280``, in the warning colour near the limit and the error colour past it."""

    DEFAULT_CSS = """
    LengthCounter {
        width: 8;
        color: $text-muted;
        &.-near { color: $warning; text-style: bold; }
        &.-over { color: $error; text-style: bold; }
    }
    """

    def show_length(self, length: int) -> None:
        # A fixed width: no layout per keystroke, and classes only change at the thresholds.
        self.update(f"{length}/{MAX_WEIGHTED_LENGTH}", layout=False)
        near = WARN_AT <= length <= MAX_WEIGHTED_LENGTH
        over = length > MAX_WEIGHTED_LENGTH
        if self.has_class("-near") != near or self.has_class("-over") != over:
            self.set_class(near, "-near")
            self.set_class(over, "-over")


class ComposePane(Vertical):
    """Reply context, the draft, and a bar with the length, the draft's state and Send."""

    BINDINGS: ClassVar[list[BindingType]] = list(COMPOSE_BINDINGS)

    DEFAULT_CSS = """
    ComposePane {
        #draft-placeholder { height: 1fr; padding: 0 1; color: $text-disabled; }
        #reply-context {
            display: none;
            padding: 0 1;
            color: $text-muted;
            max-height: 4;
            border-bottom: dashed $panel-lighten-2;
        }
        &.-reply #reply-context { display: block; }
        #compose-bar { height: 1; padding: 0 1; }
        #draft-state { width: 1fr; color: $text-muted; padding: 0 1; }
        #send { min-width: 8; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="reply-context", markup=False)
        yield Static(PLACEHOLDER, id="draft-placeholder")
        with Horizontal(id="compose-bar"):
            yield LengthCounter("0/280", id="length")
            yield Static("", id="draft-state")
            yield Button("Send", id="send", compact=True, variant="primary", action="app.send")

    _state = ""

    def on_mount(self) -> None:
        # Tab goes from pane to pane; the button is reached by mouse, alt+s or the palette.
        self.query_one("#send", Button).can_focus = False

    async def attach_editor(self) -> None:
        """Put the real text area where the placeholder is."""
        from tuicoach.ui.widgets.draft_area import DraftArea

        placeholder = self.query_one("#draft-placeholder")
        await self.mount(DraftArea(id="draft", placeholder=PLACEHOLDER), before=placeholder)
        await placeholder.remove()

    @property
    def draft_area(self) -> DraftArea:
        from tuicoach.ui.widgets.draft_area import DraftArea

        return self.query_one(DraftArea)

    @property
    def text(self) -> str:
        return self.draft_area.text

    def set_text(self, text: str) -> None:
        area = self.draft_area
        area.load_text(text)
        area.move_cursor(area.document.end)
        self.show_length(text)

    def show_length(self, text: str, weighted_length: int | None = None) -> None:
        """Show ``text``'s length as X counts it; pass ``weighted_length`` if already known."""
        if weighted_length is None:
            from tuicoach.domain.twittertext import parse_tweet

            weighted_length = parse_tweet(text).weighted_length
        self.query_one(LengthCounter).show_length(weighted_length)

    def show_reply(self, row: Row | None) -> None:
        context = self.query_one("#reply-context", Static)
        self.set_class(row is not None, "-reply")
        if row is None:
            context.update("")
            return
        context.update(
            Content.from_markup(
                "[b]↩ Replying to $handle[/b]\n$text",
                handle=row.handle,
                text=fmt.one_line(row.tweet.text),
            )
        )

    def show_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.query_one("#draft-state", Static).update(state, layout=False)
