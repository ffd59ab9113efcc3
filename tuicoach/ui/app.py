"""The tuicoach app: four panes over the store, with the coach reading every draft.

Everything the app depends on is handed in: how to open the account (store and
backend), the coach's settings, the clock, the theme and the keymap, so tests
run it on the demo with a fixed clock and a fixed theme.

Workers own I/O, handlers own state (the harlequin rule): store reads, posts,
syncs and the coach's near-duplicate search run in thread workers that only
return values or post messages; the handlers below change widgets. Nothing
touches a widget from a thread.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on, work
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tuicoach.backends.base import AccessError, AuthError, BackendError, Offline, RateLimited
from tuicoach.domain.models import Draft, Report, Tweet
from tuicoach.ui import session as data
from tuicoach.ui.keys import key_help
from tuicoach.ui.main_screen import MainScreen
from tuicoach.ui.themes import DEFAULT_THEME, bundled_themes_dir, load_themes
from tuicoach.ui.themes import variable_defaults as theme_variable_defaults
from tuicoach.ui.widgets.coach_panel import CoachPane
from tuicoach.ui.widgets.compose import ComposePane
from tuicoach.ui.widgets.status import PANE_TITLES, PaneTabs, StatusBar
from tuicoach.ui.widgets.tweet_list import Row, TweetList

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.widgets import TextArea

    from tuicoach.coach import Coach, CoachSettings

Clock = Callable[[], datetime]
DRAFT_SAVE_DELAY = 0.5  # seconds after the last key; "at most a second behind"
TIMELINE_PAGE = 200
DEMO_SYNC_SECONDS = 20.0  # the demo's practice mentions arrive about a minute apart


def _commands() -> type[Provider]:
    """The palette's tuicoach commands, imported when the palette first opens."""
    from tuicoach.ui.commands import TuicoachCommands

    return TuicoachCommands


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class UndoStep:
    """A mark or snooze, so ``u`` can take it back."""

    tweet_id: str
    what: str


