"""The Listening pane: what saved searches found, grouped by search, complaints first.

Each opportunity is a tweet about the business that did not @mention it. The
pane lists the open ones under their search, the most needed first (a
complaint, then a question, by the owed list's own triage; probably spam
last), newest first among equals; its title counts them ("Listening · 7 open"). From here:

- ``enter`` opens the post in its thread (what it answers, what answered it);
- ``r`` drafts an answer (inline, with the coach reading it as a reply to a
  stranger's conversation, where a pitch is spam); ``y`` copies the reply,
  ``o`` prints the tweet's link and ``Y`` copies it: X's API will not take a
  reply to a post that did not summon the account, so the reply is posted on
  x.com by hand;
- ``h`` marks it handled, ``m`` not worth joining (with a reason), ``z``
  snoozes it, ``u`` undoes the last of these;
- ``t`` tags it (bug, idea, praise, complaint, question, the user's own), with
  the triage cues' suggestion shown, never applied by itself: it then shows in
  the Feedback view and ``tuicoach feedback export`` like a tagged mention;
- ``a`` adds a saved search and ``e`` edits the highlighted one's (a search's
  title line can be highlighted too), in :class:`SearchEditorScreen`, which
  shows what it would have cost before it is saved; ``x`` twice removes it.

All store and network work runs in thread workers that only post messages:
:func:`load_listening` is the view model they call. The pane tells the rest
of the app what happened with :class:`ListeningPane.DraftRequested`,
:class:`ListeningPane.Decided` and :class:`ListeningPane.CountChanged`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tuicoach.backends.base import (
    Backend,
    BackendError,
    Listening,
    SearchEstimate,
    SearchEstimating,
)
from tuicoach.coach import Coach
from tuicoach.domain.listen import SavedSearch, State
from tuicoach.domain.models import Draft, Tweet, User
from tuicoach.domain.owed import Band
from tuicoach.domain.triage import triage
from tuicoach.store import Store, feedback
from tuicoach.store.listen import Found, ListenStore
from tuicoach.ui import messages
from tuicoach.ui.keys import LISTENING_BINDINGS
from tuicoach.ui.panes.base import ACTIVE_MARK
from tuicoach.ui.view import Row

BAND_LABELS = {
    Band.NEEDS_ANSWER: "needs an answer",
    Band.NORMAL: "other talk",
    Band.THANKS: "kind words",
    Band.SPAM: "probably spam",
}
DEFAULT_SNOOZE = timedelta(hours=4)
#: The option id of a search's title line in the list: this, then the search's name.
SEARCH_ID = "search:"


# --- the view model (no Textual in what it computes; called from a worker) ----------


@dataclass(frozen=True, slots=True)
class Item:
    """One opportunity as the pane shows it: its band, and how pressing within it
    (the triage's tier, lower first: a complaint before a plain question)."""

    found: Found
    band: Band
    tier: int = 0

    @property
    def tweet(self) -> Tweet:
        return self.found.tweet

    @property
    def author(self) -> User | None:
        return self.found.author

    @property
    def handle(self) -> str:
        return f"@{self.author.username}" if self.author else f"user {self.tweet.author_id}"


@dataclass(frozen=True, slots=True)
class Group:
    search: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class ListeningView:
    """Everything the pane shows, computed off the UI thread."""

    groups: tuple[Group, ...] = ()
    status: str | None = None  # spend and budget, or why listening stopped
    errors: tuple[str, ...] = ()
    searches: tuple[str, ...] = field(default_factory=tuple)
    drafts: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # tweet id -> (id, text)
    saved: tuple[SavedSearch, ...] = field(default_factory=tuple)  # as stored, for editing
    in_config: frozenset[str] = frozenset()  # lower-cased names the config file holds

    @property
    def open_count(self) -> int:
        return sum(len(g.items) for g in self.groups)

    def item(self, tweet_id: str) -> Item | None:
        for group in self.groups:
            for item in group.items:
                if item.tweet.id == tweet_id:
                    return item
        return None


def load_listening(
    store: Store, *, now: datetime, status: str | None = None, errors: tuple[str, ...] = ()
) -> ListeningView:
    """The open opportunities by saved search (in saved order), most needed first, newest first.

    "Most needed" is the owed list's own order (band, then the triage's tier):
    a complaint about the business that did not @mention it comes first,
    probably spam last; the newest first among equals.
    """
    listen = ListenStore(store)
    saved = listen.searches()
    names = [s.name for s in saved]
    by_search: dict[str, list[Item]] = {name: [] for name in names}
    for found in listen.opportunities(now=now):
        verdict = triage(found.tweet.text, found.author)
        item = Item(found, verdict.band, verdict.tier)
        by_search.setdefault(found.opportunity.search, []).append(item)
    groups = []
    for name, items in by_search.items():
        items.sort(key=lambda i: (i.tweet.created_at, i.tweet.id), reverse=True)
        items.sort(key=lambda i: (i.band.rank, i.tier))  # stable: newest first among equals
        groups.append(Group(name, tuple(items)))
    shown = {i.tweet.id for g in groups for i in g.items}
    drafts = {
        d.reply_to_id: (d.id, d.text)
        for d in store.drafts()
        if d.reply_to_id is not None and d.reply_to_id in shown
    }
    return ListeningView(
        tuple(groups),
        status,
        errors,
        tuple(names),
        drafts,
        tuple(saved),
        frozenset(listen.from_config()),
    )


def _age(now: datetime, then: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def _default_link(tweet: Tweet, author: User | None) -> str:
    return f"https://x.com/i/web/status/{tweet.id}"


# --- the pane ---------------------------------------------------------------------------


class ListeningPane(Vertical, can_focus=False):
    """Opportunities from saved searches, with drafting, copying, marks and undo.

    ``store``: the account's store (read and written only in workers).
    ``backend``: where ``listen()`` runs (a :class:`Listening` backend) and
    where links and reply refusals come from; optional. ``poll_seconds``: how
    often to run the saved searches while mounted (``None``: only on
    :meth:`refresh_listening` with ``poll=True``). ``inline_drafts``: draft in
    the pane (True), or only post :class:`DraftRequested` for the app's
    Compose pane (False; then the app hands the text back with
    :meth:`set_draft` so ``y`` copies it).
    """

    DEFAULT_CSS = """
    ListeningPane { height: 1fr; border: round $primary 40%; }
    ListeningPane > #listen-status { color: $text-muted; height: auto; padding: 0 1; }
    ListeningPane > #listen-list { height: 1fr; border: none; }
    ListeningPane > #listen-draft { height: auto; display: none; padding: 0 1; }
    ListeningPane.-drafting > #listen-draft { display: block; }
    ListeningPane #listen-draft-text { height: 5; }
    ListeningPane #listen-coach { height: auto; color: $text-muted; }
    ListeningPane > #listen-reason { display: none; }
    ListeningPane.-reasoning > #listen-reason { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(LISTENING_BINDINGS)

    class DraftRequested(Message):
        """The user wants to answer ``found`` (a stranger's conversation: coach with stranger)."""

        def __init__(self, found: Found) -> None:
            super().__init__()
            self.found = found

    class Decided(Message):
        """An opportunity was marked (or a mark undone): ``state`` is its state now."""

        def __init__(self, tweet_id: str, state: State | None) -> None:
            super().__init__()
            self.tweet_id = tweet_id
            self.state = state

    class CountChanged(Message):
        """The number of open opportunities changed (for a tab's title)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class Loaded(Message):
        """A worker's result: the view to show (internal)."""

        def __init__(self, view: ListeningView, note: str | None = None) -> None:
            super().__init__()
            self.view = view
            self.note = note

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime],
        backend: Backend | None = None,
        coach: Coach | None = None,
        poll_seconds: float | None = None,
        inline_drafts: bool = True,
        snooze_for: timedelta = DEFAULT_SNOOZE,
        id: str | None = "listening",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.clock = clock
        self.backend = backend
        self.coach = coach or Coach()
        self.poll_seconds = poll_seconds
        self.inline_drafts = inline_drafts
        self.snooze_for = snooze_for
        self.view = ListeningView()
        self.drafts: dict[str, str] = {}  # tweet id -> the reply drafted for it
        self._draft_ids: dict[str, int] = {}  # tweet id -> its row in the store's drafts
        self._draft_lock = threading.Lock()
        self._removing: str | None = None  # the search a first ``x`` asked to remove
        self.drafting: str | None = None  # the tweet id the draft area answers
        self._count: int | None = None
        self.active = False  # the main screen's focus: its title starts with ACTIVE_MARK
        self.title_text = "Listening"
        self._show_title()

    def compose(self) -> ComposeResult:
        yield Static("", id="listen-status", markup=False)
        yield OptionList(id="listen-list")
        with Vertical(id="listen-draft"):
            yield Static("", id="listen-answering", markup=False)
            yield TextArea(id="listen-draft-text", soft_wrap=True)
            yield Static("", id="listen-coach", markup=False)
        yield Input(placeholder="Why is it not worth joining? (enter to save)", id="listen-reason")

    def on_mount(self) -> None:
        self.refresh_listening(poll=self.poll_seconds is not None)
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, lambda: self.refresh_listening(poll=True))

    # -- loading (workers only post messages)

    def refresh_listening(self, *, poll: bool = False) -> None:
        """Reload from the store; with ``poll``, run the saved searches first."""
        self._load(poll)

    @work(thread=True, exclusive=True, group="listening-load", exit_on_error=False)
    def _load(self, poll: bool) -> None:
        errors: tuple[str, ...] = ()
        note: str | None = None
        status: str | None = None
        backend = self.backend
        if backend is not None and isinstance(backend, Listening):
            if poll and backend.capabilities.search:
                try:
                    result = backend.listen()
                except BackendError as exc:
                    errors = (str(exc),)
                else:
                    errors = tuple(f"{name}: {e}" for name, e in result.errors.items())
                    if result.stopped:
                        errors = (result.stopped, *errors)
                    if result.total_new:
                        note = f"{result.total_new} new"
            try:
                status = backend.listen_status()
            except BackendError as exc:
                status = str(exc)
        view = load_listening(self.store, now=self.clock(), status=status, errors=errors)
        self.post_message(self.Loaded(view, note))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        message.stop()
        self.view = message.view
        for tweet_id, (draft_id, text) in self.view.drafts.items():
            self._draft_ids.setdefault(tweet_id, draft_id)
            self.drafts.setdefault(tweet_id, text)  # what was typed here since wins
        option_list = self.query_one("#listen-list", OptionList)
        highlighted = option_list.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        options: list[Option] = []
        for group in self.view.groups:
            # A search's title line: e edits it and x removes it, even with nothing open.
            title = f"{group.search} · {len(group.items)} open"
            options.append(Option(Content.styled(title, "bold"), id=f"{SEARCH_ID}{group.search}"))
            for item in group.items:
                options.append(Option(self._prompt(item), id=item.tweet.id))
        if not options:
            options.append(
                Option(
                    "No saved searches yet: press a to add one (a name and the words people "
                    'use for the business), or tuicoach listen --add NAME "terms…"',
                    disabled=True,
                )
            )
        option_list.set_options(options)
        ids = [o.id for o in options if not o.disabled and o.id is not None]
        if ids:
            found = [i for i in ids if not i.startswith(SEARCH_ID)]
            target = keep if keep in ids else (found or ids)[0]
            option_list.highlighted = option_list.get_option_index(target)
        count = self.view.open_count
        self.title_text = f"Listening · {count} open"
        self._show_title()
        status = [s for s in (self.view.status, *self.view.errors) if s]
        self.query_one("#listen-status", Static).update("\n".join(status))
        if count != self._count:
            self._count = count
            self.post_message(self.CountChanged(count))
        if message.note:
            self.notify(message.note, title="Listening")

    def mark_active(self, active: bool) -> None:
        """Focused or not: as :meth:`Pane.mark_active`, a marker that needs no colour."""
        self.active = active
        self.set_class(active, "-active")
        self._show_title()

    def _show_title(self) -> None:
        self.border_title = (ACTIVE_MARK if self.active else "") + self.title_text

    def _prompt(self, item: Item) -> Content:
        age = _age(self.clock(), item.tweet.created_at)
        band = BAND_LABELS[item.band]
        marker = "● " if item.band is Band.NEEDS_ANSWER else "  "
        drafted = " · drafted" if item.tweet.id in self.drafts else ""
        head = Content.assemble(
            (marker, "bold $warning"),
            (item.handle, "bold"),
            f" · {age} · {band}{drafted}",
        )
        text = " ".join(item.tweet.text.split())
        return Content.assemble(head, "\n", Content(text))  # tweet text is data, not markup

    # -- what is highlighted

    def current_id(self) -> str | None:
        """The highlighted opportunity's tweet id (``None`` on a search's title line)."""
        option = self.query_one("#listen-list", OptionList).highlighted_option
        if option is None or option.disabled or option.id is None:
            return None
        return None if option.id.startswith(SEARCH_ID) else option.id

    def current_search(self) -> str | None:
        """The highlighted search: its title line's, or the highlighted opportunity's."""
        option = self.query_one("#listen-list", OptionList).highlighted_option
        if option is not None and option.id is not None and option.id.startswith(SEARCH_ID):
            return option.id.removeprefix(SEARCH_ID)
        item = self.current()
        return item.found.opportunity.search if item is not None else None

    def current(self) -> Item | None:
        tweet_id = self.drafting or self.current_id()
        return None if tweet_id is None else self.view.item(tweet_id)

    def _service(self) -> str:
        return self.backend.service if self.backend is not None else "the service"

    def _link(self, item: Item) -> str:
        if self.backend is not None:
            return self.backend.tweet_link(item.tweet, item.author)
        return _default_link(item.tweet, item.author)

    def action_move(self, by: int) -> None:
        """j and k, as in the other lists (the arrows work too)."""
        options = self.query_one("#listen-list", OptionList)
        if options.has_focus:
            options.action_cursor_down() if by > 0 else options.action_cursor_up()

    # -- opening: the thread around it

    @on(OptionList.OptionSelected, "#listen-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        item = self.current()
        if item is None:
            return
        if self.backend is None:
            self.notify(" ".join(item.tweet.text.split()), title=item.handle, markup=False)
            return
        self._read_thread(item)

    @work(thread=True, group="listening-thread", exit_on_error=False)
    def _read_thread(self, item: Item) -> None:
        from tuicoach.ui.view import Account, conversation

        assert self.backend is not None
        rows = conversation(Account(self.store, self.backend), item.tweet)
        self.app.call_from_thread(self._show_thread, item, rows)

    def _show_thread(self, item: Item, rows: list[Row]) -> None:
        from tuicoach.ui.screens import ConversationScreen

        def chosen(row: Row | None) -> None:
            if row is None:
                return
            if row.tweet.id == item.tweet.id:
                self.action_draft()  # r on the opportunity itself: draft here
            else:  # another post of the thread: the app's reply path, with its refusal
                self.post_message(messages.ReplyRequested(row, "listening"))

        self.app.push_screen(ConversationScreen(rows, item.tweet.id, self.clock), chosen)

    # -- drafting

    def action_draft(self) -> None:
        item = self.current()
        if item is None:
            self.notify("Nothing to answer here.", severity="warning")
            return
        self.post_message(self.DraftRequested(item.found))
        if not self.inline_drafts:
            return
        self.drafting = item.tweet.id
        self.add_class("-drafting")
        refusal = self.backend.reply_refusal(item.tweet) if self.backend is not None else None
        how = (
            f"{self._service()} will not take this reply through its API: copy it (y) and "
            "post it there by hand (o shows the link)"
            if refusal is not None or self.backend is None
            else "y copies the reply, o shows the link"
        )
        text = " ".join(item.tweet.text.split())
        self.query_one("#listen-answering", Static).update(
            f"Answering {item.handle}: {text[:120]}\n{how}; escape goes back to the list."
        )
        area = self.query_one("#listen-draft-text", TextArea)
        area.text = self.drafts.get(item.tweet.id) or (
            f"@{item.author.username} " if item.author else ""
        )
        area.move_cursor(area.document.end)
        area.focus()
        self._coach(area.text)

    def set_draft(self, tweet_id: str, text: str) -> None:
        """The reply drafted for ``tweet_id`` elsewhere (the Compose pane), for ``y``."""
        self.drafts[tweet_id] = text

    @on(TextArea.Changed, "#listen-draft-text")
    def _typed(self, event: TextArea.Changed) -> None:
        if self.drafting is not None:
            self.drafts[self.drafting] = event.text_area.text
            self._coach(event.text_area.text)
            self._save_draft(self.drafting, event.text_area.text)

    @work(thread=True, group="listening-draft", exit_on_error=False)
    def _save_draft(self, tweet_id: str, text: str) -> None:
        """Keep the reply in the store's drafts (``d`` lists them), so a crash loses nothing."""
        with self._draft_lock:  # one writer at a time, and always the newest text
            latest = self.drafts.get(tweet_id, text)
            draft_id = self.store.save_draft(
                latest,
                draft_id=self._draft_ids.get(tweet_id),
                reply_to_id=tweet_id,
                now=self.clock(),
            )
            self._draft_ids[tweet_id] = draft_id

    def _coach(self, text: str) -> None:
        item = self.current()
        if item is None:
            return
        draft = Draft.answering(text, item.tweet, item.author)
        report = self.coach.report(draft, now=self.clock(), near_duplicates=False, stranger=True)
        worst = next((f for f in report.findings if f.severity.value != "good"), None)
        line = f"Coach {report.score}/100"
        if worst is not None:
            line += f" · {worst.rule}: {worst.message}"
        self.query_one("#listen-coach", Static).update(line)

    def action_back(self) -> None:
        self.remove_class("-reasoning")
        self._removing = None
        self.drafting = None
        self.remove_class("-drafting")
        self.query_one("#listen-list", OptionList).focus()

    # -- copying and the link

    def action_copy_reply(self) -> None:
        item = self.current()
        text = self.drafts.get(item.tweet.id, "").strip() if item else ""
        if item is None or not text:
            self.notify("No reply drafted for this one yet: r drafts one.", severity="warning")
            return
        self.app.copy_to_clipboard(self.drafts[item.tweet.id])
        self.notify(
            f"Reply copied. Paste it at {self._link(item)}, then mark it handled (h).",
            title="Copied",
        )

    def action_show_link(self) -> None:
        item = self.current()
        if item is not None:
            link = self._link(item)
            self.query_one("#listen-status", Static).update(f"Open on {self._service()}: {link}")
            self.notify(link, title="Tweet link")

    def action_copy_link(self) -> None:
        item = self.current()
        if item is not None:
            self.app.copy_to_clipboard(self._link(item))
            self.notify(self._link(item), title="Link copied")

    # -- decisions (store writes in a worker)

    def action_handled(self) -> None:
        self._decide_current(State.HANDLED)

    def action_snooze(self) -> None:
        self._decide_current(State.SNOOZED, until=self.clock() + self.snooze_for)

    def action_not_worth(self) -> None:
        if self.current() is None:
            return
        self.add_class("-reasoning")
        field_ = self.query_one("#listen-reason", Input)
        field_.value = ""
        field_.focus()

    @on(Input.Submitted, "#listen-reason")
    def _reason_given(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.notify("Say why in a few words (or escape to cancel).", severity="warning")
            return
        self.remove_class("-reasoning")
        self._decide_current(State.NOT_WORTH, reason=reason)

    def _decide_current(
        self, state: State, *, reason: str = "", until: datetime | None = None
    ) -> None:
        item = self.current()
        if item is None:
            self.notify("Nothing highlighted to mark.", severity="warning")
            return
        self.drafting = None
        self.remove_class("-drafting")
        self.query_one("#listen-list", OptionList).focus()
        self._write(item.tweet.id, state, reason, until)

    @work(thread=True, group="listening-write", exit_on_error=False)
    def _write(
        self, tweet_id: str, state: State | None, reason: str, until: datetime | None
    ) -> None:
        listen = ListenStore(self.store)
        if state is None:
            undone = listen.undo()
            if undone is None:
                self.post_message(self.Loaded(self._reload(), "Nothing to undo."))
                return
            tweet_id = undone
            opportunity = listen.opportunity(undone)
            state = opportunity.state if opportunity else None
        else:
            listen.decide(tweet_id, state, reason=reason, until=until)
        self.post_message(self.Decided(tweet_id, state))
        self.post_message(self.Loaded(self._reload()))

    def _reload(self) -> ListeningView:
        status = None
        if self.backend is not None and isinstance(self.backend, Listening):
            try:
                status = self.backend.listen_status()
            except BackendError as exc:
                status = str(exc)
        return load_listening(self.store, now=self.clock(), status=status)

    def action_undo(self) -> None:
        self._write("", None, "", None)

    # -- tags (feedback), as on a mention

    def action_tag(self) -> None:
        item = self.current()
        if item is None:
            self.notify("Highlight an opportunity to tag it.", severity="warning")
            return
        self._tags_of(item)

    @work(thread=True, group="listening-tags", exit_on_error=False)
    def _tags_of(self, item: Item) -> None:
        current = feedback.tags_of(self.store, item.tweet.id)
        self.app.call_from_thread(self._ask_tag, item, current)

    def _ask_tag(self, item: Item, current: tuple[str, ...]) -> None:
        from tuicoach.ui.feedback import TagScreen

        def chosen(tag: str | None) -> None:
            if tag:
                self._tag(item, tag)

        own = tuple(getattr(self.app, "own_tags", ()))
        self.app.push_screen(TagScreen(item.tweet.text, own_tags=own, current=current), chosen)

    @work(thread=True, group="listening-tags", exit_on_error=False)
    def _tag(self, item: Item, tag: str) -> None:
        on_now = feedback.toggle_tag(self.store, item.tweet.id, tag, now=self.clock())
        said = f"Tagged {item.handle}'s post {tag}." if on_now else f"Took {tag} off."
        self.app.call_from_thread(self.notify, said, markup=False)

    # -- saved searches: add, edit and remove

    def _estimator(self) -> Callable[[SavedSearch], SearchEstimate] | None:
        backend = self.backend
        return backend.estimate_search if isinstance(backend, SearchEstimating) else None

    def _handle(self) -> str:
        return self.backend.account.username if self.backend is not None else "me"

    def action_add_search(self) -> None:
        from tuicoach.ui.screens import SearchEditorScreen

        editor = SearchEditorScreen(
            handle=self._handle(), taken=self.view.searches, estimate=self._estimator()
        )
        self.app.push_screen(editor, self._edited)

    def _in_config(self, name: str) -> bool:
        """A search of the config file is changed there: say so (True) instead."""
        if name.lower() not in self.view.in_config:
            return False
        self.notify(
            f"The saved search {name!r} is a [[listen]] table in the config file: change or "
            "remove it there (tuicoach config prints the file's path).",
            title="In the config file",
            severity="warning",
            markup=False,
        )
        return True

    def action_edit_search(self) -> None:
        from tuicoach.ui.screens import SearchEditorScreen

        name = self.current_search()
        search = next((s for s in self.view.saved if s.name == name), None)
        if search is None:
            self.notify("Highlight a search (or one of its posts) to edit it.", severity="warning")
            return
        if self._in_config(search.name):
            return
        editor = SearchEditorScreen(
            handle=self._handle(), existing=search, estimate=self._estimator()
        )
        self.app.push_screen(editor, self._edited)

    def _edited(self, search: SavedSearch | None) -> None:
        self.query_one("#listen-list", OptionList).focus()
        if search is not None:
            self._save_search(search)

    @work(thread=True, group="listening-write", exit_on_error=False)
    def _save_search(self, search: SavedSearch) -> None:
        new = ListenStore(self.store).save_search(search, now=self.clock())
        done = "added" if new else "changed"
        note = f"Saved search {search.name!r} {done}; it runs at the next poll."
        self.post_message(self.Loaded(self._reload(), note))

    def on_key(self, event: Key) -> None:
        if event.key != "x":
            self._removing = None  # a removal is confirmed by x twice in a row only

    def action_remove_search(self) -> None:
        name = self.current_search()
        if name is None or self._in_config(name):
            return
        if self._removing != name:
            self._removing = name
            self.notify(
                f"Press x again to remove the saved search {name!r} and its opportunities "
                "(the tweets stay); anything else keeps it.",
                title="Remove a saved search?",
                severity="warning",
            )
            return
        self._removing = None
        self._drop_search(name)

    @work(thread=True, group="listening-write", exit_on_error=False)
    def _drop_search(self, name: str) -> None:
        ListenStore(self.store).remove_search(name)
        self.post_message(self.Loaded(self._reload(), f"Saved search {name!r} removed."))
