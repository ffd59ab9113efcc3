"""What the Timeline and Mentions panes share: a list of tweets and what to do with one.

``r`` posts :class:`~tuicoach.ui.messages.ReplyRequested` with the pane's own
name, so after sending, the App brings the focus back here. ``l`` likes or
unlikes, where the backend can like at all. ``enter`` opens the thread.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType

from tuicoach.backends.errors import BackendError
from tuicoach.ui import messages, view
from tuicoach.ui.keys import TWEET_BINDINGS
from tuicoach.ui.panes.base import Pane
from tuicoach.ui.view import Account, Row
from tuicoach.ui.widgets.tweet_list import TweetList


class ListPane(Pane):
    """A pane holding one :class:`TweetList` and acting on its highlighted row."""

    BINDINGS: ClassVar[list[BindingType]] = list(TWEET_BINDINGS)
    loading_text: ClassVar[str] = "Loading…"

    account: Account | None = None

    def compose(self) -> ComposeResult:
        yield TweetList(id=self.pane, clock=self.clock, empty_text=self.loading_text)

    @property
    def tweets(self) -> TweetList:
        return self.query_one(TweetList)

    def need_target(self, *, mention: bool = False) -> Row | None:
        row = self.tweets.current
        if row is None:
            self.notify("Pick a tweet first (j/k to move).", severity="warning")
            return None
        if mention and row.own:
            self.notify("That is your own tweet; marks are for mentions.", severity="warning")
            return None
        return row

    # -- reply, thread ----------------------------------------------------------------------

    def action_reply(self) -> None:
        if (row := self.need_target()) is not None:
            self.post_message(messages.ReplyRequested(row, self.pane))

    @on(TweetList.Selected)
    def action_open_conversation(self) -> None:
        if (row := self.need_target()) is not None and self.account is not None:
            self._read_conversation(self.account, row)

    @work(thread=True, group="conversation", exit_on_error=False)
    def _read_conversation(self, account: Account, row: Row) -> None:
        self.post_message(
            messages.ConversationRead(view.conversation(account, row.tweet), row.tweet.id)
        )

    @on(messages.ConversationRead)
    def _show_conversation(self, message: messages.ConversationRead) -> None:
        from tuicoach.ui.screens import ConversationScreen

        def reply(row: Row | None) -> None:
            if row is not None:
                self.post_message(messages.ReplyRequested(row, self.pane))

        screen = ConversationScreen(message.rows, message.focus_id, self.clock)
        self.app.push_screen(screen, reply)

    # -- like, copy ---------------------------------------------------------------------------

    def action_like(self) -> None:
        row = self.need_target()
        if row is None or self.account is None:
            return
        backend = self.account.backend
        if not backend.capabilities.like:
            service = backend.service[:1].upper() + backend.service[1:]
            self.notify(
                f"{service} does not let tuicoach like or unlike tweets. "
                "Y copies the tweet's link, to like it in a browser.",
                title="Likes are not available",
                severity="warning",
                markup=False,
            )
            return
        self._toggle_like(self.account, row)

    @work(thread=True, group="like", exit_on_error=False)
    def _toggle_like(self, account: Account, row: Row) -> None:
        try:
            if row.liked:
                account.backend.unlike(row.tweet.id)
            else:
                account.backend.like(row.tweet.id)
        except BackendError as error:
            self.post_message(messages.BackendFailed(error))
            return
        self.post_message(messages.LikeChanged(row.with_liked(not row.liked)))

    def show_liked(self, row: Row) -> None:
        self.tweets.update_liked(row.tweet.id, row.liked)

    def action_copy_text(self) -> None:
        if (row := self.need_target()) is not None:
            self.app.copy_to_clipboard(row.tweet.text)
            self.notify("Copied the tweet's text.")

    def action_copy_link(self) -> None:
        if (row := self.need_target()) is not None and self.account is not None:
            self.app.copy_to_clipboard(self.account.backend.tweet_link(row.tweet, row.author))
            self.notify("Copied the tweet's link.")

    # -- marks: the Mentions pane's; elsewhere they say where they work -------------------------

    def action_mark_no_reply(self) -> None:
        self._marks_elsewhere()

    def action_snooze(self) -> None:
        self._marks_elsewhere()

    def action_undo(self) -> None:
        self._marks_elsewhere()

    def action_confirm_spam(self) -> None:
        self._marks_elsewhere()

    def action_not_spam(self) -> None:
        self._marks_elsewhere()

    def action_tag(self) -> None:
        self._marks_elsewhere()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``l`` is not offered where the backend cannot like (X): not in the footer; pressed
        anyway, :meth:`on_key` says why."""
        if action == "like" and self.account is not None:
            return bool(self.account.backend.capabilities.like)
        return True

    def on_key(self, event: events.Key) -> None:
        if self.account is None or self.account.backend.capabilities.like:
            return
        keys = getattr(self.app, "keymap", {}).get("like", "l")
        if event.key in {key.strip() for key in keys.split(",")}:
            event.stop()
            self.action_like()

    def _marks_elsewhere(self) -> None:
        self.notify("Marks and snoozes are for mentions: 2 goes to Mentions.", severity="warning")
