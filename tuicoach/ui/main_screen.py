"""The main screen: four panes, which one is active, and a layout for each width.

- 160 columns and more: the four panes side by side.
- 120 to 159: two columns, so a row's band and status stay whole: one list
  (Timeline or Mentions, under a tab bar) beside Compose over the Coach.
- Below 120: one pane at a time under the tab bar; Compose keeps the Coach below it.

The active pane's title starts with a marker, so which pane has the focus
shows without colour too.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen

from tuicoach.ui import messages
from tuicoach.ui.keys import SCREEN_BINDINGS
from tuicoach.ui.panes.base import Pane
from tuicoach.ui.panes.coach import CoachPane
from tuicoach.ui.panes.compose import ComposePane
from tuicoach.ui.panes.mentions import MentionsPane
from tuicoach.ui.panes.timeline import TimelinePane
from tuicoach.ui.sync import Syncer
from tuicoach.ui.widgets.status import PANES, PaneTabs, StatusBar

if TYPE_CHECKING:
    from tuicoach.coach import CoachSettings
    from tuicoach.ui.app import TuicoachApp
    from tuicoach.ui.panes.listening import ListeningPane
    from tuicoach.ui.team import TeamLink
    from tuicoach.ui.view import Account, FirstScreen, Opened

MEDIUM_AT = 120
WIDE_AT = 160
LISTS = ("timeline", "mentions", "listening")

# What takes the focus when a pane is shown.
PANE_FOCUS = {
    "timeline": "#timeline",
    "mentions": "#mentions",
    "compose": "#draft",
    "coach": "#findings-scroll",
    "listening": "#listen-list",
}


def width_class(width: int) -> str:
    return "-wide" if width >= WIDE_AT else "-medium" if width >= MEDIUM_AT else "-narrow"


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(SCREEN_BINDINGS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (MEDIUM_AT, "-medium"), (WIDE_AT, "-wide")]  # noqa: RUF012 (Textual's own)

    AUTO_FOCUS = "#mentions"  # the morning starts with who is waiting for an answer
    active: reactive[str] = reactive("mentions")
    list_pane: reactive[str] = reactive("mentions")  # the list last used: Timeline or Mentions
    team: TeamLink | None = None  # presence, and the team heard (ui/team.py)
    shown_first: FirstScreen | None = None  # the first screen on show (show_first)

    def compose(self) -> ComposeResult:
        # Start with the breakpoint class Textual would set on the first resize,
        # so the first frame is laid out once, not twice.
        self.add_class(width_class(self.app.size.width))
        clock = self.app.clock  # type: ignore[attr-defined]
        yield PaneTabs()
        # The classes _place gives the first layout (Mentions active, and the list shown),
        # set before mounting: set after, each restyles its whole subtree before the first frame.
        mentions = MentionsPane(clock, active=True)
        mentions.add_class("-shown", update=False)
        with Horizontal(id="panes"):
            with Horizontal(id="lists", classes="-has-active"):
                yield TimelinePane(clock)
                yield mentions
            with Horizontal(id="writing"):
                yield ComposePane(clock)
                yield CoachPane(clock)
        yield StatusBar()  # the Footer follows the data (after_data)
        yield Syncer(clock)  # nothing to draw: syncs and the queue, once the account is open

    async def on_mount(self) -> None:
        self._place()
        await self.tuicoach.first_data()  # the data, before this screen is first drawn

    def show_first(self, first: FirstScreen) -> None:
        """The first screen's data, before the account is open here (ui/reader.py): the
        panes list it, and the status bar says the account is still opening."""
        self.shown_first = first
        status = self.query_one(StatusBar)
        status.account, status.demo, status.cost = first.handle, first.is_demo, first.cost
        self.timeline.show_rows(first.timeline)
        self.mentions.show(first.snapshot)
        self.query_one(PaneTabs).owed = first.snapshot.owed_people
        self.coach.owed_changed(first.snapshot)

    def open(self, opened: Opened) -> None:
        """The account, to each pane, with its first data (already shown, or shown now)."""
        account, first = opened.account, opened.first
        if first is not self.shown_first:
            self.show_first(first)
        self.query_one(StatusBar).sync_state = "up to date"
        self.timeline.open(account)
        self.mentions.open(account)
        self.composer.open(account, first.draft, first.drafts_count)
        from tuicoach.ui.team import TeamLink

        if self.team is not None:  # another account opened (the demo, from the welcome)
            self.team.stop()
        self.team = TeamLink(self, account.store, self.tuicoach.clock)
        self.team.start(self.mentions.hear_team)

    def on_unmount(self) -> None:
        if self.team is not None:  # before the app closes the store
            self.team.stop()

    def _mount_listening(self, account: Account) -> None:
        """Listening, a tab beside Mentions (its own pane where there is room): only where
        the backend can search."""
        from tuicoach.ui.panes.listening import ListeningPane

        if self.query(ListeningPane):
            return
        clock = self.tuicoach.clock
        poll = float(account.backend.poll_seconds) if self.tuicoach.sync else None
        pane = ListeningPane(account.store, clock=clock, backend=account.backend,
                             poll_seconds=poll, id="listening-pane", classes="pane")  # fmt: skip
        self.query_one("#lists").mount(pane)
        self.query_one(PaneTabs).listening = 0  # its tab, counted once it has loaded
        self.call_after_refresh(self._place)

    def on_listening_pane_count_changed(self, message: ListeningPane.CountChanged) -> None:
        """The open opportunities, for Listening's tab (the pane module loads lazily)."""
        self.query_one(PaneTabs).listening = message.count

    @property
    def listening(self) -> ListeningPane | None:
        # By id, not by class: importing the pane's module (and the coach it uses) here
        # would put it before the first frame, where no backend that can search is open yet.
        found = next(iter(self.query("#listening-pane")), None)
        return cast("ListeningPane | None", found)

    async def after_data(self, coach_settings: CoachSettings | None) -> None:
        """Once the data is on screen: the text area, the coach (it builds its index in its
        own worker) and the footer, none of which anyone needs in the first half second."""
        composer = self.composer
        await self.coach.build()
        if not composer.query("#draft"):
            await composer.attach_editor()
        if composer.account is not None:
            self.coach.start(composer.account, coach_settings)
            composer.rescore()
            if composer.account.backend.capabilities.search:  # a tab, not shown at first
                self._mount_listening(composer.account)
        from textual.widgets import Footer  # not needed for the first frame

        if not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()  # the footer lists the keys when the bindings are announced

    @property
    def tuicoach(self) -> TuicoachApp:
        return cast("TuicoachApp", self.app)

    @property
    def timeline(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    @property
    def mentions(self) -> MentionsPane:
        return self.query_one(MentionsPane)

    @property
    def composer(self) -> ComposePane:
        return self.query_one(ComposePane)

    @property
    def coach(self) -> CoachPane:
        return self.query_one(CoachPane)

    @property
    def syncer(self) -> Syncer:
        return self.query_one(Syncer)

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}-pane", Pane)

    def watch_active(self, active: str) -> None:
        if active in LISTS:
            self.list_pane = active
        if self.is_mounted:
            self._place()

    def watch_list_pane(self) -> None:
        if self.is_mounted:
            self._place()

    def _place(self) -> None:
        active = self.active
        for name in PANES:
            pane = self.pane(name)
            if pane.active != (name == active):
                pane.mark_active(name == active)
            pane.set_class(name == self.list_pane, "-shown")
        listening = self.listening
        if listening is not None:
            if listening.active != (active == "listening"):
                listening.mark_active(active == "listening")
            listening.set_class(self.list_pane == "listening", "-shown")
        self.set_class(self.list_pane == "listening", "-listening")
        self.query_one("#lists").set_class(active in LISTS, "-has-active")
        self.query_one("#writing").set_class(active not in LISTS, "-has-active")
        self.set_class(active == "compose", "-composing")
        self.query_one(PaneTabs).active = active

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if isinstance(node, Pane):
                self.active = node.pane
                return
            if node.id == "listening-pane":
                self.active = "listening"
                return

    def action_show_pane(self, name: str) -> None:
        if name == "listening" and self.listening is None:
            account = self.tuicoach.account
            if account is not None and account.backend.capabilities.search:
                self._mount_listening(account)  # asked for before it came (after_data)
                self.call_after_refresh(self.action_show_pane, name)
                return
            self.app.notify("Listening needs a backend that can search.", severity="warning")
            return
        self.active = name
        # Focus now, not after a refresh: keys typed right after "n" or "r" must land
        # in the draft, not in the list (where "r" and "n" are bindings of their own).
        target = next(iter(self.query(PANE_FOCUS[name])), None)
        if target is not None:
            self.set_focus(target)
        else:  # the text area is mounted just after the first frame
            self.call_after_refresh(self.action_show_pane, name)

    # -- routing between panes ----------------------------------------------------------------

    @on(messages.ReplyRequested)
    async def _reply(self, message: messages.ReplyRequested) -> None:
        account = self.tuicoach.account
        refusal = account.backend.reply_refusal(message.row.tweet) if account else None
        if refusal is not None:
            self.app.notify(
                refusal, title="This reply cannot be sent", severity="warning", markup=False
            )
            return
        await self.composer.attach_editor()  # keys typed next belong in it
        self.composer.start_reply(message.row, message.origin)
        self.action_show_pane("compose")

    @on(messages.DraftChanged)
    def _draft_changed(self, message: messages.DraftChanged) -> None:
        self.coach.score(message.draft)
        if self.team is not None:
            self.team.draft_changed(message.draft)

    @on(messages.SendRequested)
    def _send_requested(self, message: messages.SendRequested) -> None:
        self.coach.check_for_sending(message.draft)

    @on(messages.SendChecked)
    def _send_checked(self, message: messages.SendChecked) -> None:
        self.composer.confirm_send(message.report)

    @on(messages.Posted)
    def _posted(self, message: messages.Posted) -> None:
        screen = self
        screen.coach.learn(message.tweet)
        screen.query_one(StatusBar).cost = message.cost
        demo = self.tuicoach.account is not None and self.tuicoach.account.backend.is_demo
        where = " (in the demo: stored here, not posted)" if demo else ""
        who = message.reply_to
        said = f"Replied to {who.handle}{where}." if who else f"Posted{where}."
        self.app.notify(said, markup=False)
        screen.mentions.reload()
        screen.timeline.reload_head()
        # Back to the list the reply came from: the next mention is one key away.
        screen.action_show_pane(message.origin if message.origin in LISTS else screen.list_pane)

    @on(messages.SnapshotRead)
    def _snapshot_read(self, message: messages.SnapshotRead) -> None:
        self.query_one(PaneTabs).owed = message.snapshot.owed_people
        self.coach.owed_changed(message.snapshot)

    @on(messages.LikeChanged)
    def _like_changed(self, message: messages.LikeChanged) -> None:
        for pane in (self.timeline, self.mentions):
            pane.show_liked(message.row)
        verb = "Liked" if message.row.liked else "Unliked"
        self.app.notify(f"{verb} {message.row.handle}'s tweet.", markup=False)

    # -- screens of their own: reports, feedback, the queue --------------------------------

    def _account(self) -> Account | None:
        account = self.tuicoach.account
        if account is None:
            self.app.notify("The account is still opening.", severity="warning")
        return account

    def action_reports(self) -> None:
        from tuicoach.domain.report import BusinessHours
        from tuicoach.ui.reports import ReportsScreen, load_reports_view

        if (account := self._account()) is not None:
            app = self.tuicoach
            hours = getattr(app, "business_hours", None) or BusinessHours.of()
            store, backend = account.store, account.backend
            loader = partial(
                load_reports_view, store, backend, app.coach_settings, now=app.clock, hours=hours
            )
            app.push_screen(ReportsScreen(loader))

    def action_feedback(self) -> None:
        from tuicoach.ui.feedback import FeedbackScreen, load_feedback_view

        if (account := self._account()) is not None:
            loader = partial(load_feedback_view, account.store, now=self.tuicoach.clock)
            self.app.push_screen(FeedbackScreen(loader))

    def action_queue(self) -> None:
        from tuicoach.ui.queue import QueueScreen, StoreQueueActions

        if (account := self._account()) is not None:
            clock = self.tuicoach.clock
            actions = StoreQueueActions(account.store, account.backend, now=clock)
            self.app.push_screen(QueueScreen(actions, now=clock))

    def tick(self) -> None:
        """Re-read the clock in both lists, so ages stay true ("3m" becomes "4m")."""
        self.timeline.tweets.tick()
        self.mentions.tweets.tick()

    def _step(self, by: int) -> None:
        tabs = self.query_one(PaneTabs).tabs  # Listening among them where it is mounted
        at = tabs.index(self.active if self.active in tabs else "mentions")
        self.action_show_pane(tabs[(at + by) % len(tabs)])

    def action_next_pane(self) -> None:
        self._step(1)

    def action_previous_pane(self) -> None:
        self._step(-1)

    def action_leave_compose(self) -> None:
        self.action_show_pane(self.list_pane)

    def action_toggle_owed(self) -> None:
        self.mentions.toggle_owed()
        self.action_show_pane("mentions")

    def action_cycle_filter(self) -> None:
        self.mentions.cycle_filter()
        self.action_show_pane("mentions")

    async def action_new_tweet(self) -> None:
        await self.composer.action_new_tweet()

    def action_drafts(self) -> None:
        self.composer.action_drafts()

    def action_help(self) -> None:
        from tuicoach.ui.keys import key_help
        from tuicoach.ui.screens import HelpScreen

        self.app.push_screen(HelpScreen(key_help(self.app.keymap)))  # type: ignore[attr-defined]
