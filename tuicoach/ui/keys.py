"""Every key binding of the app, each with an id that a ``[keymap]`` table can remap.

The bindings live here, not scattered over widgets, so that the help screen,
the command palette and the keymap check all read one list. Widgets take
their ``BINDINGS`` from the groups below.

Nothing is reachable only through a chord a terminal or tmux swallows
(ctrl+s, ctrl+j, ctrl+o): sending is ``alt+s`` *or* ``ctrl+enter`` *or* the
Send button *or* the command palette.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from textual.binding import Binding

LIST_BINDINGS = (  # the list itself (Timeline, Mentions, a thread)
    Binding("j,down", "cursor_down", "Down", id="cursor-down", show=False),
    Binding("k,up", "cursor_up", "Up", id="cursor-up", show=False),
    Binding("pagedown,space", "page_down", "Page down", id="page-down", show=False),
    Binding("pageup,b", "page_up", "Page up", id="page-up", show=False),
    Binding("g,home", "first", "First", id="first", show=False),
    Binding("G,end", "last", "Last", id="last", show=False),
    Binding("enter,o", "open", "Thread", id="open-conversation"),
)

TWEET_BINDINGS = (  # the Timeline and Mentions panes: what to do with the highlighted tweet
    Binding("r", "reply", "Reply", id="reply"),
    Binding("m", "mark_no_reply", "No reply needed", id="mark-no-reply"),
    Binding("z", "snooze", "Snooze", id="snooze"),
    Binding("u", "undo", "Undo", id="undo"),
    Binding("l", "like", "Like", id="like"),
    Binding("s", "confirm_spam", "Spam", id="confirm-spam", show=False),
    Binding("S", "not_spam", "Not spam", id="not-spam", show=False),
    Binding("t", "tag", "Tag", id="tag", show=False),
    Binding("y", "copy_text", "Copy text", id="copy-text", show=False),
    Binding("Y", "copy_link", "Copy link", id="copy-link", show=False),
)

TEAM_BINDINGS = (  # the Mentions pane, for a team ([team] name): who has the highlighted mention
    Binding("i", "claim", "Claim (again: let go)", id="claim", show=False),
    Binding("a", "assign", "Assign to a teammate", id="assign", show=False),
)

SCREEN_BINDINGS = (
    Binding("tab", "next_pane", "Next pane", id="next-pane", show=False),
    Binding("shift+tab", "previous_pane", "Previous pane", id="previous-pane", show=False),
    Binding("1", "show_pane('timeline')", "Timeline", id="pane-timeline", show=False),
    Binding("2", "show_pane('mentions')", "Mentions", id="pane-mentions", show=False),
    Binding("3", "show_pane('compose')", "Compose", id="pane-compose", show=False),
    Binding("4", "show_pane('coach')", "Coach", id="pane-coach", show=False),
    Binding("c", "show_pane('compose')", "Compose", id="compose"),
    Binding("n", "new_tweet", "New tweet", id="new-tweet", show=False),
    Binding("slash", "toggle_owed", "Owed only", id="filter-owed"),
    Binding("f", "cycle_filter", "Filter: owed, mine, unassigned", id="filter-team", show=False),
    Binding("d", "drafts", "Drafts", id="drafts"),
    Binding("A", "reports", "Reports", id="reports"),
    Binding("F", "feedback", "Feedback", id="feedback", show=False),
    Binding("Q", "queue", "Queue", id="show-queue", show=False),
    Binding("5", "show_pane('listening')", "Listening", id="pane-listening", show=False),
    Binding("R", "app.refresh", "Refresh", id="refresh", show=False),
    Binding("question_mark", "help", "Keys", id="help"),
    Binding("q", "app.quit", "Quit", id="quit"),
)

COMPOSE_BINDINGS = (
    Binding("alt+s,ctrl+enter", "send", "Send", id="send", priority=True),
    # alt+q: tmux leaves it alone (its prefix is ctrl+b), and ctrl+q quits some terminals'
    # flow control; ctrl+u is the text area's "delete to the line's start".
    Binding("alt+q", "queue", "Queue it", id="queue", show=False, priority=True),
    # alt+t: "time", the queue at a time the user picks instead of the next free slot.
    Binding("alt+t", "queue_at", "Queue at a time", id="queue-at", show=False, priority=True),
    # alt+i: "initials", the usual signature ("^JD"); appended once, never on its own.
    Binding("alt+i", "sign", "Sign it ([team] signature)", id="sign", show=False, priority=True),
    Binding("escape", "screen.leave_compose", "Back to list", id="leave-compose"),
    Binding("alt+n", "new_tweet", "New tweet", id="new-tweet-from-compose", show=False),
)

LISTENING_BINDINGS = (  # the Listening pane: what to do with an opportunity or its search
    Binding("r", "draft", "Draft an answer", id="listen-draft"),
    Binding("enter", "open", "Thread", id="listen-open", show=False),
    Binding("j", "move(1)", "Down", id="listen-down", show=False),
    Binding("k", "move(-1)", "Up", id="listen-up", show=False),
    Binding("y", "copy_reply", "Copy reply", id="listen-copy-reply"),
    Binding("o", "show_link", "Link", id="listen-show-link"),
    Binding("Y", "copy_link", "Copy link", id="listen-copy-link"),
    Binding("h", "handled", "Handled", id="listen-handled"),
    Binding("m", "not_worth", "Not worth joining", id="listen-not-worth"),
    Binding("z", "snooze", "Snooze", id="listen-snooze"),
    Binding("u", "undo", "Undo", id="listen-undo"),
    Binding("t", "tag", "Tag", id="listen-tag", show=False),
    Binding("a", "add_search", "Add a search", id="listen-add-search"),
    Binding("e", "edit_search", "Edit its search", id="listen-edit-search"),
    Binding("x", "remove_search", "Remove its search", id="listen-remove-search", show=False),
    Binding("escape", "back", "Back to the list", id="listen-back", show=False),
)

REPORTS_BINDINGS = (  # the Reports screen
    Binding("7", "period(7)", "7 days", id="reports-7-days"),
    Binding("3", "period(30)", "30 days", id="reports-30-days"),
    Binding("9", "period(90)", "90 days", id="reports-90-days"),
    Binding("c", "checkup", "Check-up", id="reports-checkup"),
    # The page scrolls as the lists do (arrows, PgUp/PgDn, Home/End work too), and with
    # the mouse wheel or the scroll bar: at 80x24 the check-up is below the plots.
    Binding("j", "scroll('down')", "Down", id="reports-down", show=False),
    Binding("k", "scroll('up')", "Up", id="reports-up", show=False),
    Binding("space", "scroll('page_down')", "Page down", id="reports-page-down", show=False),
    Binding("b", "scroll('page_up')", "Page up", id="reports-page-up", show=False),
    Binding("g", "scroll('home')", "Top", id="reports-top", show=False),
    Binding("G", "scroll('end')", "Bottom", id="reports-bottom", show=False),
    Binding("escape", "close", "Back", id="reports-close"),
)

FEEDBACK_BINDINGS = (  # the Feedback screen
    Binding("7", "period(7)", "7 days", id="feedback-7-days"),
    Binding("3", "period(30)", "30 days", id="feedback-30-days"),
    Binding("9", "period(90)", "90 days", id="feedback-90-days"),
    Binding("escape", "close", "Back", id="feedback-close"),
)

QUEUE_BINDINGS = (  # the Queue screen
    Binding("e", "edit", "Edit", id="queue-edit"),
    Binding("m", "move", "Move", id="queue-move"),
    Binding("s", "send", "Send now", id="queue-send"),
    Binding("d", "delete", "Delete", id="queue-delete"),
    Binding("escape", "close", "Back", id="queue-close"),
)

# The dialogs'. Shared where dialogs do the same thing, so one remap covers them all.
CLOSE_HELP = Binding("escape,q,question_mark", "dismiss", "Close", id="close-help", show=True)
CANCEL = Binding("escape", "cancel", "Cancel", id="cancel")
CLOSE_DIALOG = Binding("escape,q", "close", "Close", id="close-dialog")
REPLY_HERE = Binding("r", "reply_here", "Reply to this", id="reply-here", priority=True)
DELETE_DRAFT = Binding("x,delete", "delete", "Delete draft (twice)", id="delete-draft")
KEEP_EDITING = Binding("escape,n", "keep_editing", "Keep editing", id="keep-editing")
OPEN_DEMO = Binding("d", "choose('demo')", "Open the demo", id="open-demo")
QUIT_WELCOME = Binding("q,escape", "choose('quit')", "Quit", id="quit-welcome")
DIALOG_BINDINGS = (
    CLOSE_HELP, CANCEL, CLOSE_DIALOG, REPLY_HERE, DELETE_DRAFT, KEEP_EDITING, OPEN_DEMO,
    QUIT_WELCOME,
)  # fmt: skip


class KeyHelp(NamedTuple):  # not a dataclass: cheaper to build before the first frame
    """One line of the help screen: what a binding does, where, and its keys now."""

    id: str
    where: str
    description: str
    keys: str


GROUPS: tuple[tuple[str, tuple[Binding, ...]], ...] = (
    ("Anywhere", SCREEN_BINDINGS),
    ("Timeline and Mentions", LIST_BINDINGS + TWEET_BINDINGS),
    ("Mentions, in a team", TEAM_BINDINGS),
    ("Listening", LISTENING_BINDINGS),
    ("Compose", COMPOSE_BINDINGS),
    ("Reports", REPORTS_BINDINGS),
    ("Feedback", FEEDBACK_BINDINGS),
    ("Queue", QUEUE_BINDINGS),
    ("Dialogs", DIALOG_BINDINGS),
)

BINDING_IDS: frozenset[str] = frozenset(
    binding.id for _, group in GROUPS for binding in group if binding.id
)


def keys_for(keymap: Mapping[str, str], binding_id: str) -> str:
    """The keys bound to ``binding_id`` under ``keymap``, for help texts."""
    return next((row.keys for row in key_help(keymap) if row.id == binding_id), "")


def key_help(keymap: Mapping[str, str]) -> list[KeyHelp]:
    """Every binding with the keys it has under ``keymap``, for the help screen."""
    rows: list[KeyHelp] = []
    for where, group in GROUPS:
        for binding in group:
            assert binding.id is not None
            keys = keymap.get(binding.id, binding.key)
            rows.append(KeyHelp(binding.id, where, binding.description, _display(keys)))
    return rows


_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "space": "space",
    "shift+tab": "shift+tab",
}


def _display(keys: str) -> str:
    return " ".join(_NAMES.get(key.strip(), key.strip()) for key in keys.split(","))