class TuicoachApp(App[None]):
    """Timeline, Mentions, Compose and Coach, over one account's store."""

    TITLE = "tuicoach"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS: ClassVar = App.COMMANDS | {_commands}  # Textual's own stay: themes, keys, quit

    # -- messages from workers ----------------------------------------------------------------

    class Opened(Message):
        def __init__(self, opened: data.Opened) -> None:
            super().__init__()
            self.opened = opened

    class MentionsRead(Message):
        def __init__(self, snapshot: data.Snapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    class FullReport(Message):
        def __init__(self, generation: int, report: Report) -> None:
            super().__init__()
            self.generation = generation
            self.report = report

    def __init__(
        self,
        *,
        connect: Callable[[], data.Account] | None,
        demo: Callable[[], data.Account] | None = None,
        coach_settings: CoachSettings | None = None,
        clock: Clock = utc_now,
        theme: str = DEFAULT_THEME,
        keymap: Mapping[str, str] | None = None,
        theme_dirs: Sequence[Path] = (),
        sync: bool = True,
        sync_every: float | None = None,
        exit_when: Literal["ready", "loaded"] | None = None,
    ) -> None:
        super().__init__()
        self.connect = connect
        self.demo = demo
        self.coach_settings = coach_settings
        self.clock = clock
        self.keymap: dict[str, str] = dict(keymap or {})
        # Automatic syncs: every ``sync_every`` seconds if given, else at the backend's
        # own pace (``poll_interval``: X's limits), else every DEMO_SYNC_SECONDS.
        self.sync = sync
        self.sync_every = sync_every
        # "ready": exit at the first frame; "loaded": once the store's data is shown.
        self.exit_when = exit_when

        self.account: data.Account | None = None
        self.coach: Coach | None = None
        self._coach_lock = threading.Lock()
        self.snapshot: data.Snapshot | None = None
        self.owed_only = False
        self.reply_to: Row | None = None
        self.draft_id: int | None = None
        self._undo: list[UndoStep] = []
        self._last_list: TweetList | None = None
        self._timeline_more = True
        self._timeline_loading = False

        # Coach: the cheap pass at once; the full pass one at a time, latest text wins.
        self._generation = 0
        self._full_running = False
        self._report: Report | None = None
        self.report_shown_at = 0.0
        # Drafts: saved at most DRAFT_SAVE_DELAY after the last key, one save at a time.
        self._draft_dirty = False
        self._draft_saving = False
        self._draft_timer: Any = None
        self._restoring = False

        loaded = load_themes([bundled_themes_dir(), *theme_dirs])
        for loaded_theme in loaded.themes:
            self.register_theme(loaded_theme)
        # One notice per problem: a broken file, or the theme asked for and why it is not used.
        self.theme_notices: list[str] = []
        fallback = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        broken = {error.path.stem: error for error in loaded.errors}
        if theme not in self.available_themes:
            if theme in broken:
                error = broken.pop(theme)
                self.theme_notices.append(f"{error}. Using {fallback} instead.")
            else:
                self.theme_notices.append(
                    f"There is no theme called {theme!r}; using {fallback}. "
                    "Press ctrl+p and type 'theme' to see them all."
                )
            theme = fallback
        self.theme_notices += [f"{error}. That theme was skipped." for error in broken.values()]
        self.theme = theme

    # -- set-up -------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults(self.current_theme)

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        for notice in self.theme_notices:
            self.notify(notice, title="Theme", severity="warning", timeout=15)

    async def on_ready(self) -> None:
        """The first frame is on screen: now the text area, then the store, off the UI thread."""
        if self.exit_when == "ready":
            self.exit()
            return
        await self.main.query_one(ComposePane).attach_editor()
        if self.connect is None:
            from tuicoach.ui.screens import NoAccountScreen

            self.push_screen(NoAccountScreen(), self._no_account_choice)
            return
        self.open_account(self.connect)

    def _no_account_choice(self, choice: str | None) -> None:
        if choice == "demo" and self.demo is not None:
            self.open_account(self.demo)
        else:
            self.exit()

    def keys_for(self, binding_id: str) -> str:
        """The keys bound to ``binding_id`` now (after the keymap), for help texts."""
        for row in key_help(self.keymap):
            if row.id == binding_id:
                return row.keys
        return ""

    # -- opening the account ------------------------------------------------------------------

    def open_account(self, connect: Callable[[], data.Account]) -> None:
        self.main.query_one(StatusBar).sync_state = "opening the store…"
        self._open(connect)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self, connect: Callable[[], data.Account]) -> None:
        account = connect()
        opened = data.open_session(
            account, self.coach_settings, self.clock(), TIMELINE_PAGE, self._coach_lock
        )
        self.post_message(self.Opened(opened))

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        opened = message.opened
        self.account = opened.account
        self.coach = opened.coach
        screen = self.main
        status = screen.query_one(StatusBar)
        status.account = f"@{opened.account.backend.account.username}"
        status.demo = opened.account.backend.is_demo
        status.sync_state = "up to date"
        self._read_cost()
        timeline = screen.query_one("#timeline", TweetList)
        timeline.empty_text = "Nothing in the timeline yet."
        timeline.set_rows(opened.timeline)
        self._timeline_more = len(opened.timeline) >= TIMELINE_PAGE
        screen.query_one("#mentions", TweetList).empty_text = "No mentions yet."
        self._show_snapshot(opened.snapshot)
        if opened.draft is not None:
            self._restore_draft(opened.draft, opened.drafts_count)
        if self.sync:
            backend = opened.account.backend
            pace = backend.poll_seconds
            every = float(self.sync_every or pace)
            self.set_interval(every, self.action_refresh)
        self.set_interval(60, self._tick)
        self._rescore()
        # The account's data (thousands of tweets, the coach's index) lives as long as
        # the app. Freezing it keeps the collector's full passes, which otherwise walk
        # all of it every few seconds of typing (150 ms pauses), to what is new.
        gc.freeze()
        if self.exit_when == "loaded":
            self.call_after_refresh(self.exit)

    def _tick(self) -> None:
        for tweets in self.main.query(TweetList):
            tweets.tick()

    # -- mentions and the owed list ------------------------------------------------------------

    def _show_snapshot(self, snapshot: data.Snapshot) -> None:
        self.snapshot = snapshot
        screen = self.main
        mentions = screen.query_one("#mentions", TweetList)
        pane = screen.pane("mentions")
        owed = len(snapshot.owed)
        pane.border_title = f"{PANE_TITLES['mentions']} · {owed} owed"
        pane.set_class(self.owed_only, "-owed-only")
        if self.owed_only:
            pane.border_subtitle = "owed only · / shows all"
            mentions.empty_text = "No replies owed. Nice work."
            mentions.set_rows(snapshot.owed)
        else:
            pane.border_subtitle = "/ owed only"
            mentions.empty_text = "No mentions yet."
            mentions.set_rows(snapshot.mentions)
        screen.query_one(PaneTabs).owed = owed
        screen.query_one(CoachPane).show_stats(snapshot.stats)

    @on(MentionsRead)
    def _mentions_read(self, message: MentionsRead) -> None:
        self._show_snapshot(message.snapshot)
        self._rescore()

    @work(thread=True, exclusive=True, group="mentions", exit_on_error=False)
    def reload_mentions(self) -> None:
        if self.account is None or self.coach is None:
            return
        snapshot = data.read_snapshot(self.account, self.coach, self.clock(), self._coach_lock)
        self.post_message(self.MentionsRead(snapshot))

    def action_toggle_owed(self) -> None:
        self.owed_only = not self.owed_only
        if self.snapshot is not None:
            self._show_snapshot(self.snapshot)
            if self.owed_only:  # start at the top: the most needed
                self.main.query_one("#mentions", TweetList).cursor = 0
        self.main.action_show_pane("mentions")

    # -- the timeline, a page at a time -----------------------------------------------------------

    @on(TweetList.NearEnd, "#timeline")
    def _timeline_near_end(self, event: TweetList.NearEnd) -> None:
        if self._timeline_more and not self._timeline_loading and self.account is not None:
            self._timeline_loading = True
            rows = event.tweet_list.rows
            self._load_timeline_page(rows[-1].tweet if rows else None)

    @work(thread=True, group="timeline", exit_on_error=False)
    def _load_timeline_page(self, before: Tweet | None) -> list[Row]:
        assert self.account is not None
        return data.timeline_page(self.account, before, TIMELINE_PAGE)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            self._worker_failed(worker.group, worker.error)
        if worker.group == "timeline" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._timeline_loading = False
            if event.state is WorkerState.SUCCESS:
                rows = worker.result
                assert isinstance(rows, list)
                self._timeline_more = len(rows) >= TIMELINE_PAGE
                self.main.query_one("#timeline", TweetList).append_rows(rows)

    def _worker_failed(self, group: str, error: BaseException) -> None:
        # Put the state back, so a failure never wedges drafts, the coach or sending.
        compose = self.main.query_one(ComposePane)
        if group == "drafts":
            self._draft_saving = False
            self._draft_dirty = True  # try again on the next change (and on quit)
            compose.show_state("not saved yet")
        elif group == "coach":
            self._full_running = False
        elif group == "send":
            compose.show_state("not sent; the draft is kept")
        if isinstance(error, BackendError):
            self.show_backend_error(error)
            return
        if group == "open":
            self.main.query_one(StatusBar).sync_state = "could not open"
            self.main.query_one(StatusBar).problem = True
            self.notify(
                str(error) or type(error).__name__,
                title="The account's store could not be opened",
                severity="error",
                timeout=30,
            )
            return
        self.notify(
            f"{type(error).__name__}: {error}",
            title=f"Something went wrong ({group})",
            severity="error",
            timeout=15,
        )

    # -- backend failures: a notice with the way out, a word in the status bar ----------------

    def show_backend_error(self, error: BackendError) -> None:
        status = self.main.query_one(StatusBar)
        status.problem = True
        message = str(error)
        if isinstance(error, AuthError):
            status.sync_state = "signed out"
            title, way_out = "X rejected the sign-in", "Run `tuicoach login` to sign in again."
        elif isinstance(error, AccessError):
            status.sync_state = f"no access: {error.feature}"
            title = f"Not available with this X app's access level: {error.feature}"
            way_out = "Everything else keeps working."
        elif isinstance(error, RateLimited):
            until = error.until.astimezone().strftime("%H:%M")
            status.sync_state = f"rate limited until {until}"
            title, way_out = "X asks us to slow down", f"Trying again after {until}."
        elif isinstance(error, Offline):
            status.sync_state = "offline"
            title = "Can't reach X"
            way_out = "Showing what is stored; tuicoach keeps trying."
        else:
            status.sync_state = "sync failed"
            title, way_out = "X said no", ""
        self.notify(f"{message} {way_out}".strip(), title=title, severity="warning", timeout=15)

    def _read_cost(self) -> None:
        """The cost-meter hook: the account's reading of today's API spend, if it has one."""
        meter = self.account.cost_meter if self.account is not None else None
        if meter is not None:
            try:
                self.main.query_one(StatusBar).cost = meter()
            except Exception as exc:  # a broken meter must not break the app
                self.main.query_one(StatusBar).cost = f"cost meter: {exc}"

    # -- sync ------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.account is not None:
            self._sync()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        assert self.account is not None and self.coach is not None
        new, failure = 0, None
        try:
            new = self.account.backend.sync().total_new
        except BackendError as error:  # what did arrive is stored: show it, then the problem
            failure = error
        snapshot = data.read_snapshot(self.account, self.coach, self.clock(), self._coach_lock)
        self.call_from_thread(self._synced, new, snapshot, failure)

    def _synced(self, new: int, snapshot: data.Snapshot, failure: BackendError | None) -> None:
        status = self.main.query_one(StatusBar)
        self._read_cost()
        if failure is not None:
            self.show_backend_error(failure)
        else:
            status.problem = False
            status.sync_state = f"synced {self.clock().astimezone().strftime('%H:%M')}"
        before = len(self.snapshot.owed) if self.snapshot else 0
        self._show_snapshot(snapshot)
        arrived = len(snapshot.owed) - before
        if new:
            self.reload_timeline()
        if new and arrived > 0:
            self.notify(f"{arrived} new mention{'s' if arrived > 1 else ''} waiting for a reply.")

    # -- actions on the highlighted tweet ----------------------------------------------------------

    @on(TweetList.Highlighted)
    def _highlighted(self, event: TweetList.Highlighted) -> None:
        if event.tweet_list.screen is self.main:
            self._last_list = event.tweet_list

    def target(self) -> Row | None:
        """The tweet an action applies to: the focused list's, else the last list used."""
        focused = self.focused
        if isinstance(focused, TweetList):
            return focused.current
        if self._last_list is not None:
            return self._last_list.current
        return self.main.query_one("#mentions", TweetList).current

    def _need_target(self, *, mention: bool = False) -> Row | None:
        row = self.target()
        if row is None:
            self.notify("Pick a tweet first (j/k to move).", severity="warning")
            return None
        if mention and row.own:
            self.notify("That is your own tweet; marks are for mentions.", severity="warning")
            return None
        return row

    def action_reply(self) -> None:
        row = self._need_target()
        if row is not None:
            self.start_reply(row)

    def start_reply(self, row: Row) -> None:
        compose = self.main.query_one(ComposePane)
        if (
            compose.text.strip()
            and self.reply_to is not None
            and self.reply_to.tweet.id == row.tweet.id
        ):
            self.main.action_show_pane("compose")
            return
        self._flush_draft()
        self.reply_to = row
        self.draft_id = None
        compose.show_reply(row)
        self._set_draft_text(f"{row.handle} " if row.author is not None else "")
        compose.show_state("new reply")
        self.main.action_show_pane("compose")

    def action_mark_no_reply(self) -> None:
        from tuicoach.ui import screens

        row = self._need_target(mention=True)
        if row is None:
            return

        def marked(reason: str | None) -> None:
            if reason:
                self._mark(row, reason)

        self.push_screen(screens.MarkScreen(row), marked)

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark(self, row: Row, reason: str) -> None:
        assert self.account is not None
        self.account.store.mark_no_reply(row.tweet.id, reason, now=self.clock())
        step = UndoStep(row.tweet.id, f"no reply needed for {row.handle}")
        self.call_from_thread(self._marked, step, f"{row.handle}: no reply needed ({reason}).")

    def action_snooze(self) -> None:
        from tuicoach.ui import screens

        row = self._need_target(mention=True)
        if row is None:
            return

        def chosen(until: datetime | None) -> None:
            if until is not None:
                self._snooze(row, until)

        self.push_screen(screens.SnoozeScreen(row, self.clock()), chosen)

    @work(thread=True, group="marks", exit_on_error=False)
    def _snooze(self, row: Row, until: datetime) -> None:
        assert self.account is not None
        self.account.store.snooze(row.tweet.id, until, now=self.clock())
        when = until.astimezone().strftime("%a %H:%M")
        step = UndoStep(row.tweet.id, f"snooze of {row.handle}")
        self.call_from_thread(self._marked, step, f"{row.handle} snoozed until {when}.")

    def _marked(self, step: UndoStep, said: str) -> None:
        self._undo.append(step)
        self.notify(f"{said} u undoes it.")
        self.reload_mentions()

    def action_undo(self) -> None:
        if self.account is None:
            return
        if self._undo:
            step = self._undo.pop()
            self._unmark(step.tweet_id, f"Undid the {step.what}.")
            return
        row = self.target()
        if row is not None and row.note:
            self._unmark(row.tweet.id, f"{row.handle} is back in the owed list.")
        else:
            self.notify("Nothing to undo.")

    @work(thread=True, group="marks", exit_on_error=False)
    def _unmark(self, tweet_id: str, said: str) -> None:
        assert self.account is not None
        self.account.store.clear_mark(tweet_id)
        self.call_from_thread(self.notify, said)
        self.reload_mentions()

    def action_like(self) -> None:
        row = self._need_target()
        if row is not None and self.account is not None:
            self._like(row)

    @work(thread=True, group="like", exit_on_error=False)
    def _like(self, row: Row) -> None:
        assert self.account is not None
        self.account.backend.like(row.tweet.id)
        self.call_from_thread(self.notify, f"Liked {row.handle}'s tweet.")

    def action_open_conversation(self) -> None:
        row = self._need_target()
        if row is not None and self.account is not None:
            self._open_conversation(row)

    @on(TweetList.Selected)
    def _selected(self, event: TweetList.Selected) -> None:
        if event.tweet_list.screen is self.main:
            self.action_open_conversation()

    @work(thread=True, group="conversation", exit_on_error=False)
    def _open_conversation(self, row: Row) -> None:
        from tuicoach.ui import screens

        assert self.account is not None and self.coach is not None
        rows = data.conversation(self.account, row.tweet)

        def show() -> None:
            self.push_screen(
                screens.ConversationScreen(rows, row.tweet.id, self.clock), self._reply_from_thread
            )

        self.call_from_thread(show)

    def _reply_from_thread(self, row: Row | None) -> None:
        if row is not None:
            self.start_reply(row)

    def action_copy_text(self) -> None:
        row = self._need_target()
        if row is not None:
            self.copy_to_clipboard(row.tweet.text)
            self.notify("Copied the tweet's text.")

    def action_copy_link(self) -> None:
        row = self._need_target()
        if row is not None:
            self.copy_to_clipboard(data.tweet_link(row))
            self.notify("Copied the tweet's link.")

    # -- panes, help ---------------------------------------------------------------------------

    def action_focus_pane(self, name: str) -> None:
        self.main.action_show_pane(name)

    def action_compose(self) -> None:
        self.main.action_show_pane("compose")

    def action_leave_compose(self) -> None:
        self.main.action_show_pane("mentions" if self._last_list is None else self._last_pane())

    def _last_pane(self) -> str:
        return (
            "timeline"
            if self._last_list is not None and self._last_list.id == "timeline"
            else "mentions"
        )

    def action_help(self) -> None:
        from tuicoach.ui import screens

        self.push_screen(screens.HelpScreen(key_help(self.keymap)))

    # -- drafts --------------------------------------------------------------------------------

    def _set_draft_text(self, text: str) -> None:
        """Put ``text`` in the draft without counting it as an edit (nothing to save)."""
        compose = self.main.query_one(ComposePane)
        if compose.text == text:
            compose.show_length(text)  # no Changed will come to count it
            return
        self._restoring = True  # the Changed this causes is ours, not the user's
        compose.set_text(text)

    def _restore_draft(self, draft: data.SavedDraft, count: int) -> None:
        self.draft_id = draft.id
        self.reply_to = draft.reply_to
        compose = self.main.query_one(ComposePane)
        compose.show_reply(draft.reply_to)
        self._set_draft_text(draft.text)
        more = f" · {count - 1} more in Drafts (d)" if count > 1 else ""
        compose.show_state(f"draft restored{more}")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Named, not @on(TextArea.Changed): TextArea is imported after the first frame.
        if event.text_area.id != "draft":
            return
        text = event.text_area.text
        report = self._rescore(text)
        compose = self.main.query_one(ComposePane)
        # The coach has counted the draft already; count it here only when it has not.
        compose.show_length(text, None if report is None else report.weighted_length)
        if self._restoring:
            self._restoring = False
            return
        self._draft_dirty = True
        compose.show_state("editing…")
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY, self._save_draft)

    @property
    def draft_saved(self) -> bool:
        """No edit is waiting to be saved (tests and snapshots wait for this)."""
        return not (self._draft_dirty or self._draft_saving or self._draft_timer is not None)

    def _save_draft(self) -> None:
        self._draft_timer = None
        if not self._draft_dirty or self._draft_saving or self.account is None:
            return
        self._draft_dirty = False
        self._draft_saving = True
        text = self.main.query_one(ComposePane).text
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        self._save_draft_worker(text, self.draft_id, reply_id)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _save_draft_worker(self, text: str, draft_id: int | None, reply_id: str | None) -> None:
        assert self.account is not None
        saved = data.save_draft(self.account, text, draft_id, reply_id, self.clock())
        self.call_from_thread(self._draft_saved, saved)

    def _draft_saved(self, draft_id: int | None) -> None:
        self.draft_id = draft_id
        self._draft_saving = False
        self.main.query_one(ComposePane).show_state("saved" if draft_id else "")
        if self._draft_dirty:
            self._save_draft()

    def _flush_draft(self) -> None:
        """Save now, on this thread (before replacing the draft, or quitting)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.account is None or not self._draft_dirty:
            return
        self._draft_dirty = False
        text = self.main.query_one(ComposePane).text
        reply_id = self.reply_to.tweet.id if self.reply_to else None
        self.draft_id = data.save_draft(self.account, text, self.draft_id, reply_id, self.clock())

    def action_new_tweet(self) -> None:
        self._flush_draft()
        self.reply_to = None
        self.draft_id = None
        compose = self.main.query_one(ComposePane)
        compose.show_reply(None)
        self._set_draft_text("")
        compose.show_state("new tweet")
        self.main.action_show_pane("compose")

    def action_drafts(self) -> None:
        from tuicoach.ui import screens

        if self.account is None:
            return
        self._flush_draft()
        drafts = data.drafts(self.account)
        self.push_screen(
            screens.DraftsScreen(drafts, self.clock(), self._delete_draft), self._open_draft
        )

    def _delete_draft(self, draft_id: int) -> None:
        assert self.account is not None
        self.account.store.delete_draft(draft_id)
        if draft_id == self.draft_id:
            self.draft_id = None

    def _open_draft(self, draft_id: int | None) -> None:
        if draft_id is None or self.account is None:
            return
        saved = data.draft_by_id(self.account, draft_id)
        if saved is not None:
            self._restore_draft(saved, 1)
            self.main.action_show_pane("compose")

    async def action_quit(self) -> None:
        self._flush_draft()
        self.exit()

    def on_unmount(self) -> None:
        """On the way out, however the app ends: close the account, so the database file is
        whole on disk (not half in its write-ahead log) for a backup or a copy."""
        if self.account is not None:
            self.account.close()

    # -- the coach ------------------------------------------------------------------------------

    def _rescore(self, text: str | None = None) -> Report | None:
        """Cheap rules now, on this thread; the full report (near-duplicates) in a worker.

        ``text`` is the draft's, when the caller has it; returns the cheap report.
        """
        if self.coach is None:
            return None
        if text is None:
            text = self.main.query_one(ComposePane).text
        self._generation += 1
        if not text.strip():
            self._report = None
            self.main.query_one(CoachPane).show_report(None)
            return None
        draft = data.make_draft(text, self.reply_to)
        report = data.report(self.coach, draft, self.clock(), self.snapshot, full=False)
        self.main.query_one(CoachPane).show_report(report, pending=True)
        if not self._full_running:
            self._start_full(draft, self._generation)
        return report

    def _start_full(self, draft: Draft, generation: int) -> None:
        self._full_running = True
        self._full_report(draft, generation, self.snapshot)

    @work(thread=True, group="coach", exit_on_error=False)
    def _full_report(self, draft: Draft, generation: int, snapshot: data.Snapshot | None) -> None:
        assert self.coach is not None
        with self._coach_lock:
            report = data.report(self.coach, draft, self.clock(), snapshot, full=True)
        self.post_message(self.FullReport(generation, report))

    @on(FullReport)
    def _full_report_done(self, message: FullReport) -> None:
        self._full_running = False
        if message.generation != self._generation:
            # Stale: the text changed while the search ran. Search the latest text instead.
            text = self.main.query_one(ComposePane).text
            if text.strip():
                self._start_full(data.make_draft(text, self.reply_to), self._generation)
            return
        self._report = message.report
        self.report_shown_at = time.perf_counter()  # for benchmarks/ui_coach_latency.py
        self.main.query_one(CoachPane).show_report(message.report)

    @property
    def report(self) -> Report | None:
        """The full report of the current text, once the search has caught up."""
        return self._report

    # -- sending --------------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.account is None or self.coach is None:
            return
        text = self.main.query_one(ComposePane).text
        self._score_for_sending(text, self.reply_to)

    @work(thread=True, group="send", exclusive=True, exit_on_error=False)
    def _score_for_sending(self, text: str, reply_to: Row | None) -> None:
        assert self.coach is not None
        with self._coach_lock:
            draft = data.make_draft(text, reply_to)
            report = data.report(self.coach, draft, self.clock(), self.snapshot, full=True)
        self.call_from_thread(self._confirm_send, report, reply_to)

    def _confirm_send(self, report: Report, reply_to: Row | None) -> None:
        from tuicoach.ui import screens

        if not (report.has_errors or report.has_warnings):
            self._post(report.text, reply_to)
            return

        def answered(go: bool | None) -> None:
            if go:
                self._post(report.text, reply_to)

        self.push_screen(screens.ConfirmSendScreen(report, reply=reply_to is not None), answered)

    def _post(self, text: str, reply_to: Row | None) -> None:
        self.main.query_one(ComposePane).show_state("sending…")
        self._post_worker(text, reply_to, self.draft_id)

    @work(thread=True, group="send", exit_on_error=False)
    def _post_worker(self, text: str, reply_to: Row | None, draft_id: int | None) -> None:
        assert self.account is not None and self.coach is not None
        try:
            tweet = self.account.backend.post(text, reply_to=reply_to.tweet if reply_to else None)
        except BackendError as error:
            self.call_from_thread(self._post_failed, error)
            return
        if draft_id is not None:
            self.account.store.delete_draft(draft_id)
        self.call_from_thread(self._posted, tweet, reply_to)

    def _post_failed(self, error: BackendError) -> None:
        self.main.query_one(ComposePane).show_state("not sent; the draft is kept")
        self.show_backend_error(error)

    def _posted(self, tweet: Tweet, reply_to: Row | None) -> None:
        assert self.coach is not None
        with self._coach_lock:
            self.coach.add_to_history(tweet)
        self._draft_dirty = False
        self.draft_id = None
        self.reply_to = None
        compose = self.main.query_one(ComposePane)
        compose.show_reply(None)
        self._set_draft_text("")
        self._read_cost()
        demo = self.account is not None and self.account.backend.is_demo
        where = " (in the demo: stored here, not on X)" if demo else ""
        if reply_to is not None:
            compose.show_state(f"replied to {reply_to.handle}")
            self.notify(f"Replied to {reply_to.handle}{where}.")
        else:
            compose.show_state("posted")
            self.notify(f"Posted{where}.")
        self.reload_mentions()
        self.reload_timeline()
        # Back to the list: the next mention is one key away.
        self.main.action_show_pane(self._last_pane())

    @work(thread=True, exclusive=True, group="timeline-head", exit_on_error=False)
    def reload_timeline(self) -> None:
        """The newest page again (after a post, a sync), keeping the rest of what is loaded."""
        if self.account is None:
            return
        rows = data.timeline_page(self.account, None, TIMELINE_PAGE)
        self.call_from_thread(self._timeline_head, rows)

    def _timeline_head(self, rows: list[Row]) -> None:
        timeline = self.main.query_one("#timeline", TweetList)
        fresh = {row.tweet.id for row in rows}
        oldest = rows[-1].tweet.created_at if rows else None
        older = [
            row
            for row in timeline.rows
            if row.tweet.id not in fresh and (oldest is None or row.tweet.created_at <= oldest)
        ]
        timeline.set_rows([*rows, *older])
