"""The Mentions pane: everyone who spoke to the account, the owed filter, marks and undo.

It owns the snapshot it shows, the owed-only switch and the undo stack; its
workers write marks and read snapshots and answer with messages to this pane.
A :class:`~tuicoach.ui.messages.SnapshotRead` then bubbles on to the App,
which tells the Coach pane (its strip) and the tab bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on, work

from tuicoach.ui import messages, view
from tuicoach.ui.panes.lists import ListPane
from tuicoach.ui.view import Account, Row, Snapshot


@dataclass(frozen=True, slots=True)
class UndoStep:
    """A mark or snooze, so ``u`` can take it back."""

    tweet_id: str
    what: str


class MentionsPane(ListPane):
    pane = "mentions"
    pane_title = "Mentions"
    loading_text: ClassVar[str] = "Loading mentions…"

    snapshot: Snapshot | None = None
    owed_only = False

    def __init__(self, clock: Callable[[], datetime], *, active: bool = False) -> None:
        super().__init__(clock, active=active)
        self.border_subtitle = "/ owed only"
        self._undo: list[UndoStep] = []

    def open(self, account: Account, snapshot: Snapshot) -> None:
        self.account = account
        self.show(snapshot)

    def show(self, snapshot: Snapshot, *, else_top: bool = False) -> None:
        self.snapshot = snapshot
        spam = f" · {len(snapshot.spam)} probably spam" if snapshot.spam else ""
        self.set_title(f"{self.pane_title} · {snapshot.owed_people} owed{spam}")
        self.set_class(self.owed_only, "-owed-only")
        tweets = self.tweets
        if self.owed_only:
            self.border_subtitle = "owed only · / shows all"
            tweets.empty_text = "No replies owed. Nice work."
            tweets.set_rows((*snapshot.owed, *snapshot.spam), else_top=else_top)
        else:
            self.border_subtitle = "/ owed only"
            tweets.empty_text = "No mentions yet."
            # The probably-spam band last, in its own group, whatever its age.
            spam_ids = {row.tweet.id for row in snapshot.spam}
            rows = [row for row in snapshot.mentions if row.tweet.id not in spam_ids]
            tweets.set_rows((*rows, *snapshot.spam), else_top=else_top)

    def toggle_owed(self) -> None:
        """Owed only, or all again; the cursor stays on its tweet if it is still listed."""
        self.owed_only = not self.owed_only
        if self.snapshot is not None:
            # Not listed any more: the top, the most needed.
            self.show(self.snapshot, else_top=self.owed_only)

    # -- reading ------------------------------------------------------------------------------

    def reload(self, *, announce: bool = False) -> None:
        if self.account is not None:
            self._read(self.account, announce)

    @work(thread=True, exclusive=True, group="mentions", exit_on_error=False)
    def _read(self, account: Account, announce: bool) -> None:
        self.post_message(
            messages.SnapshotRead(view.read_snapshot(account, self.clock()), announce)
        )

    @on(messages.SnapshotRead)
    def _snapshot_read(self, message: messages.SnapshotRead) -> None:
        before = len(self.snapshot.owed) if self.snapshot else 0
        self.show(message.snapshot)
        arrived = len(message.snapshot.owed) - before
        if message.announce and arrived > 0:
            self.notify(f"{arrived} new mention{'s' if arrived > 1 else ''} waiting for a reply.")

    # -- marks, snoozes, undo -------------------------------------------------------------------

    def action_mark_no_reply(self) -> None:
        from tuicoach.ui.screens import MarkScreen

        row = self.need_target(mention=True)
        if row is None or self.account is None:
            return
        account = self.account

        def marked(reason: str | None) -> None:
            if reason:
                self._mark(account, row, reason)

        self.app.push_screen(MarkScreen(row), marked)

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark(self, account: Account, row: Row, reason: str) -> None:
        account.store.mark_no_reply(row.tweet.id, reason, now=self.clock())
        said = f"{row.handle}: no reply needed ({reason})."
        self.post_message(messages.Marked(row.tweet.id, said, f"no reply needed for {row.handle}"))

    def action_snooze(self) -> None:
        from tuicoach.ui.screens import SnoozeScreen

        row = self.need_target(mention=True)
        if row is None or self.account is None:
            return
        account = self.account

        def chosen(until: datetime | None) -> None:
            if until is not None:
                self._snooze(account, row, until)

        self.app.push_screen(SnoozeScreen(row, self.clock()), chosen)

    @work(thread=True, group="marks", exit_on_error=False)
    def _snooze(self, account: Account, row: Row, until: datetime) -> None:
        account.store.snooze(row.tweet.id, until, now=self.clock())
        said = f"{row.handle} snoozed until {until.astimezone():%a %H:%M}."
        self.post_message(messages.Marked(row.tweet.id, said, f"snooze of {row.handle}"))

    def action_confirm_spam(self) -> None:
        row = self.need_target(mention=True)
        if row is None or self.account is None:
            return
        if row.band != view.SPAM_BAND:
            self.notify(f"{row.handle} is not in the probably-spam band; m marks it no reply "
                        "needed.", severity="warning", markup=False)  # fmt: skip
            return
        self._spam(self.account, row, True)

    def action_not_spam(self) -> None:
        row = self.need_target(mention=True)
        if row is None or self.account is None:
            return
        if row.band != view.SPAM_BAND and not (row.note or "").endswith(": spam"):
            self.notify(f"{row.handle} is not taken for spam.", severity="warning", markup=False)
            return
        self._spam(self.account, row, False)

    @work(thread=True, group="marks", exit_on_error=False)
    def _spam(self, account: Account, row: Row, spam: bool) -> None:
        if spam:
            account.store.mark_spam(row.tweet.id, now=self.clock())
            said, what = f"{row.handle}: spam, no reply needed.", f"spam mark of {row.handle}"
        else:
            account.store.mark_not_spam(row.tweet.id, now=self.clock())
            said, what = f"{row.handle} is owed a reply again.", f"not-spam mark of {row.handle}"
        self.post_message(messages.Marked(row.tweet.id, said, what))

    # -- tags -----------------------------------------------------------------------------------

    def action_tag(self) -> None:
        row = self.need_target(mention=True)
        if row is not None and self.account is not None:
            self._tags_of(self.account, row)

    @work(thread=True, group="tags", exit_on_error=False)
    def _tags_of(self, account: Account, row: Row) -> None:
        from tuicoach.store import feedback

        current = feedback.tags_of(account.store, row.tweet.id)
        self.app.call_from_thread(self._ask_tag, account, row, current)

    def _ask_tag(self, account: Account, row: Row, current: tuple[str, ...]) -> None:
        from tuicoach.ui.feedback import TagScreen

        def chosen(tag: str | None) -> None:
            if tag:
                self._tag(account, row, tag)

        own = tuple(getattr(self.app, "own_tags", ()))
        self.app.push_screen(TagScreen(row.tweet.text, own_tags=own, current=current), chosen)

    @work(thread=True, group="tags", exit_on_error=False)
    def _tag(self, account: Account, row: Row, tag: str) -> None:
        from tuicoach.store import feedback

        on_now = feedback.toggle_tag(account.store, row.tweet.id, tag, now=self.clock())
        said = f"Tagged {row.handle}'s tweet {tag}." if on_now else f"Took {tag} off."
        self.app.call_from_thread(self.notify, said, markup=False)

    def action_undo(self) -> None:
        if self.account is None:
            return
        if self._undo:
            step = self._undo.pop()
            self._unmark(self.account, step.tweet_id, f"Undid the {step.what}.")
            return
        row = self.tweets.current
        if row is not None and row.note:
            self._unmark(self.account, row.tweet.id, f"{row.handle} is back in the owed list.")
        else:
            self.notify("Nothing to undo.")

    @work(thread=True, group="marks", exit_on_error=False)
    def _unmark(self, account: Account, tweet_id: str, said: str) -> None:
        account.store.clear_mark(tweet_id)
        self.post_message(messages.Marked(tweet_id, said, None))

    @on(messages.Marked)
    def _marked(self, message: messages.Marked) -> None:
        if message.undo is not None:
            self._undo.append(UndoStep(message.tweet_id, message.undo))
            self.notify(f"{message.said} u undoes it.")
        else:
            self.notify(message.said)
        self.reload()
