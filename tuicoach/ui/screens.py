"""The small screens over the main one: keys, reasons, snoozes, threads, drafts, confirmations.

Each is a ``ModalScreen`` that returns its answer through ``dismiss``; none of
them touches the store. The app does that with the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tuicoach.backends.base import BackendError, SearchEstimate
from tuicoach.domain.listen import QueryError, SavedSearch, build_query, check_name
from tuicoach.domain.models import Finding, Report, Severity
from tuicoach.ui import format as fmt
from tuicoach.ui import keys
from tuicoach.ui.keys import KeyHelp
from tuicoach.ui.view import DraftItem, Row
from tuicoach.ui.widgets.tweet_list import TweetList

MODAL_CSS = """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }}
    .modal-title {{ text-style: bold; color: $primary; padding: 0 0 1 0; }}
    .modal-quote {{ color: $text-muted; padding: 0 0 1 2; max-height: 5; }}
    .modal-hint {{ color: $text-muted; padding: 1 0 0 0; }}
    OptionList {{ height: auto; max-height: 12; border: none; padding: 0; }}
    .buttons {{ height: auto; align-horizontal: right; padding: 1 0 0 0; }}
    .buttons Button {{ margin-left: 2; }}
}}
"""


DRAFTS_EMPTY = (
    "No saved drafts. Drafts are kept as you type, and come back after a restart; "
    "n starts a new tweet, r replies to the highlighted one."
)


def _quote(row: Row) -> Content:
    return Content.from_markup(
        "[b]$handle[/b]: $text", handle=row.handle, text=fmt.one_line(row.tweet.text)
    )


class HelpScreen(ModalScreen[None]):
    """Every key, as the keymap has it now, grouped by where it works."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="HelpScreen")
        + """
    HelpScreen > Vertical { width: 80; height: 90%; }
    HelpScreen VerticalScroll { height: 1fr; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [keys.CLOSE_HELP]

    def __init__(self, keys: Sequence[KeyHelp]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        parts: list[Content] = []
        where = ""
        for key in self.keys:
            if key.where != where:
                where = key.where
                parts.append(Content.from_markup("\n[b $accent]$where[/]", where=where))
            parts.append(
                Content.from_markup(
                    "  [b $primary]$keys[/]$description[dim]$id[/]",
                    keys=key.keys.ljust(18),
                    description=key.description.ljust(18),
                    id=key.id,
                )
            )
        with Vertical():
            yield Static("Keys", classes="modal-title")
            with VerticalScroll():
                yield Static(
                    Content.from_markup(
                        "[dim]Timeline: your home timeline and your own tweets.  "
                        "Mentions: everyone who spoke to you; ● marks a reply you owe.  "
                        "Compose: your draft.  Coach: what the coach thinks of it, live.\n"
                        "Remap any key in the [b]$table[/b] table of the config, by the id "
                        "on the right. ctrl+p opens the command palette (every action, themes).[/]",
                        table="[keymap]",
                    )
                )
                yield Static(Content("\n").join(parts))
            yield Static("escape closes", classes="modal-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


MARK_REASONS = (
    "Spam or a bot",
    "Answered elsewhere (DM, email, phone)",
    "A thank-you: a like is enough",
    "Not for us to answer",
)


class MarkScreen(ModalScreen[str | None]):
    """Ask why no reply is needed; returns the reason, or None to cancel."""

    DEFAULT_CSS = MODAL_CSS.format(name="MarkScreen") + "MarkScreen Input { margin: 1 0 0 0; }"
    BINDINGS: ClassVar[list[BindingType]] = [keys.CANCEL]

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("No reply needed: why?", classes="modal-title")
            yield Static(_quote(self.row), classes="modal-quote")
            yield OptionList(*[Option(reason) for reason in MARK_REASONS], id="reasons")
            yield Input(placeholder="…or type your own reason and press enter", id="reason")
            yield Static("enter picks · escape cancels · u undoes it later", classes="modal-hint")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(MARK_REASONS[event.option_index])

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if reason:
            self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class SnoozeChoice:
    label: str
    until: datetime


def snooze_choices(now: datetime) -> list[SnoozeChoice]:
    """1 hour, 4 hours, tomorrow morning and next Monday morning (local time), from ``now``."""
    local = now.astimezone()
    tomorrow = (local + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    days_to_monday = (7 - local.weekday()) % 7 or 7
    monday = (local + timedelta(days=days_to_monday)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return [
        SnoozeChoice("1 hour", now + timedelta(hours=1)),
        SnoozeChoice("4 hours", now + timedelta(hours=4)),
        SnoozeChoice("Tomorrow, 9:00", tomorrow),
        SnoozeChoice("Next Monday, 9:00", monday),
    ]


class SnoozeScreen(ModalScreen[datetime | None]):
    """Ask until when; returns that time, or None to cancel."""

    DEFAULT_CSS = MODAL_CSS.format(name="SnoozeScreen")
    BINDINGS: ClassVar[list[BindingType]] = [keys.CANCEL]

    def __init__(self, row: Row, now: datetime) -> None:
        super().__init__()
        self.row = row
        self.choices = snooze_choices(now)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Snooze until…", classes="modal-title")
            yield Static(_quote(self.row), classes="modal-quote")
            yield OptionList(*[Option(choice.label) for choice in self.choices])
            yield Static(
                "It leaves the owed list and comes back then · escape cancels", classes="modal-hint"
            )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index].until)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConversationScreen(ModalScreen[Row | None]):
    """The whole thread around a tweet; ``r`` replies to the highlighted one."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="ConversationScreen")
        + """
    ConversationScreen > Vertical { width: 90; height: 90%; }
    ConversationScreen TweetList { height: 1fr; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [keys.CLOSE_DIALOG, keys.REPLY_HERE]

    def __init__(self, rows: Sequence[Row], focus_id: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.rows = rows
        self.focus_id = focus_id
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self.rows)
            yield Static(
                f"Thread · {count} tweet{'' if count == 1 else 's'}", classes="modal-title"
            )
            yield TweetList(clock=self.clock, empty_text="This thread is not in the store.")
            yield Static(
                "j/k move · r replies to the highlighted tweet · escape closes",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        tweets = self.query_one(TweetList)
        tweets.set_rows(self.rows, keep=self.focus_id)
        tweets.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reply_here(self) -> None:
        self.dismiss(self.query_one(TweetList).current)


class DraftsScreen(ModalScreen[int | None]):
    """Saved drafts, newest first: enter opens one, ``x`` deletes one (through ``on_delete``)."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="DraftsScreen")
        + """
    DraftsScreen OptionList { max-height: 20; }
    DraftsScreen #drafts-empty { color: $text-muted; padding: 0 0 0 2; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [keys.CLOSE_DIALOG, keys.DELETE_DRAFT]

    def __init__(
        self, drafts: Sequence[DraftItem], now: datetime, on_delete: Callable[[int], None]
    ) -> None:
        super().__init__()
        self.drafts = list(drafts)
        self.now = now
        self.on_delete = on_delete

    def _option(self, draft: DraftItem) -> Option:
        reply = f"↩ {draft.reply_handle} · " if draft.reply_handle else ""
        prompt = Content.from_markup(
            "[dim]$age · $reply[/]$text",
            age=fmt.age(draft.updated_at, self.now),
            reply=reply,
            text=fmt.one_line(draft.text)[:200] or "(empty)",
        )
        return Option(prompt, id=str(draft.id))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Drafts", classes="modal-title")
            yield OptionList(*[self._option(d) for d in self.drafts], id="drafts")
            yield Static(DRAFTS_EMPTY, id="drafts-empty")
            yield Static(self._hint(), classes="modal-hint", id="drafts-hint")

    def on_mount(self) -> None:
        self._confirming: int | None = None  # the draft x was pressed on once
        self._show_empty()

    def _hint(self) -> str:
        return "enter opens · x deletes (press it twice) · escape closes" if self.drafts else ""

    def _show_empty(self) -> None:
        self.query_one("#drafts").display = bool(self.drafts)
        self.query_one("#drafts-empty").display = not self.drafts
        self.query_one("#drafts-hint", Static).update(self._hint() or "escape closes")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.drafts[event.option_index].id)

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        if self._confirming is not None:
            self._confirming = None
            self.query_one("#drafts-hint", Static).update(self._hint())

    def action_delete(self) -> None:
        """The first x asks; the second, on the same draft, deletes it."""
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not self.drafts:
            return
        draft = self.drafts[index]
        if self._confirming != draft.id:
            self._confirming = draft.id
            text = fmt.one_line(draft.text)[:40] or "(empty)"
            self.query_one("#drafts-hint", Static).update(
                Content.from_markup(
                    "[b $warning]x again deletes “$text”[/] · moving on keeps it", text=text
                )
            )
            return
        self._confirming = None
        self.drafts.pop(index)
        options.remove_option_at_index(index)
        self.on_delete(draft.id)
        self.notify("Draft deleted.")
        self._show_empty()

    def action_close(self) -> None:
        self.dismiss(None)


BLOCKING_RULES = frozenset({"empty", "too-long"})  # the service itself would refuse these


class ConfirmSendScreen(ModalScreen[bool]):
    """Warnings: one confirmation. Errors: two deliberate steps. Empty or too long: no way."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="ConfirmSendScreen")
        + """
    ConfirmSendScreen #findings { max-height: 14; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [keys.KEEP_EDITING]

    def __init__(self, report: Report, *, reply: bool) -> None:
        super().__init__()
        self.report = report
        self.reply = reply
        errors = [f for f in report.findings if f.severity is Severity.ERROR]
        self.blocked = any(f.rule in BLOCKING_RULES for f in errors)
        self.errors = bool(errors)
        self.step = 1

    def _listed(self) -> list[Finding]:
        wanted = (Severity.ERROR,) if self.errors else (Severity.WARNING,)
        return [f for f in self.report.findings if f.severity in wanted]

    def compose(self) -> ComposeResult:
        verb = "reply" if self.reply else "tweet"
        if self.blocked:
            title = f"This {verb} cannot be posted yet"
        elif self.errors:
            title = f"The coach found a problem it calls an error in this {verb}"
        else:
            title = f"Send this {verb} despite the coach's warnings?"
        lines = [
            Content.from_markup(
                "[b]$rule[/b]: $message", rule=finding.rule, message=finding.message
            )
            for finding in self._listed()
        ]
        with Vertical():
            yield Static(title, classes="modal-title", id="title")
            yield Static(Content("\n").join(lines), id="findings")
            with Horizontal(classes="buttons"):
                yield Button("Keep editing", id="keep", variant="primary")
                if not self.blocked:
                    label = "Override…" if self.errors else "Send anyway"
                    yield Button(label, id="go", variant="warning" if self.errors else "default")
            hint = (
                "Fix it in Compose: an empty post, or one over the length limit, is refused."
                if self.blocked
                else "escape keeps editing"
            )
            yield Static(hint, classes="modal-hint", id="hint")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def action_keep_editing(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        if self.errors and self.step == 1:
            # The second, deliberate step: say what overriding means, ask again.
            self.step = 2
            self.query_one("#title", Static).update("Post it with the error anyway?")
            self.query_one("#go", Button).label = "Post anyway"
            self.query_one("#hint", Static).update(
                "The coach calls this an error because it can hurt the account. "
                "Post anyway only if you are sure."
            )
            self.query_one("#keep", Button).focus()
            return
        self.dismiss(True)


class NoAccountScreen(Screen[str]):
    """What ``tuicoach`` shows with no signed-in account: the demo, or how to sign in."""

    DEFAULT_CSS = """
    NoAccountScreen {
        align: center middle;
        & > Vertical {
            width: 72; max-width: 100%; height: auto;
            border: round $primary; padding: 1 2; background: $surface;
        }
        .title { text-style: bold; color: $primary; padding-bottom: 1; }
        .buttons { height: auto; padding-top: 1; }
        .buttons Button { margin-right: 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [keys.OPEN_DEMO, keys.QUIT_WELCOME]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("No account is signed in", classes="title")
            yield Static(
                Content.from_markup(
                    "tuicoach can open a [b]demo[/b]: a small coffee roaster's account with a "
                    "timeline, mentions waiting for replies, and the coach. Nothing is posted "
                    "anywhere; it is a place to practise.\n\n"
                    "To use your own account, quit and run [b]tuicoach login[/b], "
                    "then start [b]tuicoach[/b] again."
                )
            )
            with Horizontal(classes="buttons"):
                yield Button("Open the demo (d)", id="demo", variant="primary")
                yield Button("Quit (q)", id="quit")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "quit")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


# --- the saved-search editor (Listening's ``a`` and ``e``) -------------------------------


class SearchEditorScreen(ModalScreen[SavedSearch | None]):
    """Add or edit a saved search: the query X would run, and what it would have cost.

    ``estimate`` (blocking; run here in a worker) says what the search would
    have cost over the last days; ``None`` where the backend cannot say. The
    first ``enter`` checks the search and shows that estimate; the second
    saves it (dismissed with the :class:`SavedSearch`), so nothing is saved
    unseen. A search the service would refuse is named with its problem, and
    every field keeps what was typed.
    """

    DEFAULT_CSS = (
        MODAL_CSS.format(name="SearchEditorScreen")
        + """
    SearchEditorScreen Input { margin: 0; }
    SearchEditorScreen .field-label { color: $text-muted; padding: 1 0 0 0; }
    SearchEditorScreen #search-query { color: $text-muted; padding: 1 0 0 0; }
    SearchEditorScreen #search-cost { padding: 1 0 0 0; }
    SearchEditorScreen #search-cost.-error { color: $error; }
    SearchEditorScreen .search-extras { height: auto; }
    SearchEditorScreen #search-lang { width: 16; }
    SearchEditorScreen #search-exclude { width: 1fr; }
    SearchEditorScreen > Vertical { overflow-y: auto; }
    SearchEditorScreen.-short .field-label, SearchEditorScreen.-short .modal-title,
    SearchEditorScreen.-short #search-query, SearchEditorScreen.-short .modal-hint {
        padding: 0;
    }
    """
    )

    BINDINGS: ClassVar[list[BindingType]] = [keys.CANCEL]
    #: Below 32 rows (80x24 is common) the dialog drops its spacing, and scrolls.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (Textual's own)

    def __init__(
        self,
        *,
        handle: str,
        existing: SavedSearch | None = None,
        taken: Sequence[str] = (),
        estimate: Callable[[SavedSearch], SearchEstimate] | None = None,
    ) -> None:
        super().__init__()
        self.handle = handle
        self.existing = existing
        self.taken = {name.lower() for name in taken}
        self.estimator = estimate
        self.estimated: SavedSearch | None = None  # the search whose cost is on screen
        self.estimate: SearchEstimate | None = None
        self._asked: SavedSearch | None = None  # the search being estimated now

    def compose(self) -> ComposeResult:
        old = self.existing
        raw = old is not None and old.query is not None
        with Vertical():
            title = f"Edit the saved search {old.name!r}" if old else "Add a saved search"
            yield Static(title, classes="modal-title", markup=False)
            yield Static("Name", classes="field-label")
            yield Input(old.name if old else "", placeholder="larkspur", id="search-name",
                        disabled=old is not None)  # fmt: skip
            yield Static(
                "Terms, comma-separated (phrases are quoted for you), or a raw X query "
                'starting with "query:"',
                classes="field-label",
            )
            terms = (f"query: {old.query}" if raw else ", ".join(old.terms)) if old else ""
            yield Input(terms, placeholder='larkspur, "larkspur coffee", #larkspurcoffee',
                        id="search-terms")  # fmt: skip
            lang = (old.lang or "") if old else ""
            exclude = ", ".join(old.exclude) if old else ""
            with Horizontal(classes="search-extras"):
                yield Input(lang, placeholder="lang (en)", id="search-lang")
                yield Input(exclude, placeholder="leave out: flowers, …", id="search-exclude")
            yield Static("", id="search-query", markup=False)
            yield Static("", id="search-cost", markup=False)
            yield Static(
                "enter: check the query and what it would have cost; enter again saves it. "
                "escape cancels.",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#search-terms" if self.existing else "#search-name", Input).focus()
        self._show_query()

    # -- reading the fields

    def search(self) -> SavedSearch:
        """The search as typed; a :class:`QueryError` naming what X would refuse."""
        name = check_name(self.query_one("#search-name", Input).value)
        if self.existing is None and name.lower() in self.taken:
            raise QueryError(name, "a saved search already has this name; pick another, or "
                                   "edit that one (e on one of its posts)")  # fmt: skip
        typed = self.query_one("#search-terms", Input).value.strip()
        lang = self.query_one("#search-lang", Input).value.strip() or None
        excluding = self.query_one("#search-exclude", Input).value.split(",")
        exclude = [e.strip().strip('"').strip() for e in excluding if e.strip().strip('"')]
        if typed.lower().startswith("query:"):
            raw = typed[len("query:") :].strip()
            if not raw:
                raise QueryError(name, 'write the X query after "query:"')
            search = SavedSearch(name, query=raw, lang=lang, exclude=tuple(exclude))
        else:
            if not typed:
                raise QueryError(name, "give a word, a phrase or a #hashtag to search for")
            # Strictly comma-separated, as the label says: "acme bakery" is one phrase.
            terms = [t.strip().strip('"').strip() for t in typed.split(",")]
            search = SavedSearch.from_terms(name, terms, lang=lang, exclude=exclude)
        build_query(search, self.handle)
        return search

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_query()

    def _show_query(self) -> None:
        shown = self.query_one("#search-query", Static)
        try:
            search = self.search()
        except QueryError as exc:
            shown.update(f"Not yet: {exc.problem}")
            return
        shown.update(f"X will run: {build_query(search, self.handle)}")
        if search != self.estimated:
            cost = self.query_one("#search-cost", Static)
            cost.remove_class("-error")
            cost.update("enter: what it would have cost over the last days")

    # -- enter: check, estimate, save

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        cost = self.query_one("#search-cost", Static)
        try:
            search = self.search()
        except QueryError as exc:
            cost.add_class("-error")
            cost.update(f"Not saved: {exc}")
            self._in_view()
            return
        if search == self.estimated:
            self.dismiss(search)
            return
        if self.estimator is None:
            self.estimated = search
            cost.update("This backend cannot say what a search costs. enter saves it.")
            self._in_view()
            return
        if self._asked == search:
            return  # already asking
        self._asked = search
        cost.remove_class("-error")
        cost.update("Estimating what it would have cost…")
        self._estimate(search)

    @work(thread=True, exclusive=True, group="search-estimate", exit_on_error=False)
    def _estimate(self, search: SavedSearch) -> None:
        assert self.estimator is not None
        try:
            found: SearchEstimate | str = self.estimator(search)
        except (BackendError, QueryError) as exc:
            found = str(exc)
        self.app.call_from_thread(self._estimated, search, found)

    def _estimated(self, search: SavedSearch, found: SearchEstimate | str) -> None:
        self._asked = None
        cost = self.query_one("#search-cost", Static)
        self.estimated = search
        if isinstance(found, str):
            self.estimate = None
            cost.add_class("-error")
            cost.update(f"Could not estimate its cost: {found}. enter saves it anyway.")
            self._in_view()
            return
        self.estimate = found
        cost.set_class(found.over_budget, "-error")
        cost.update(f"{found.words}\nenter saves it; change a field to estimate again.")
        self._in_view()

    def _in_view(self) -> None:
        """On a short terminal the answer to enter may sit below the fold: bring it up."""
        cost = self.query_one("#search-cost", Static)
        self.call_after_refresh(cost.scroll_visible, animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
