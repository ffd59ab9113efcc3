"""The Feedback view, and the tag action the Mentions pane calls.

- :class:`FeedbackScreen`: tags with their counts over the period, and for the
  highlighted tag its recurring words ("decaf" in 7) and its tweets. Given a
  loader (days -> :class:`FeedbackView`), called in a worker.
- :class:`TagScreen`: the one-key tag picker for a mention: the built-in tags
  and the user's own, the suggestion from the triage cues marked as such (never
  applied until the user picks it). It returns the tag chosen; the caller
  stores it with :func:`tuicoach.store.feedback.toggle_tag` (in a worker).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tuicoach.domain.feedback import Suggestion, TagFigure, suggest_tags
from tuicoach.ui.keys import CANCEL, FEEDBACK_BINDINGS

if TYPE_CHECKING:
    from tuicoach.store import Store

TAG_KEYS = "bipcq"  # bug, idea, praise, complaint, question: the first letter of each


@dataclass(frozen=True, slots=True)
class FeedbackView:
    days: int
    figures: tuple[TagFigure, ...]
    handles: dict[str, str]  # author id -> @handle


def load_feedback_view(store: Store, days: int, *, now: Callable[[], datetime]) -> FeedbackView:
    """Tags over the last ``days`` days (blocking: call from a worker)."""
    from tuicoach.store import insights

    moment = now()
    figures = insights.feedback_figures(store, since=moment - timedelta(days=days), until=None)
    authors = {t.author_id for f in figures for t in f.tweets}
    handles = {u.id: "@" + u.username for u in store.users(authors).values()}
    return FeedbackView(days, tuple(figures), handles)


class FeedbackScreen(Screen[None]):
    """Feedback: what people tell the business, by tag."""

    DEFAULT_CSS = """
    FeedbackScreen {
        #feedback-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        #feedback-tags { width: 34; height: 1fr; border-right: tall $panel; }
        #feedback-detail { width: 1fr; height: 1fr; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(FEEDBACK_BINDINGS)

    class Loaded(Message):
        def __init__(self, view: FeedbackView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, loader: Callable[[int], FeedbackView], *, days: int = 30) -> None:
        super().__init__()
        self._loader = loader
        self.days = days
        self.view: FeedbackView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Feedback · loading…", id="feedback-title", markup=False)
        with Horizontal():
            yield OptionList(id="feedback-tags")
            with VerticalScroll(id="feedback-detail"):
                yield Static("", id="feedback-tweets")
        yield Footer()

    def on_mount(self) -> None:
        self._load(self.days)

    @work(thread=True, exclusive=True, exit_on_error=False, group="feedback")
    def _load(self, days: int) -> None:
        self.post_message(self.Loaded(self._loader(days)))

    def action_period(self, days: int) -> None:
        self.days = days
        self._load(days)

    def action_close(self) -> None:
        self.dismiss()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        total = sum(f.count for f in view.figures)
        self.query_one("#feedback-title", Static).update(
            f"Feedback · last {view.days} days · {total} tagged (keys 7 3 9)"
        )
        tags = self.query_one("#feedback-tags", OptionList)
        tags.clear_options()
        for figure in view.figures:
            tags.add_option(Option(Content(f"{figure.tag:<16}{figure.count:>4}"), id=figure.tag))
        if view.figures:
            tags.highlighted = 0
            self._show(view.figures[0])
        else:
            self.query_one("#feedback-tweets", Static).update(
                "Nothing tagged in this period. In Mentions, tag a tweet as bug, idea, praise, "
                "complaint or question (or one of your own tags)."
            )

    @on(OptionList.OptionHighlighted, "#feedback-tags")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.view is None:
            return
        for figure in self.view.figures:
            if figure.tag == event.option.id:
                self._show(figure)

    def _show(self, figure: TagFigure) -> None:
        assert self.view is not None
        words = ", ".join(f'"{w}" in {n}' for w, n in figure.words) or "no word recurs yet"
        parts = [
            Content.from_markup("[b]$tag[/b] · $count tweets", tag=figure.tag, count=figure.count),
            Content.from_markup("[dim]Recurring:[/] $words", words=words),
            Content(""),
        ]
        for tweet in figure.tweets[:50]:
            handle = self.view.handles.get(tweet.author_id, tweet.author_id)
            parts.append(
                Content.from_markup(
                    "[b]$handle[/b] [dim]$when[/]\n$text\n",
                    handle=handle,
                    when=f"{tweet.created_at:%d %b %H:%M}",
                    text=" ".join(tweet.text.split()),
                )
            )
        self.query_one("#feedback-tweets", Static).update(Content("\n").join(parts))


class TagScreen(ModalScreen[str | None]):
    """Pick a tag for one tweet: a key each; the cue's suggestion is marked, not applied."""

    DEFAULT_CSS = """
    TagScreen {
        align: center middle;
        & > Vertical { width: 60; max-width: 100%; height: auto; border: round $primary;
                       background: $surface; padding: 0 1; }
        .modal-title { text-style: bold; color: $primary; }
        .modal-hint { color: $text-muted; }
        OptionList { height: auto; max-height: 14; border: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(
        self, text: str, *, own_tags: Sequence[str] = (), current: Sequence[str] = ()
    ) -> None:
        super().__init__()
        from tuicoach.store.feedback import BUILTIN_TAGS

        self.tags = list(dict.fromkeys([*BUILTIN_TAGS, *own_tags]))
        self.current = set(current)
        self.suggestions: list[Suggestion] = suggest_tags(text)

    def compose(self) -> ComposeResult:
        suggested = {s.tag: s for s in self.suggestions}
        with Vertical():
            yield Static("Tag this tweet", classes="modal-title")
            options = []
            for index, tag in enumerate(self.tags):
                key = tag[0] if tag[0] in TAG_KEYS and index < len(TAG_KEYS) else " "
                on_it = "✓" if tag in self.current else " "
                hint = f"  suggested: {suggested[tag].cue!r}" if tag in suggested else ""
                options.append(Option(Content(f"{on_it} {key}  {tag}{hint}"), id=tag))
            yield OptionList(*options)
            first = self.suggestions[0].tag if self.suggestions else None
            hint = f"The cues suggest {first}; " if first else ""
            yield Static(
                f"{hint}press its letter or enter to tag (again to untag), escape to cancel.",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.suggestions:
            options.highlighted = self.tags.index(self.suggestions[0].tag)

    def on_key(self, event: events.Key) -> None:
        for tag in self.tags[: len(TAG_KEYS)]:
            if event.key == tag[0]:
                event.stop()
                self.dismiss(tag)
                return

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
