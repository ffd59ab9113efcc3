"""The Timeline pane: the home timeline and the account's own tweets, a page at a time."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.worker import Worker, WorkerState

from tuicoach.domain.models import Tweet
from tuicoach.ui import messages, view
from tuicoach.ui.panes.lists import ListPane
from tuicoach.ui.view import TIMELINE_PAGE, Account, Row
from tuicoach.ui.widgets.tweet_list import TweetList


class TimelinePane(ListPane):
    pane = "timeline"
    pane_title = "Timeline"
    loading_text: ClassVar[str] = "Loading the timeline…"

    _more = True
    _loading = False

    def show_rows(self, rows: list[Row]) -> None:
        """The first page, shown before the account is open here (MainScreen.show_first)."""
        self.tweets.empty_text = "Nothing in the timeline yet."
        self.tweets.set_rows(rows)
        self._more = len(rows) >= TIMELINE_PAGE

    def open(self, account: Account) -> None:
        """The account the shown rows came from: paging, likes and links from here on."""
        self.account = account

    @on(TweetList.NearEnd)
    def _near_end(self, event: TweetList.NearEnd) -> None:
        if self._more and not self._loading and self.account is not None:
            self._loading = True
            rows = self.tweets.rows
            self._read(self.account, rows[-1].tweet if rows else None)

    def reload_head(self) -> None:
        """The newest page again (after a post, a sync), keeping the rest of what is loaded."""
        if self.account is not None:
            self._read_head(self.account)

    @work(thread=True, group="timeline", exit_on_error=False)
    def _read(self, account: Account, before: Tweet | None) -> None:
        self.post_message(messages.TimelinePage(view.timeline_page(account, before), head=False))

    @work(thread=True, exclusive=True, group="timeline-head", exit_on_error=False)
    def _read_head(self, account: Account) -> None:
        self.post_message(messages.TimelinePage(view.timeline_page(account, None), head=True))

    @on(messages.TimelinePage)
    def _page(self, message: messages.TimelinePage) -> None:
        rows, tweets = message.rows, self.tweets
        if not message.head:
            self._loading = False
            self._more = len(rows) >= TIMELINE_PAGE
            tweets.append_rows(rows)
            return
        fresh = {row.tweet.id for row in rows}
        oldest = rows[-1].tweet.created_at if rows else None
        older = [
            row
            for row in tweets.rows
            if row.tweet.id not in fresh and (oldest is None or row.tweet.created_at <= oldest)
        ]
        tweets.set_rows([*rows, *older])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "timeline" and event.state in (
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._loading = False  # a failed page may be asked for again
