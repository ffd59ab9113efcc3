"""Everything that can happen between the panes, in one list.

A pane's worker hands its result back to its own pane as one of these (always
by ``post_message``, never by touching a widget); the message then bubbles to
the App, which routes what other panes need to know. Nothing here imports a
widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tuicoach.backends.base import BackendError
    from tuicoach.domain.models import Draft, Report, Tweet
    from tuicoach.ui.view import AccountStats, DraftItem, Opened, Row, SavedDraft, Snapshot


# -- opening and syncing (the App's workers) --------------------------------------------------


@dataclass
class AccountOpened(Message):
    opened: Opened


@dataclass
class Synced(Message):
    new: int
    failure: BackendError | None
    cost: str | None


@dataclass
class BackendFailed(Message):
    """A pane's call to the backend failed: the App words it (status bar and a notice)."""

    error: BackendError


# -- the lists ----------------------------------------------------------------------------------


@dataclass
class ReplyRequested(Message):
    """``r`` on a tweet: ``origin`` is the pane to return to after sending."""

    row: Row
    origin: str


@dataclass
class SnapshotRead(Message):
    snapshot: Snapshot
    announce: bool = False  # after a sync: say how many new mentions are owed


@dataclass
class TimelinePage(Message):
    rows: list[Row]
    head: bool  # the newest page again (after a post or a sync), not the next one


@dataclass
class Marked(Message):
    """A mark, snooze or undo is stored: ``undo`` is what ``u`` would take back, if any."""

    tweet_id: str
    said: str
    undo: str | None


@dataclass
class LikeChanged(Message):
    row: Row  # the row as it is now (``row.liked``)


@dataclass
class ConversationRead(Message):
    rows: list[Row]
    focus_id: str


# -- compose ------------------------------------------------------------------------------------


@dataclass
class DraftChanged(Message):
    """The draft's text or target changed: the coach reads it."""

    draft: Draft


@dataclass
class DraftSaved(Message):
    draft_id: int | None


@dataclass
class DraftLoaded(Message):
    draft: SavedDraft


@dataclass
class DraftsListed(Message):
    drafts: list[DraftItem]


@dataclass
class SendRequested(Message):
    """Compose asks the coach for the full report before it sends ``draft``."""

    draft: Draft


@dataclass
class Posted(Message):
    tweet: Tweet
    reply_to: Row | None
    origin: str  # the pane the reply came from ("mentions", "timeline"), or "compose"
    cost: str | None  # today's spend after it


@dataclass
class PostFailed(Message):
    error: BackendError


# -- the coach ----------------------------------------------------------------------------------


@dataclass
class CoachReport(Message):
    generation: int
    report: Report | None
    full: bool


@dataclass
class SendChecked(Message):
    report: Report


@dataclass
class StatsRead(Message):
    stats: AccountStats
    history_size: int  # the account's own tweets the coach knows


@dataclass
class Problem(Message):
    """Something failed that has no better place to be said: the App shows a notice."""

    title: str
    text: str
