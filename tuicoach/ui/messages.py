"""Everything that can happen between the panes, in one list.

A pane's worker hands its result back to its own pane as one of these (always
by ``post_message``, never by touching a widget); the message then bubbles to
the App, which routes what other panes need to know. Nothing here imports a
widget. (Plain classes, not dataclasses: they load at start-up, and a
dataclass costs a compile each.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tuicoach.backends.base import BackendError
    from tuicoach.domain.models import Draft, Report, Tweet
    from tuicoach.store import OutboxStatus
    from tuicoach.ui.queue import Queued
    from tuicoach.ui.view import AccountStats, DraftItem, Opened, Row, SavedDraft, Snapshot


# -- opening (the App's workers) and syncing (ui/sync.py) -------------------------------------


class AccountOpened(Message):
    def __init__(self, opened: Opened) -> None:
        super().__init__()
        self.opened = opened


class Synced(Message):
    def __init__(
        self,
        new: int,
        failure: BackendError | None,
        cost: str | None,
        synced_by: str | None = None,
    ) -> None:
        super().__init__()
        self.new = new
        self.failure = failure
        self.cost = cost
        self.synced_by = synced_by  # another machine syncs the team's store


class BackendFailed(Message):
    """A pane's call to the backend failed: the App words it (status bar and a notice)."""

    def __init__(self, error: BackendError) -> None:
        super().__init__()
        self.error = error


# -- the lists ----------------------------------------------------------------------------------


class ReplyRequested(Message):
    """``r`` on a tweet: ``origin`` is the pane to return to after sending."""

    def __init__(self, row: Row, origin: str) -> None:
        super().__init__()
        self.row = row
        self.origin = origin


class SnapshotRead(Message):
    def __init__(self, snapshot: Snapshot, announce: bool = False) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.announce = announce  # after a sync: say how many new mentions are owed


class TimelinePage(Message):
    def __init__(self, rows: list[Row], head: bool) -> None:
        super().__init__()
        self.rows = rows
        self.head = head  # the newest page again (after a post or a sync), not the next one


class Marked(Message):
    """A mark, snooze or undo is stored: ``undo`` is what ``u`` would take back, if any."""

    def __init__(self, tweet_id: str, said: str, undo: str | None) -> None:
        super().__init__()
        self.tweet_id = tweet_id
        self.said = said
        self.undo = undo


class LikeChanged(Message):
    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row  # the row as it is now (``row.liked``)


class ConversationRead(Message):
    def __init__(self, rows: list[Row], focus_id: str) -> None:
        super().__init__()
        self.rows = rows
        self.focus_id = focus_id


# -- compose ------------------------------------------------------------------------------------


class DraftChanged(Message):
    """The draft's text or target changed: the coach reads it."""

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft


class DraftSaved(Message):
    def __init__(self, draft_id: int | None, which: int) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.which = which  # the Compose pane's count of drafts: an older one is set aside


class DraftLoaded(Message):
    def __init__(self, draft: SavedDraft) -> None:
        super().__init__()
        self.draft = draft


class DraftsListed(Message):
    def __init__(self, drafts: list[DraftItem]) -> None:
        super().__init__()
        self.drafts = drafts


class SendRequested(Message):
    """Compose asks the coach for the full report before it sends ``draft``."""

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft


class Posted(Message):
    def __init__(self, tweet: Tweet, reply_to: Row | None, origin: str, cost: str | None) -> None:
        super().__init__()
        self.tweet = tweet
        self.reply_to = reply_to
        self.origin = origin  # the pane the reply came from ("mentions", "timeline"), or "compose"
        self.cost = cost  # today's spend after it


class PostFailed(Message):
    def __init__(self, error: BackendError) -> None:
        super().__init__()
        self.error = error


class SendHeld(Message):
    """Sending through the outbox did not end in a post: ``status`` is the draft's record
    as it now is (unconfirmed, sent, pending or failed; None: no record)."""

    def __init__(self, error: BackendError, status: OutboxStatus | None, which: int) -> None:
        super().__init__()
        self.error = error
        self.status = status
        self.which = which


class OutboxRead(Message):
    """The outbox record of the draft in Compose (None: never sent)."""

    def __init__(self, status: OutboxStatus | None, which: int) -> None:
        super().__init__()
        self.status = status
        self.which = which


class DraftQueued(Message):
    def __init__(self, queued: Queued, which: int) -> None:
        super().__init__()
        self.queued = queued
        self.which = which


class QueueFailed(Message):
    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


# -- the coach ----------------------------------------------------------------------------------


class CoachReport(Message):
    def __init__(self, generation: int, report: Report | None, full: bool) -> None:
        super().__init__()
        self.generation = generation
        self.report = report
        self.full = full


class SendChecked(Message):
    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


class StatsRead(Message):
    def __init__(self, stats: AccountStats, history_size: int) -> None:
        super().__init__()
        self.stats = stats
        self.history_size = history_size  # the account's own tweets the coach knows


class Problem(Message):
    """Something failed that has no better place to be said: the App shows a notice."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title = title
        self.text = text


class QueuePosted(Message):
    """The app's queue timer posted ``count`` queued tweets."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
