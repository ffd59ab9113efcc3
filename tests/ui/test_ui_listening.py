"""The Listening pane, mounted alone in a minimal App and driven by Pilot on the demo's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList, Static, TextArea

from tuicoach.backends.demo import DemoBackend, open_demo_store
from tuicoach.domain.listen import SavedSearch, State
from tuicoach.store import Store
from tuicoach.store.listen import ListenStore
from tuicoach.ui.panes.listening import ListeningPane, load_listening
from tuicoach.ui.screens import SearchEditorScreen

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class PaneApp(App[None]):
    def __init__(self, pane: ListeningPane) -> None:
        super().__init__()
        self.pane = pane
        self.seen: list[Any] = []
        self.notices: list[str] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notices.append(message)
        super().notify(message, **kwargs)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        from tuicoach.ui import themes  # the app's colours, for the thread's tweet list

        return themes.variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_listening_pane_draft_requested(self, message: ListeningPane.DraftRequested) -> None:
        self.seen.append(message)

    def on_listening_pane_decided(self, message: ListeningPane.Decided) -> None:
        self.seen.append(message)

    def on_listening_pane_count_changed(self, message: ListeningPane.CountChanged) -> None:
        self.seen.append(message)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, DemoBackend, Clock]]:
    clock = Clock()
    store = open_demo_store(tmp_path, NOW)
    backend = DemoBackend(store, now=clock)
    yield store, backend, clock
    store.close()


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_the_view_groups_by_search_complaints_and_questions_first(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    backend.listen()
    view = load_listening(store, now=clock.now)
    assert [g.search for g in view.groups] == ["larkspur", "blends"]
    larkspur = view.groups[0].items
    assert view.open_count == 7 and len(larkspur) == 5
    ranks = [i.band.rank for i in larkspur]
    assert ranks == sorted(ranks)
    assert "lukewarm" in larkspur[0].tweet.text or "oat milk" in larkspur[0].tweet.text
    assert "back border" in larkspur[-1].tweet.text or larkspur[-1].band.rank > 0
    for group in view.groups:  # the most needed first, newest first among equals
        for a, b in zip(group.items, group.items[1:], strict=False):
            assert (a.band.rank, a.tier) <= (b.band.rank, b.tier)
            if (a.band, a.tier) == (b.band, b.tier):
                assert a.tweet.created_at >= b.tweet.created_at


async def test_a_complaint_goes_before_a_newer_question_and_spam_shows_last(
    tmp_path: Path,
) -> None:
    from tuicoach.domain.models import Tweet, User

    clock = Clock()
    store = Store.open(tmp_path / "acme.sqlite3")
    listen = ListenStore(store)
    listen.save_search(SavedSearch.from_terms("shop", "acme"), now=clock.now)
    people = [User(str(i), f"person_{i}") for i in range(1, 5)]
    said = [
        "acme bakery was rude to me and the bread was stale, never again",  # oldest
        "anyone know if acme bakery opens before 7?",
        "acme fans claim your free airdrop now, follow back #followback F4F",
        "walked past acme bakery today",  # newest
    ]
    tweets = [
        Tweet(str(100 + i), text, clock.now - timedelta(hours=4 - i), people[i].id)
        for i, text in enumerate(said)
    ]
    listen.add("shop", tweets, people, now=clock.now)
    pane = ListeningPane(store, clock=clock)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        shown = [str(o.prompt) for o in pane.query_one("#listen-list", OptionList).options]
        assert shown[0] == "shop · 4 open"
        assert "never again" in shown[1] and "needs an answer" in shown[1]  # older, first
        assert "before 7?" in shown[2] and "needs an answer" in shown[2]
        assert "walked past" in shown[3]
        assert "airdrop" in shown[4] and "probably spam" in shown[4]
    store.close()


async def test_an_opportunity_is_drafted_copied_and_marked_handled(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    pane = ListeningPane(store, clock=clock, backend=backend, poll_seconds=3600)
    app = PaneApp(pane)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert pane.border_title == "Listening · 7 open"
        options = pane.query_one("#listen-list", OptionList)
        options.focus()
        first = pane.current()
        assert first is not None
        assert "simulated" in str(pane.query_one("#listen-status", Static).render())

        await pilot.press("r")  # draft an answer, inline
        await pilot.pause()
        area = pane.query_one("#listen-draft-text", TextArea)
        assert area.has_focus and pane.has_class("-drafting")
        assert area.text.startswith(f"@{first.author.username} ")  # type: ignore[union-attr]
        for key in "So sorry! ":  # typed key by key: one draft row however fast
            await pilot.press({" ": "space", "!": "exclamation_mark"}.get(key, key))
        area.insert("Use code SORRY20 for 20% off, order today")
        await pilot.pause()
        coach_line = str(pane.query_one("#listen-coach", Static).render())
        assert "pitch-to-stranger" in coach_line  # a pitch in a stranger's conversation
        area.text = (
            f"@{first.author.username} So sorry, that's not us at our best. Which day was it? ^JD"  # type: ignore[union-attr]
        )
        await pilot.pause()
        assert "pitch-to-stranger" not in str(pane.query_one("#listen-coach", Static).render())

        await settle(pilot)
        saved = [d for d in store.drafts() if d.reply_to_id == first.tweet.id]
        assert [d.text for d in saved] == [area.text]  # one draft row, kept up to date
        await pilot.press("escape")  # back to the list, the draft kept
        await pilot.press("y")
        assert app.clipboard == pane.drafts[first.tweet.id]
        assert app.clipboard.endswith("Which day was it? ^JD")
        await pilot.press("Y")
        assert app.clipboard == f"https://x.com/{first.author.username}/status/{first.tweet.id}"  # type: ignore[union-attr]

        await pilot.press("h")
        await settle(pilot)
        assert pane.border_title == "Listening · 6 open"
        opportunity = ListenStore(store).opportunity(first.tweet.id)
        assert opportunity is not None and opportunity.state is State.HANDLED
        kinds = [type(m).__name__ for m in app.seen]
        assert "DraftRequested" in kinds and "Decided" in kinds
        assert [m.count for m in app.seen if isinstance(m, ListeningPane.CountChanged)] == [7, 6]

        await pilot.press("u")  # undo brings it back
        await settle(pilot)
        assert pane.border_title == "Listening · 7 open"
        assert ListenStore(store).opportunity(first.tweet.id).state is State.OPEN  # type: ignore[union-attr]


async def test_not_worth_joining_needs_a_reason_and_snooze_hides_for_hours(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    backend.listen()
    pane = ListeningPane(store, clock=clock, backend=backend)
    app = PaneApp(pane)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        pane.query_one("#listen-list", OptionList).focus()
        target = pane.current()
        assert target is not None
        await pilot.press("m")
        await pilot.press("enter")  # no reason: refused, nothing written
        await settle(pilot)
        assert ListenStore(store).opportunity(target.tweet.id).state is State.OPEN  # type: ignore[union-attr]
        for key in "not about us":
            await pilot.press({" ": "space"}.get(key, key))
        await pilot.press("enter")
        await settle(pilot)
        marked = ListenStore(store).opportunity(target.tweet.id)
        assert marked is not None and marked.state is State.NOT_WORTH
        assert marked.reason == "not about us"
        assert pane.border_title == "Listening · 6 open"
        await pilot.press("z")
        await settle(pilot)
        assert pane.border_title == "Listening · 5 open"
        clock.now += timedelta(hours=5)
        pane.refresh_listening()
        await settle(pilot)
        assert pane.border_title == "Listening · 6 open"  # the snooze ended


async def test_new_opportunities_arrive_while_the_pane_is_open(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    pane = ListeningPane(store, clock=clock, backend=backend, poll_seconds=3600)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert pane.border_title == "Listening · 7 open"
        clock.now += timedelta(minutes=10)
        pane.refresh_listening(poll=True)
        await settle(pilot)
        assert pane.border_title == "Listening · 11 open"


async def test_saved_searches_are_added_edited_and_removed_from_the_pane(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    backend.listen()
    pane = ListeningPane(store, clock=clock, backend=backend)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        pane.query_one("#listen-list", OptionList).focus()
        await pilot.press("a")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, SearchEditorScreen)
        editor.query_one("#search-name", Input).value = "media"
        editor.query_one("#search-terms", Input).value = "query: has:media"
        await pilot.press("enter")
        await settle(pilot)
        cost = str(editor.query_one("#search-cost", Static).render())
        assert "Not saved" in cost and "cannot stand alone" in cost
        assert pilot.app.screen is editor  # refused, every field kept to be fixed
        assert editor.query_one("#search-terms", Input).value == "query: has:media"
        editor.query_one("#search-name", Input).value = "roasts"
        editor.query_one("#search-terms", Input).value = '"bessie roast", #wrenfieldcoffee'
        await pilot.pause()
        shown = str(editor.query_one("#search-query", Static).render())
        assert shown == (
            'X will run: ("bessie roast" OR #wrenfieldcoffee) -@larkspurcoffee -from:larkspurcoffee'
        )
        await pilot.press("enter")  # first: what it would have cost, nothing saved yet
        await settle(pilot)
        assert pilot.app.screen is editor and ListenStore(store).search("roasts") is None
        cost = str(editor.query_one("#search-cost", Static).render())
        assert "roasts: no posts a day, $0.000 a day (simulated" in cost
        await pilot.press("enter")  # then saved
        await settle(pilot)
        assert pilot.app.screen is not editor
        assert ListenStore(store).search("roasts").terms == ("bessie roast", "#wrenfieldcoffee")  # type: ignore[union-attr]
        assert "roasts · 0 open" in [str(o.prompt) for o in pane.query_one(OptionList).options]

        # Edit: e on an opportunity edits its search; the name stays, the terms change.
        pane.query_one("#listen-list", OptionList).focus()
        searched = pane.current()
        assert searched is not None and searched.found.opportunity.search == "larkspur"
        await pilot.press("e")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, SearchEditorScreen)
        assert editor.query_one("#search-name", Input).disabled
        terms = editor.query_one("#search-terms", Input)
        assert terms.value == "larkspur, larkspur coffee, #larkspurcoffee"
        terms.value = "larkspur coffee, #larkspurcoffee"
        editor.query_one("#search-exclude", Input).value = "flowers"
        await pilot.press("enter")
        await settle(pilot)
        assert "larkspur: about" in str(editor.query_one("#search-cost", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        edited = ListenStore(store).search("larkspur")
        assert edited is not None
        assert (edited.terms, edited.exclude, edited.lang) == (
            ("larkspur coffee", "#larkspurcoffee"),
            ("flowers",),
            "en",
        )
        assert ListenStore(store).cursor("larkspur") is None  # a changed search starts afresh

        pane.query_one("#listen-list", OptionList).focus()
        await pilot.press("x")
        await pilot.press("j")  # anything else keeps it
        await pilot.press("x")
        await settle(pilot)
        assert ListenStore(store).search("larkspur") is not None
        await pilot.press("x")
        await settle(pilot)
        assert ListenStore(store).search("larkspur") is None
        assert pane.border_title == "Listening · 2 open"
        clock.now += timedelta(minutes=10)  # the demo's later larkspur finds do not come back
        pane.refresh_listening(poll=True)
        await settle(pilot)
        assert pane.border_title == "Listening · 3 open"


async def test_a_search_with_nothing_open_is_edited_and_removed_from_its_title_line(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    ListenStore(store).save_search(SavedSearch.from_terms("quiet", "zzyzx"), now=clock.now)
    pane = ListeningPane(store, clock=clock, backend=backend)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        options = pane.query_one("#listen-list", OptionList)
        options.focus()
        options.highlighted = options.get_option_index("search:quiet")
        assert pane.current() is None and pane.current_search() == "quiet"
        await pilot.press("r")  # nothing to answer on a title line
        await pilot.press("x", "x")
        await settle(pilot)
        assert ListenStore(store).search("quiet") is None


async def test_at_80x24_the_editor_s_estimate_and_how_to_save_are_on_screen(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    from textual.containers import Vertical

    store, backend, clock = demo
    backend.listen()
    pane = ListeningPane(store, clock=clock, backend=backend)
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane.query_one("#listen-list", OptionList).focus()
        await pilot.press("a")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, SearchEditorScreen)
        editor.query_one("#search-name", Input).value = "beans"
        editor.query_one("#search-terms", Input).value = "night shift, bessie roast"
        editor.query_one("#search-exclude", Input).value = "flowers"
        await pilot.press("enter")
        await settle(pilot)
        cost = editor.query_one("#search-cost", Static)
        assert "enter saves it" in str(cost.render())
        box = editor.query_one(Vertical).region
        assert cost.region.height > 0
        assert box.y <= cost.region.y and cost.region.bottom <= box.bottom <= 24


async def test_a_search_from_the_config_file_is_not_edited_or_removed_in_the_pane(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    store, backend, clock = demo
    ListenStore(store).adopt([SavedSearch.from_terms("cfg", "zzyzx")], now=clock.now)
    pane = ListeningPane(store, clock=clock, backend=backend)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        options = pane.query_one("#listen-list", OptionList)
        options.focus()
        options.highlighted = options.get_option_index("search:cfg")
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, SearchEditorScreen)
        await pilot.press("x", "x")
        await settle(pilot)
        assert ListenStore(store).search("cfg") is not None
        said = [n for n in pilot.app.notices if "'cfg' is a [[listen]] table" in n]
        assert len(said) == 3 and "change or remove it there" in said[0]  # e, x, x


async def test_a_failed_estimate_is_said_and_the_search_can_still_be_saved() -> None:
    from tuicoach.backends.base import BackendError

    asked: list[SavedSearch] = []

    def estimate(search: SavedSearch) -> Any:
        asked.append(search)
        raise BackendError("X is unreachable (offline)")

    editor = SearchEditorScreen(handle="larkspurcoffee", estimate=estimate)

    class EditorApp(App[None]):
        result: Any = "unset"

        def on_mount(self) -> None:
            self.push_screen(editor, lambda found: setattr(self, "result", found))

    app = EditorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor.query_one("#search-name", Input).value = "beans"
        editor.query_one("#search-terms", Input).value = "huila"
        await pilot.press("enter")
        await settle(pilot)
        cost = str(editor.query_one("#search-cost", Static).render())
        assert "Could not estimate its cost: X is unreachable (offline)" in cost
        await pilot.press("enter")
        await settle(pilot)
        assert app.result == SavedSearch("beans", ("huila",))
        assert len(asked) == 1


async def test_enter_opens_an_opportunity_in_its_thread_and_r_there_drafts_it(
    demo: tuple[Store, DemoBackend, Clock],
) -> None:
    from tuicoach.ui.screens import ConversationScreen
    from tuicoach.ui.widgets.tweet_list import TweetList

    store, backend, clock = demo
    backend.listen()
    pane = ListeningPane(store, clock=clock, backend=backend)
    async with PaneApp(pane).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        options = pane.query_one("#listen-list", OptionList)
        options.focus()
        # The question asked in a local thread: its thread's top is in the store too.
        threaded = [
            i for g in pane.view.groups for i in g.items if i.tweet.replied_to_id is not None
        ]
        assert threaded, "the demo has an opportunity inside a thread"
        target = threaded[0]
        options.highlighted = options.get_option_index(target.tweet.id)
        await pilot.press("enter")
        await settle(pilot)
        thread = pilot.app.screen
        assert isinstance(thread, ConversationScreen)
        ids = [r.tweet.id for r in thread.rows]
        assert target.tweet.id in ids and target.tweet.replied_to_id in ids
        assert thread.query_one(TweetList).current.tweet.id == target.tweet.id  # type: ignore[union-attr]
        await pilot.press("r")  # reply to the highlighted one: the opportunity, drafted here
        await settle(pilot)
        assert pilot.app.screen is not thread
        assert pane.drafting == target.tweet.id and pane.has_class("-drafting")
