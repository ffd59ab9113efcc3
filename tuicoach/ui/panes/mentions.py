"""The Mentions pane: everyone who spoke to the account, its filters, marks, claims and undo.

It owns the snapshot it shows, the filter (all, owed only, mine, unassigned)
and the undo stack; its workers write marks and claims and read snapshots and
answer with messages to this pane. A :class:`~tuicoach.ui.messages.SnapshotRead`
then bubbles on to the App, which tells the Coach pane (its strip) and the tab bar.

The team (``[team] name`` set, a store the team shares): each row says what
teammates do with it ("Jen is replying · Jen has it"); :meth:`hear_team` (from
any thread: the main screen's :class:`~tuicoach.ui.team.TeamLink` calls it on
each notify and every few seconds) has the team read again in a worker, and the
rows drawn again when their words change. ``i`` claims the highlighted mention
(or lets go of one's own claim), ``a`` assigns it to a teammate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.message import Message

from tuicoach.ui import messages, view
from tuicoach.ui.keys import TEAM_BINDINGS, TWEET_BINDINGS
from tuicoach.ui.panes.lists import ListPane
from tuicoach.ui.view import Account, Row, Snapshot

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tuicoach.domain.team import TeamView

#: The filters, in the order ``f`` steps through them (``/`` toggles "owed" and "all").
FILTERS = ("all", "owed", "mine", "unassigned")
SUBTITLES = {
    "all": "/ owed only",
    "owed": "owed only · / shows all",
    "mine": "mine: owed, claimed by or assigned to you · f unassigned · / all",
    "unassigned": "unassigned: owed, nobody has them · f all",
}
EMPTY = {
    "all": "No mentions yet.",
    "owed": "No replies owed. Nice work.",
    "mine": "None of the owed replies is yours: i claims the highlighted one.",
    "unassigned": "Every owed reply has someone on it.",
}


@dataclass(frozen=True, slots=True)
class UndoStep:
    """A mark or snooze, so ``u`` can take it back."""

    tweet_id: str
    what: str


class MentionsPane(ListPane):
    pane = "mentions"
    pane_title = "Mentions"
    loading_text: ClassVar[str] = "Loading mentions…"
    BINDINGS: ClassVar[list[BindingType]] = [*TWEET_BINDINGS, *TEAM_BINDINGS]

    snapshot: Snapshot | None = None
    filter = "all"  # one of FILTERS

    class TeamChanged(Message):
        """A teammate did something (heard, or the slow poll): read the team again."""

    class TeamRead(Message):
        def __init__(self, team: TeamView) -> None:
            super().__init__()
            self.team = team

    @property
    def owed_only(self) -> bool:
        return self.filter == "owed"

    def __init__(self, clock: Callable[[], datetime], *, active: bool = False) -> None:
        super().__init__(clock, active=active)
        self.border_subtitle = "/ owed only"
        self._undo: list[UndoStep] = []
        self._team_unread = False  # the last read of the team failed (said once)
        self._data_version: int | None = None  # the store's, at the last read of the team

    def open(self, account: Account) -> None:
        """The account the shown snapshot came from: marks, replies and reads from here on."""
        self.account = account

    def show(self, snapshot: Snapshot, *, else_top: bool = False) -> None:
        self.snapshot = snapshot
        spam = f" · {len(snapshot.spam)} probably spam" if snapshot.spam else ""
        self.set_title(f"{self.pane_title} · {snapshot.owed_people} owed{spam}")
        self.set_class(self.filter != "all", "-owed-only")
        tweets = self.tweets
        self.border_subtitle = SUBTITLES[self.filter]
        tweets.empty_text = EMPTY[self.filter]
        if self.filter == "owed":
            tweets.set_rows((*snapshot.owed, *snapshot.spam), else_top=else_top)
        elif self.filter in ("mine", "unassigned"):
            held = snapshot.team.claims if snapshot.team is not None else {}
            if self.filter == "mine":
                rows = [
                    r for r in snapshot.owed if (c := held.get(r.tweet.id)) and c.by == snapshot.me
                ]
            else:
                rows = [r for r in snapshot.owed if r.tweet.id not in held]
            tweets.set_rows(rows, else_top=else_top)
        else:
            # The probably-spam band last, in its own group, whatever its age.
            spam_ids = {row.tweet.id for row in snapshot.spam}
            rows = [row for row in snapshot.mentions if row.tweet.id not in spam_ids]
            tweets.set_rows((*rows, *snapshot.spam), else_top=else_top)

    def toggle_owed(self) -> None:
        """Owed only, or all again; the cursor stays on its tweet if it is still listed."""
        self.set_filter("all" if self.filter == "owed" else "owed")

    def cycle_filter(self) -> None:
        """All, owed only, mine, unassigned, and round again (needs a ``[team] name``)."""
        if not self.me:
            from tuicoach.ui.team import NO_NAME

            self.notify(NO_NAME, title="Not in a team yet", severity="warning", markup=False)
            return
        self.set_filter(FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)])

    def set_filter(self, name: str) -> None:
        """Show ``name``'s rows; the cursor stays on its tweet if it is still listed."""
        self.filter = name
        if self.snapshot is not None:
            # Not listed any more: the top, the most needed.
            self.show(self.snapshot, else_top=name != "all")

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

    # -- the team: what teammates do, claims, assignments -------------------------------------

    @property
    def me(self) -> str:
        """The ``[team] name`` of the person at this machine ("" without one)."""
        if self.account is None:
            return ""
        return " ".join((self.account.store.author or "").split())

    def hear_team(self) -> None:
        """Read the team again (safe from any thread: it only posts a message)."""
        self.post_message(self.TeamChanged())

    @on(TeamChanged)
    def _team_changed(self) -> None:
        if self.account is not None:
            self._read_team(self.account)

    @work(thread=True, exclusive=True, group="team", exit_on_error=False)
    def _read_team(self, account: Account) -> None:
        try:
            team = view.read_team(account, self.clock())
            version = account.store.data_version()
        except Exception as error:  # the store is away: said once, read again at the next poll
            if not self._team_unread:
                self._team_unread = True
                self._said(f"Could not read what your teammates are doing ({error}); "
                           "trying again every few seconds.", "warning", again=False)  # fmt: skip
            return
        self._team_unread = False
        self.post_message(self.TeamRead(team))
        # Tweets written since (a teammate's reply, their machine's sync): the list again,
        # so what they answered stops showing as owed here without waiting for a sync.
        seen, self._data_version = self._data_version, version
        if seen is not None and version != seen:
            self.app.call_from_thread(self.reload)

    @on(TeamRead)
    def _team_read(self, message: TeamRead) -> None:
        before = self.snapshot
        if before is None:
            return
        after = view.with_team(before, message.team, me=self.me)
        if view.team_differs(before, after):
            self.show(after)
        else:
            self.snapshot = after

    def _holder(self, row: Row) -> str | None:
        team = self.snapshot.team if self.snapshot is not None else None
        held = team.claims.get(row.tweet.id) if team is not None else None
        return held.by if held is not None else None

    def _team_target(self) -> tuple[Account, Row, str] | None:
        """The open account, the highlighted mention and who I am; or None, having said
        how to join a team where ``[team] name`` is not set."""
        row = self.need_target(mention=True)
        if row is None or self.account is None:
            return None
        if not (me := self.me):
            from tuicoach.ui.team import NO_NAME

            self.notify(NO_NAME, title="Not in a team yet", severity="warning", markup=False)
            return None
        return self.account, row, me

    def action_claim(self) -> None:
        """Claim the highlighted mention; if it is already yours, let go of it."""
        if (target := self._team_target()) is not None:
            account, row, me = target
            self._claim(account, row, me, release=self._holder(row) == me)

    @work(thread=True, group="claims", exit_on_error=False)
    def _claim(self, account: Account, row: Row, me: str, *, release: bool) -> None:
        try:
            self._claim_now(account, row, me, release=release)
        except Exception as error:  # the store is away: nothing changed
            self._said(f"Not claimed ({error}); nothing changed. i tries again.", "error")

    def _claim_now(self, account: Account, row: Row, me: str, *, release: bool) -> None:
        from tuicoach.store import team

        if release and team.release(account.store, row.tweet.id, by=me):
            self._said(f"You let go of {row.handle}'s mention: nobody has it now.")
            return
        result = team.claim(account.store, row.tweet.id, by=me, now=self.clock())
        holder = result.holder
        if result.won:
            self._said(f'{row.handle}\'s mention is yours; your teammates see "{me} has it".')
        elif holder.assigned_by is not None and holder.assigned_by != holder.by:
            self._said(
                f"{holder.by} has it (assigned by {holder.assigned_by}): "
                f"{row.handle}'s mention stays theirs. a assigns it to someone else.",
                "warning",
            )
        else:
            self._said(
                f"{holder.by} has it: {row.handle}'s mention stays theirs. "
                "a assigns it to someone else, if you agree between you.",
                "warning",
            )

    def action_assign(self) -> None:
        """Give the highlighted mention to a teammate (or to yourself)."""
        from tuicoach.ui.team import AssignScreen

        if (target := self._team_target()) is None:
            return
        account, row, me = target
        team = self.snapshot.team if self.snapshot is not None else None

        def chosen(name: str | None) -> None:
            if name:
                self._assign(account, row, name, me)

        self.app.push_screen(AssignScreen(row.handle, team.names if team else (), me), chosen)

    @work(thread=True, group="claims", exit_on_error=False)
    def _assign(self, account: Account, row: Row, to: str, me: str) -> None:
        from tuicoach.store import team

        try:
            held = team.assign(account.store, row.tweet.id, to=to, by=me, now=self.clock())
        except Exception as error:  # the store is away: nothing changed
            self._said(f"Not assigned ({error}); nothing changed. a tries again.", "error")
            return
        who = "you" if held.by == me else held.by
        self._said(f"Assigned {row.handle}'s mention to {who}.")

    def _said(
        self, said: str, severity: SeverityLevel = "information", *, again: bool = True
    ) -> None:
        """From a worker: say it, and read the team again."""
        self.app.call_from_thread(self.notify, said, severity=severity, markup=False)
        if again:
            self.hear_team()

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
