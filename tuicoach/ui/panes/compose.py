"""The Compose pane: the draft, its autosave, what it replies to, and the send flow.

Replying: :meth:`ComposePane.start_reply` (the App calls it on
``ReplyRequested``) keeps the row and the pane it came from. Sending: ``alt+s``
posts ``SendRequested`` with :meth:`to_draft`; the Coach pane answers with
``SendChecked``; :meth:`confirm_send` asks when the coach has concerns, then a
worker posts and answers ``Posted`` (or ``SendHeld``). The App then takes the
focus back to ``origin``, the list the reply came from.

The outbox: a backend with ``send_draft`` (X) ties each post to its draft. The
draft is saved before it is sent, the outbox deletes it once X has the post,
and the draft's record (:meth:`Store.draft_outbox`) is shown and obeyed:
unconfirmed or sent, Send only explains, unless the user chooses "post as a new
tweet"; while unconfirmed the record is read again every second, and the draft
clears when a sync (here or in another process) finds it on X. The demo posts at
once (no outbox): the pane deletes the draft itself.

Queueing: ``alt+q`` (binding ``queue``) hands the draft to
:func:`tuicoach.ui.queue.queue_draft` in a worker: the next free slot in the
posting hours (``App.posting_hours``, else the defaults), and the coach's
findings at that slot in a notice; the draft then lives in the queue.

Signing: ``alt+i`` (binding ``sign``) appends the ``[team] signature`` ("^JD") to
the draft once, as an edit the user makes (it counts toward the length, the
coach reads it, undo takes it back); the pane's subtitle says so while a
signature is set. It is never appended by itself.

The first frame shows only the placeholder line. The reply context, the text area and
the bar (length, state, Send) are mounted just after it (:meth:`attach_editor`):
``TextArea`` is the heaviest widget on the screen to import and draw, Button's CSS is
57 rules, and nobody types in the first few milliseconds. Until then, :meth:`open`
keeps the account's draft and :meth:`show_state` the state line for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from tuicoach.backends.errors import BackendError, TeammateAnswered
from tuicoach.ui import messages, view
from tuicoach.ui.keys import COMPOSE_BINDINGS
from tuicoach.ui.panes.base import Pane
from tuicoach.ui.view import Account, Row, SavedDraft
from tuicoach.ui.widgets.compose import LengthCounter

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from tuicoach.domain.models import Draft, Report
    from tuicoach.store import OutboxStatus
    from tuicoach.ui.widgets.draft_area import DraftArea

DRAFT_SAVE_DELAY = 0.5  # seconds after the last key; "at most a second behind"
OUTBOX_WATCH = 1.0  # seconds between reads of an unconfirmed draft's record (a local read)
PLACEHOLDER = "Write a tweet, or pick a mention and press r to reply."


class ComposePane(Pane):
    """Reply context (whole, scrollable), the draft, and a bar: length, state, Send."""

    pane = "compose"
    pane_title = "Compose"
    BINDINGS: ClassVar[list[BindingType]] = list(COMPOSE_BINDINGS)

    DEFAULT_CSS = """
    ComposePane {
        #draft-placeholder { height: 1fr; padding: 0 1; color: $text-disabled; }
        #reply-context {
            display: none;
            height: auto;
            max-height: 45%;
            padding: 0 1;
            color: $text-muted;
            border-bottom: dashed $panel-lighten-2;
            scrollbar-size-vertical: 1;
        }
        &.-reply #reply-context { display: block; }
        #compose-bar { height: 1; padding: 0 1; }
        #draft-state { width: 1fr; color: $text-muted; padding: 0 1; }
        #send { min-width: 8; }
    }
    """

    account: Account | None = None
    reply_to: Row | None = None
    origin = "mentions"  # the list to go back to after sending
    draft_id: int | None = None

    def compose(self) -> ComposeResult:
        # The first frame shows the placeholder alone; the reply context, the text area and
        # the bar (length, state, Send) follow just after it (attach_editor).
        yield Static(PLACEHOLDER, id="draft-placeholder")

    def __init__(self, clock: Callable[[], datetime], *, active: bool = False) -> None:
        super().__init__(clock, active=active)
        self._state = ""
        self._dirty = False  # an edit not yet saved
        self._saving = False
        self._timer: Any = None
        self._restoring = False  # the next Changed is ours (a restore), not the user's
        self._early_text: str | None = None  # set before the text area is there
        self._which = 0  # which draft this is: saves of a draft set aside say another number
        self._editor_asked = False
        self._editor_ready = asyncio.Event()
        # The draft's outbox record (a backend that ties drafts): unconfirmed or sent, Send
        # only explains; while unconfirmed, the store is read again now and then.
        self._outbox: OutboxStatus | None = None
        self._watch: Any = None
        self._as_new = False  # the user chose "post as a new tweet": the next send says so
        self._anyway = False  # the user chose to send though a teammate answered first
        self._built = False  # the reply context and the bar are mounted (attach_editor)
        self._opened: tuple[SavedDraft | None, int] | None = None  # open() before they were

    async def attach_editor(self) -> None:
        """Put the real text area where the placeholder is (once; callers may race)."""
        from tuicoach.ui.widgets.draft_area import DraftArea

        if self._editor_asked:
            await self._editor_ready.wait()
            return
        self._editor_asked = True
        placeholder = self.query_one("#draft-placeholder")
        reply = VerticalScroll(Static(id="reply-text", markup=False),
                               id="reply-context", can_focus=False)  # fmt: skip
        send = Button("Send", id="send", compact=True, variant="primary")
        # Tab goes from pane to pane; the button is reached by mouse, alt+s or the palette.
        send.can_focus = False
        bar = Horizontal(LengthCounter("0", id="length"), Static(self._state, id="draft-state"),
                         send, id="compose-bar")  # fmt: skip
        await self.mount(reply, DraftArea(id="draft", placeholder=PLACEHOLDER), before=placeholder)
        await self.mount(bar)
        await placeholder.remove()
        self._built = True
        if self._opened is not None:
            (draft, count), self._opened = self._opened, None
            self._open(draft, count)
        elif self.reply_to is not None:
            self._show_reply(self.reply_to)
        if self._early_text is not None:
            text, self._early_text = self._early_text, None
            self._set_text(text)
        self._editor_ready.set()

    def open(self, account: Account, draft: SavedDraft | None, count: int) -> None:
        """The account's draft; shown once the text area and the bar are there."""
        self.account = account
        if not self._built:  # the first frame: they follow it (attach_editor)
            self._opened = (draft, count)
            return
        self._open(draft, count)

    def _open(self, draft: SavedDraft | None, count: int) -> None:
        assert self.account is not None
        self.query_one(LengthCounter).limit = self.account.backend.length_limit
        self._show_sign_hint()
        self.show_length(self.text)
        if draft is not None:
            self.restore(draft, count)

    # -- the text ----------------------------------------------------------------------------

    @property
    def draft_area(self) -> DraftArea:
        from tuicoach.ui.widgets.draft_area import DraftArea

        return self.query_one(DraftArea)

    @property
    def text(self) -> str:
        if not self.query("#draft"):
            return self._early_text or ""
        return self.draft_area.text

    def rescore(self) -> None:
        """Ask the coach about the draft as it is (a restored one, once the coach starts)."""
        self.post_message(messages.DraftChanged(self.to_draft()))

    def to_draft(self) -> Draft:
        """The draft as the coach reads it: the text and what it answers."""
        return view.make_draft(self.text, self.reply_to)

    def _set_text(self, text: str) -> None:
        """Put ``text`` in the draft without counting it as an edit (nothing to save)."""
        if self.text == text:
            self.show_length(text)
            self.rescore()
            return
        if not self.query("#draft"):  # the text area comes just after the data
            self._early_text = text
            self.show_length(text)
            return
        self._restoring = True
        area = self.draft_area
        area.load_text(text)
        area.move_cursor(area.document.end)

    def show_length(self, text: str) -> None:
        from tuicoach.domain.twittertext import parse_tweet

        if self._built:  # else the bar is not there yet: _open shows it
            self.query_one(LengthCounter).show_length(parse_tweet(text).weighted_length)

    def show_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            if self._built:  # else the bar shows it when it comes
                self.query_one("#draft-state", Static).update(state, layout=False)

    def _show_reply(self, row: Row | None) -> None:
        self.reply_to = row
        self.set_class(row is not None, "-reply")
        if not self._built:  # attach_editor shows it
            return
        text = self.query_one("#reply-text", Static)
        if row is None:
            text.update("")
            return
        # The whole tweet, as written (scrollable when long): it is what is being answered.
        text.update(
            Content.from_markup("[b]↩ Replying to $handle[/b]\n", handle=row.handle)
            + Content(row.tweet.text)
        )
        self.query_one("#reply-context", VerticalScroll).scroll_home(animate=False)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Named, not @on(TextArea.Changed): TextArea is imported after the first frame.
        if event.text_area.id != "draft":
            return
        self.show_length(event.text_area.text)
        self.post_message(messages.DraftChanged(self.to_draft()))
        if self._restoring:
            self._restoring = False
            return
        self._dirty = True
        self.show_state("editing…")
        if self._timer is None:
            self._timer = self.set_timer(DRAFT_SAVE_DELAY, self._save)

    # -- what the draft is -------------------------------------------------------------------

    def restore(self, draft: SavedDraft, count: int) -> None:
        self._set_aside()
        self.draft_id = draft.id
        self._show_reply(draft.reply_to)
        self._set_text(draft.text)
        more = f" · {count - 1} more in Drafts (d)" if count > 1 else ""
        self.show_state(f"draft restored{more}")
        self.check_outbox()  # sent before? then it says so ("unconfirmed: …", "sent 12:04")

    def start_reply(self, row: Row, origin: str) -> None:
        """Answer ``row``; after sending, the focus goes back to the ``origin`` pane."""
        self.origin = origin
        if (
            self.text.strip()
            and self.reply_to is not None
            and self.reply_to.tweet.id == row.tweet.id
        ):
            return  # already answering it: keep what is written
        self._set_aside()
        self.draft_id = None
        self._show_reply(row)
        self._set_text(f"{row.handle} " if row.author is not None else "")
        self.show_state("new reply")

    async def action_new_tweet(self) -> None:
        await self.attach_editor()  # keys typed next belong in it
        self._set_aside()
        self.draft_id = None
        self._show_reply(None)
        self._set_text("")
        self.show_state("new tweet")
        await self.run_action("screen.show_pane('compose')")

    # -- saving ------------------------------------------------------------------------------

    @property
    def draft_saved(self) -> bool:
        """No edit is waiting to be saved (tests and snapshots wait for this)."""
        return not (self._dirty or self._saving or self._timer is not None)

    def _save(self) -> None:
        self._timer = None
        if not self._dirty or self._saving or self.account is None:
            return
        self._dirty = False
        self._saving = True
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        self._save_worker(self.account, self.text, self.draft_id, reply_id, self._which)

    def _set_aside(self) -> None:
        """The draft is being replaced: its last edit is saved in a worker (it stays in
        Drafts), and what that worker answers is not about the next draft."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._which += 1
        self._forget_outbox()
        if self.account is None or not self._dirty:
            return
        self._dirty = False
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        self._save_worker(self.account, self.text, self.draft_id, reply_id, self._which - 1)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _save_worker(
        self, account: Account, text: str, draft_id: int | None, reply_id: str | None, which: int
    ) -> None:
        saved = view.save_draft(account, text, draft_id, reply_id, self.clock())
        self.post_message(messages.DraftSaved(saved, which))

    @on(messages.DraftSaved)
    def _saved(self, message: messages.DraftSaved) -> None:
        self._saving = False
        if message.which == self._which:  # else: a draft set aside, saved
            self.draft_id = message.draft_id
            if self._state != "sending…":  # the send worker saves first: say nothing of it
                self.show_state("saved" if message.draft_id else "")
        if self._dirty:
            self._save()

    def flush(self) -> None:
        """Save now, on this thread: on quit, the one store write the UI thread makes."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.account is None or not self._dirty:
            return
        self._dirty = False
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        self.draft_id = view.save_draft(
            self.account, self.text, self.draft_id, reply_id, self.clock()
        )

    # -- the signature ------------------------------------------------------------------------

    @property
    def signature(self) -> str | None:
        """The ``[team] signature`` of the person at this machine, or ``None``."""
        return self.account.signature if self.account is not None else None

    def _sign_keys(self) -> str:
        from tuicoach.ui.keys import keys_for

        return keys_for(getattr(self.app, "keymap", {}), "sign") or "alt+i"

    def _show_sign_hint(self) -> None:
        signature = self.signature
        self.border_subtitle = f"{self._sign_keys()} signs {signature}" if signature else ""

    async def action_sign(self) -> None:
        """Append the signature once: " ^JD" at the end, as the user's own edit."""
        signature = self.signature
        # What needs saying goes in a notice: the state line turns to "saved" a moment later.
        if not signature:
            self.notify(
                'Set signature = "^JD" under [team] in the config '
                "(tuicoach config prints where it is).",
                title="No signature",
                severity="warning",
                markup=False,
            )
            return
        await self.attach_editor()
        text = self.text
        if not text.strip():
            self.notify(
                f"Nothing to sign yet: write the post, then {self._sign_keys()}.", markup=False
            )
            return
        if text.rstrip().endswith(signature):
            self.notify(f"Already signed {signature}.", markup=False)
            return
        area = self.draft_area
        kept = text.rstrip()
        lines = kept.split("\n")
        start = (len(lines) - 1, len(lines[-1]))  # where the text ends, before its spaces
        area.replace(f" {signature}", start, area.document.end)
        area.move_cursor(area.document.end)
        self.show_state(f"signed {signature}")

    # -- the drafts list ---------------------------------------------------------------------

    def action_drafts(self) -> None:
        if self.account is None:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pending = self._dirty
        self._dirty = False
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        text = self.text if pending else None
        self._list_drafts(self.account, text, self.draft_id, reply_id, self._which)

    @work(thread=True, exclusive=True, group="drafts-list", exit_on_error=False)
    def _list_drafts(
        self,
        account: Account,
        text: str | None,
        draft_id: int | None,
        reply_id: str | None,
        which: int,
    ) -> None:
        if text is not None:  # the edit not yet saved goes in first, so it is listed
            self.post_message(
                messages.DraftSaved(
                    view.save_draft(account, text, draft_id, reply_id, self.clock()), which
                )
            )
        self.post_message(messages.DraftsListed(view.drafts(account)))

    @on(messages.DraftsListed)
    def _show_drafts(self, message: messages.DraftsListed) -> None:
        from tuicoach.ui.screens import DraftsScreen

        screen = DraftsScreen(message.drafts, self.clock(), self._delete_draft)
        self.app.push_screen(screen, self._open_draft)

    def _delete_draft(self, draft_id: int) -> None:
        if draft_id == self.draft_id:
            self.draft_id = None
        if self.account is not None:
            self._delete_worker(self.account, draft_id)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _delete_worker(self, account: Account, draft_id: int) -> None:
        account.store.delete_draft(draft_id)

    def _open_draft(self, draft_id: int | None) -> None:
        if draft_id is not None and self.account is not None:
            self._read_draft(self.account, draft_id)

    @work(thread=True, group="drafts-list", exit_on_error=False)
    def _read_draft(self, account: Account, draft_id: int) -> None:
        saved = view.draft_by_id(account, draft_id)
        if saved is not None:
            self.post_message(messages.DraftLoaded(saved))

    @on(messages.DraftLoaded)
    async def _draft_loaded(self, message: messages.DraftLoaded) -> None:
        self.restore(message.draft, 1)
        await self.run_action("screen.show_pane('compose')")

    # -- sending -----------------------------------------------------------------------------

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.account is None:
            return
        status = self._outbox
        if status is not None and not status.may_send and not self._as_new:
            self._explain(status.message)  # unconfirmed or sent: never a second copy by Send
            return
        self.post_message(messages.SendRequested(self.to_draft()))

    def _explain(self, found: str) -> None:
        """Say what the outbox knows; the user may still choose to post it as a new tweet."""
        from tuicoach.ui.widgets.compose import PostAsNewScreen

        self.show_state(found)

        def answered(as_new: bool | None) -> None:
            if as_new:
                self._as_new = True
                self.action_send()  # through the coach, as any send

        self.app.push_screen(PostAsNewScreen(found), answered)

    def _teammate_answered(self, error: TeammateAnswered) -> None:
        """A teammate answered this mention first: show their reply; discard ours, keep
        editing it, or send it anyway, on purpose."""
        from tuicoach.ui.widgets.compose import TeammateAnsweredScreen

        who = error.by or "a teammate"
        self.show_state(f"not sent: {who} answered it first; the draft is kept")

        def answered(choice: str | None) -> None:
            if choice == "send-anyway":
                self._anyway = True
                self.action_send()  # through the coach, as any send
            elif choice == "discard":
                if self.draft_id is not None:
                    self._delete_draft(self.draft_id)
                self._clear(f"discarded: {who} answered it")

        self.app.push_screen(TeammateAnsweredScreen(error), answered)

    def confirm_send(self, report: Report) -> None:
        """The coach's full report of the draft to send: ask if it has concerns, then post."""
        from tuicoach.ui.screens import ConfirmSendScreen

        reply_to = self.reply_to
        if not (report.has_errors or report.has_warnings):
            self._post(report.text, reply_to)
            return

        def answered(go: bool | None) -> None:
            if go:
                self._post(report.text, reply_to)
            else:
                self._as_new = False

        self.app.push_screen(ConfirmSendScreen(report, reply=reply_to is not None), answered)

    def _post(self, text: str, reply_to: Row | None) -> None:
        if self.account is None:
            return
        as_new, self._as_new = self._as_new, False
        anyway, self._anyway = self._anyway, False
        if self._timer is not None:  # the worker saves the text it sends, first
            self._timer.stop()
            self._timer = None
        self._dirty = False
        self.show_state("sending…")
        self._post_worker(
            self.account, text, reply_to, self.draft_id, self.origin, as_new, self._which, anyway
        )

    @work(thread=True, group="send", exit_on_error=False)
    def _post_worker(
        self,
        account: Account,
        text: str,
        reply_to: Row | None,
        draft_id: int | None,
        origin: str,
        as_new: bool,
        which: int,
        anyway: bool = False,
    ) -> None:
        tied = view.ties_drafts(account.backend)
        tweet_to = reply_to.tweet if reply_to else None
        try:
            if tied:
                # The outbox record is tied to the draft as sent: saved first, so that a
                # restart finds the draft and what became of it.
                reply_id = tweet_to.id if tweet_to else None
                draft_id = view.save_draft(account, text, draft_id, reply_id, self.clock())
                self.post_message(messages.DraftSaved(draft_id, which))
                send = account.backend.send_draft  # type: ignore[attr-defined]
                tweet = send(
                    text, reply_to=tweet_to, draft_id=draft_id, as_new=as_new, anyway=anyway
                )
            else:
                tweet = account.backend.post(text, reply_to=tweet_to, anyway=anyway)
        except BackendError as error:
            status = view.outbox_after(account, draft_id, error) if tied else None
            self.post_message(messages.SendHeld(error, status, which))
            return
        if draft_id is not None and not tied:  # else the outbox deleted it, with the record
            account.store.delete_draft(draft_id)
        origin = origin if reply_to else "compose"
        self.post_message(messages.Posted(tweet, reply_to, origin, view.spend(account)))

    @on(messages.SendHeld)
    def _send_held(self, message: messages.SendHeld) -> None:
        status = message.status
        if message.which != self._which:  # another draft is in Compose now
            self.post_message(messages.BackendFailed(message.error))
            return
        if isinstance(message.error, TeammateAnswered):  # the traffic cop: nothing was sent
            self._teammate_answered(message.error)
            return
        if status is not None and status.kind == "sent" and status.item.draft_id == self.draft_id:
            self._found_on_x(status.message)  # X has it: the draft is done
            return
        self._outbox = status
        if status is None:
            self.show_state("not sent; the draft is kept")
        elif status.kind == "unconfirmed":
            self.show_state(status.message)
            self._watch_outbox()
        elif status.kind == "sent":  # the same words, from another draft or an earlier post
            self._explain(str(message.error))
            return
        else:  # pending (it never reached X: it goes at the next sync) or failed (X said no)
            self.show_state(status.message)
        self.post_message(messages.BackendFailed(message.error))

    @on(messages.Posted)
    def _posted(self, message: messages.Posted) -> None:
        if message.reply_to is not None:
            self._clear(f"replied to {message.reply_to.handle}")
        else:
            self._clear("posted")

    def _clear(self, state: str) -> None:
        """The draft is done (posted, found on X, or queued): an empty Compose saying so."""
        self._dirty = False
        self._which += 1  # the draft is gone: no late save speaks for the next one
        self._forget_outbox()
        self.draft_id = None
        self._show_reply(None)
        self._set_text("")
        self.show_state(state)

    # -- the outbox record -------------------------------------------------------------------

    def check_outbox(self) -> None:
        """Read the draft's outbox record again (after a restore, while unconfirmed)."""
        account = self.account
        if account is None or self.draft_id is None or not view.ties_drafts(account.backend):
            return
        self._outbox_worker(account, self.draft_id, self._which)

    @work(thread=True, group="outbox", exit_on_error=False)
    def _outbox_worker(self, account: Account, draft_id: int, which: int) -> None:
        self.post_message(messages.OutboxRead(view.draft_outbox(account, draft_id), which))

    @on(messages.OutboxRead)
    def _outbox_read(self, message: messages.OutboxRead) -> None:
        if message.which != self._which:
            return  # about a draft set aside
        status = self._outbox = message.status
        if status is None:
            self._stop_watch()
        elif status.kind == "sent":
            self._found_on_x(status.message)  # by a sync, here or in another process
        elif status.kind == "unconfirmed":
            self.show_state(status.message)
            self._watch_outbox()
        else:
            self._stop_watch()
            self.show_state(status.message)

    def _found_on_x(self, state: str) -> None:
        """X has the draft's post, learned from the store: the draft is done, and the lists
        read the store again, so a mention it answers leaves the owed list now, not at the
        next sync (another process may be the one that found it)."""
        self._clear(state)
        for name, reload in (("mentions", "reload"), ("timeline", "reload_head")):
            pane = getattr(self.screen, name, None)  # the main screen's lists, where mounted
            if pane is not None and callable(getattr(pane, reload, None)):
                getattr(pane, reload)()

    def _watch_outbox(self) -> None:
        if self._watch is None:
            self._watch = self.set_interval(OUTBOX_WATCH, self.check_outbox)

    def _stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def _forget_outbox(self) -> None:
        self._outbox = None
        self._as_new = False
        self._anyway = False
        self._stop_watch()

    # -- queueing ----------------------------------------------------------------------------

    def action_queue_at(self) -> None:
        """Queue the draft at a time the user picks (empty: the next free slot)."""
        if self.account is None:
            return
        if not self.text.strip():
            self.show_state("nothing to queue: write the tweet first")
            return
        from tuicoach.ui.queue import AskScreen, parse_when

        def picked(text: str | None) -> None:
            if text is None:  # escape: nothing queued, the draft stays
                return
            if not text.strip():
                self.action_queue()
                return
            moment = parse_when(text, self.clock())
            if moment is None:
                self.app.notify(
                    f"{text!r} is not a time: write HH:MM, or YYYY-MM-DD HH:MM. "
                    "Nothing was queued; the draft is kept.",
                    title="Not queued",
                    severity="warning",
                    markup=False,
                )
                return
            self.action_queue(at=moment)

        hint = "HH:MM or YYYY-MM-DD HH:MM, your local time; empty: the next free slot"
        self.app.push_screen(AskScreen("Queue at", "", hint), picked)

    def action_queue(self, at: datetime | None = None) -> None:
        """Queue the draft for the next free slot in the posting hours (or ``at``), instead
        of sending."""
        account = self.account
        if account is None:
            return
        if not self.text.strip():
            self.show_state("nothing to queue: write the tweet first")
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty = False
        self.show_state("queueing…")
        settings = getattr(self.app, "coach_settings", None)
        hours = getattr(self.app, "posting_hours", None)
        self._queue_worker(
            account, self.to_draft(), self.draft_id, self._which, settings, hours, at
        )

    @work(thread=True, group="queue", exit_on_error=False)
    def _queue_worker(
        self,
        account: Account,
        draft: Draft,
        draft_id: int | None,
        which: int,
        settings: Any,
        hours: Any,
        at: datetime | None = None,
    ) -> None:
        from tuicoach.store import StoreError
        from tuicoach.ui.queue import queue_draft

        try:
            queued = queue_draft(
                account.store, draft, now=self.clock(), at=at, settings=settings, hours=hours
            )
            if draft_id is not None:  # it lives in the queue now
                account.store.delete_draft(draft_id)
        except (StoreError, ValueError) as error:
            self.post_message(messages.QueueFailed(f"Not queued ({error}); the draft is kept."))
            return
        self.post_message(messages.DraftQueued(queued, which))

    @on(messages.DraftQueued)
    def _queued(self, message: messages.DraftQueued) -> None:
        queued = message.queued
        when = view.slot_text(queued.item.slot_at)
        self.app.notify(view.queued_notice(queued), title="Queued", markup=False)
        if message.which == self._which:
            self._clear(f"queued for {when}")

    @on(messages.QueueFailed)
    def _queue_failed(self, message: messages.QueueFailed) -> None:
        self._dirty = True  # saved again on the next change, and on quit
        self.show_state("not queued; the draft is kept")
        self.app.notify(message.problem, title="Not queued", severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Put the state back, so a failure never wedges drafts or sending.
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "drafts":
            self._saving = False
            self._dirty = True  # try again on the next change (and on quit)
            self.show_state("not saved yet")
        elif event.worker.group == "send":
            self._as_new = False
            if self.account is not None and view.ties_drafts(self.account.backend):
                self.show_state("send failed; `tuicoach outbox` shows whether it went out")
                self.check_outbox()
            else:
                self.show_state("not sent; the draft is kept")
        elif event.worker.group == "queue":
            self.show_state("not queued; the draft is kept")
