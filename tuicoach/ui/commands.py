"""The command palette's tuicoach commands, beside Textual's own (themes, keys, quit).

The app's ``COMMANDS`` is ``App.COMMANDS | {TuicoachCommands}``, so switching
themes from the palette keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tuicoach.ui.keys import keys_for

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from tuicoach.ui.app import TuicoachApp


@dataclass(frozen=True, slots=True)
class Command:
    title: str
    help: str
    action: str  # an action of the target, e.g. "reply" or "show_pane('coach')"
    binding_id: str | None = None
    target: str = "list"  # "list" (the list last used), "mentions", "screen", "compose", "app"


COMMANDS = (
    Command("Reply", "Reply to the highlighted tweet", "reply", "reply"),
    Command(
        "No reply needed",
        "Mark the highlighted mention as not needing a reply",
        "mark_no_reply",
        "mark-no-reply",
    ),
    Command(
        "Snooze", "Hide the highlighted mention from the owed list for a while", "snooze", "snooze"
    ),
    Command("Undo", "Undo the last mark or snooze", "undo", "undo"),
    Command("Like", "Like the highlighted tweet", "like", "like"),
    Command(
        "Confirm spam",
        "Mark the highlighted probably-spam mention as spam: no reply needed",
        "confirm_spam",
        "confirm-spam",
    ),
    Command(
        "Not spam", "Move the highlighted mention out of spam: owed again", "not_spam", "not-spam"
    ),
    Command("Tag", "Tag the highlighted mention: bug, idea, praise, complaint…", "tag", "tag"),
    Command(
        "Claim",
        "Claim the highlighted mention for yourself (again: let go); needs [team] name",
        "claim",
        "claim",
        "mentions",
    ),
    Command(
        "Assign to a teammate",
        "Give the highlighted mention to a teammate; needs [team] name",
        "assign",
        "assign",
        "mentions",
    ),
    Command(
        "Filter mentions: owed, mine, unassigned",
        "Step through all, owed only, mine and unassigned",
        "cycle_filter",
        "filter-team",
        "screen",
    ),
    Command(
        "Reports",
        "Reply times, reply rate, backlog, promotion and the account check-up",
        "reports",
        "reports",
        "screen",
    ),
    Command(
        "Feedback", "Tags over the period, their tweets and words", "feedback", "feedback", "screen"
    ),
    Command("Queue", "What is queued to post, and when", "queue", "queue", "screen"),
    Command(
        "Go to Listening",
        "What saved searches found: tweets about you that did not mention you",
        "show_pane('listening')",
        "pane-listening",
        "screen",
    ),
    Command(
        "Open thread",
        "Show the conversation around the highlighted tweet",
        "open_conversation",
        "open-conversation",
    ),
    Command(
        "Copy tweet text",
        "Copy the highlighted tweet's text to the clipboard",
        "copy_text",
        "copy-text",
    ),
    Command(
        "Copy tweet link",
        "Copy the highlighted tweet's link to the clipboard",
        "copy_link",
        "copy-link",
    ),
    Command(
        "Owed replies only",
        "Show only the mentions still owed a reply, most needed first (again: all)",
        "toggle_owed",
        "filter-owed",
        "screen",
    ),
    Command("Compose", "Go to the draft", "show_pane('compose')", "compose", "screen"),
    Command(
        "New tweet",
        "Start a new draft (the current one stays in Drafts)",
        "new_tweet",
        "new-tweet",
        "screen",
    ),
    Command(
        "Send",
        "Send the draft (the coach asks first if it has concerns)",
        "send",
        "send",
        "compose",
    ),
    Command("Drafts", "Open, or delete, a saved draft", "drafts", "drafts", "screen"),
    Command("Refresh", "Fetch what is new now", "refresh", "refresh", "app"),
    Command(
        "Go to Timeline",
        "Show and focus the Timeline pane",
        "show_pane('timeline')",
        "pane-timeline",
        "screen",
    ),
    Command(
        "Go to Mentions",
        "Show and focus the Mentions pane",
        "show_pane('mentions')",
        "pane-mentions",
        "screen",
    ),
    Command(
        "Go to Compose",
        "Show and focus the Compose pane",
        "show_pane('compose')",
        "pane-compose",
        "screen",
    ),
    Command(
        "Go to Coach", "Show and focus the Coach pane", "show_pane('coach')", "pane-coach", "screen"
    ),
    Command(
        "Show keys", "Every key and its id for the [keymap] config table", "help", "help", "screen"
    ),
)


class TuicoachCommands(Provider):
    """Every action of the app, with its current key in the help line."""

    @property
    def _app(self) -> TuicoachApp:
        return self.app  # type: ignore[return-value]

    async def _run(self, command: Command) -> None:
        app = self._app
        main = app.main
        node: App[None] | Widget
        if command.target == "app":
            node = app
        elif command.target == "screen":
            node = main
        elif command.target == "compose":
            node = main.composer
        elif command.target == "mentions":
            node = main.mentions
        else:
            node = main.timeline if main.list_pane == "timeline" else main.mentions
        await node.run_action(command.action)

    def _help(self, command: Command) -> str:
        keys = keys_for(self._app.keymap, command.binding_id) if command.binding_id else ""
        return f"{command.help}  ({keys})" if keys else command.help

    async def discover(self) -> Hits:
        for command in COMMANDS:
            yield DiscoveryHit(
                command.title,
                partial(self._run, command),
                help=self._help(command),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in COMMANDS:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self._run, command),
                    help=self._help(command),
                )
