"""The draft's length counter: ``length/limit`` as the backend counts, coloured near and over;
and the dialog that offers to post a draft already sent (or maybe sent) as a new tweet.

The limit is the backend's own (``Backend.length_limit``); until the account
is open the counter shows the bare length.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tuicoach.backends.errors import TeammateAnswered
from tuicoach.ui.keys import KEEP_EDITING

NEAR = 20  # the counter turns to the warning colour this close to the limit


class LengthCounter(Static):
    """``length/limit``, in the warning colour near the limit and the error colour past it."""

    DEFAULT_CSS = """
    LengthCounter {
        width: 8;
        color: $text-muted;
        &.-near { color: $warning; text-style: bold; }
        &.-over { color: $error; text-style: bold; }
    }
    """

    limit: int | None = None

    def show_length(self, length: int) -> None:
        # A fixed width: no layout per keystroke, and classes only change at the thresholds.
        limit = self.limit
        self.update(f"{length}/{limit}" if limit else str(length), layout=False)
        near = limit is not None and limit - NEAR <= length <= limit
        over = limit is not None and length > limit
        if self.has_class("-near") != near or self.has_class("-over") != over:
            self.set_class(near, "-near")
            self.set_class(over, "-over")


#: The look of the two questions Compose asks before it would send a second copy (a
#: warning's border and title), for the screen class ``name``.
_WARNING_CSS = """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }}
    .warning-title {{ text-style: bold; color: $warning; padding: 0 0 1 0; }}
    .warning-hint {{ color: $text-muted; padding: 1 0 0 0; }}
    .buttons {{ height: auto; align-horizontal: right; padding: 1 0 0 0; }}
    .buttons Button {{ margin-left: 2; }}
}}
"""


class PostAsNewScreen(ModalScreen[bool]):
    """The draft's post may already be on X (or is): say what was found, and ask whether to
    post it as a new tweet anyway. ``escape`` (or "Keep it") keeps the draft, unsent."""

    DEFAULT_CSS = _WARNING_CSS.format(name="PostAsNewScreen")
    BINDINGS: ClassVar[list[BindingType]] = [KEEP_EDITING]

    def __init__(self, found: str) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("This draft was sent before", id="as-new-title", classes="warning-title")
            yield Static(self.found, id="as-new-found", markup=False)
            yield Static(
                "Posting it as a new tweet puts it on X again, even if the earlier one is "
                "there: the same words may show twice.",
                id="as-new-hint",
                classes="warning-hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Keep it", id="keep", variant="primary")
                yield Button("Post as a new tweet", id="post-as-new", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def action_keep_editing(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#post-as-new")
    def _post_as_new(self) -> None:
        self.dismiss(True)


class TeammateAnsweredScreen(ModalScreen[str | None]):
    """A teammate answered the mention first (the traffic cop sent nothing): show their
    reply, and let the user discard theirs or send it anyway on purpose. ``escape`` (or
    "Keep editing") keeps the draft, unsent."""

    DEFAULT_CSS = _WARNING_CSS.format(name="TeammateAnsweredScreen")
    BINDINGS: ClassVar[list[BindingType]] = [KEEP_EDITING]

    def __init__(self, error: TeammateAnswered) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        who = self.error.by or "A teammate"
        with Vertical():
            yield Static(
                f"{who} answered this first",
                id="answered-title",
                classes="warning-title",
                markup=False,
            )
            yield Static(self.error.text, id="answered-text", markup=False)
            yield Static(
                "Nothing was sent. Sending yours too means the customer gets two answers.",
                id="answered-hint",
                classes="warning-hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Discard mine", id="discard", variant="primary")
                yield Button("Keep editing", id="keep")
                yield Button("Send anyway", id="send-anyway", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#discard", Button).focus()

    @on(Button.Pressed, "#keep")
    def action_keep_editing(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss("discard")

    @on(Button.Pressed, "#send-anyway")
    def _send_anyway(self) -> None:
        self.dismiss("send-anyway")
