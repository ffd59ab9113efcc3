"""Listening in the whole app, on the demo: its tab at 80x24 with the open count, the search
editor (add, edit, with what a search would have cost before it is saved), and tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList
from ui_helpers import NOW, demo_connect, fixed_clock, make_app, settle

from tuicoach.backends.base import Capabilities
from tuicoach.ui.panes.base import ACTIVE_MARK
from tuicoach.ui.view import Account
from tuicoach.ui.widgets.status import PaneTabs

NARROW = (80, 24)


def tabs_text(app: Any) -> str:
    return str(app.main.query_one(PaneTabs).render())


async def test_at_80x24_listening_has_a_tab_with_its_open_count(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        pane = app.main.listening
        assert pane is not None
        pane.refresh_listening(poll=True)
        await settle(pilot)
        count = pane.view.open_count
        assert count > 0
        assert f"5 Listening · {count} open" in tabs_text(app)
        assert len(tabs_text(app)) <= NARROW[0]
        await pilot.click(PaneTabs, offset=(tabs_text(app).index("5 Listening") + 2, 0))
        await settle(pilot)
        assert app.main.active == "listening"
        assert pane.region.width == NARROW[0] and pane.region.bottom <= NARROW[1]
        assert not app.main.mentions.region.width  # one pane at a time
        pane.query_one("#listen-list", OptionList).focus()
        await pilot.press("h")  # handled: one fewer open, in the tab too
        await settle(pilot)
        assert f"5 Listening · {count - 1} open" in tabs_text(app)


async def test_at_160x45_listening_in_the_mentions_column_shows_the_focus_marker(
    tmp_path: Path,
) -> None:
    """Issue 9: the focused pane's title starts with the marker, with no colour needed;
    Listening, taking the Mentions column, is marked as the other panes are."""
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = app.main.listening
        assert pane is not None
        await pilot.press("5")
        await settle(pilot)
        assert app.main.active == "listening" and pane.region.width > 0
        assert not app.main.mentions.region.width  # it took the Mentions column
        title = str(pane.border_title)
        assert title.startswith(f"{ACTIVE_MARK}Listening · ")
        assert not str(app.main.pane("timeline").border_title).startswith(ACTIVE_MARK)
        await pilot.press("1")  # the timeline has the focus: the marker moves there
        await settle(pilot)
        assert str(app.main.pane("timeline").border_title).startswith(ACTIVE_MARK)
        assert not str(pane.border_title).startswith(ACTIVE_MARK)
        assert str(pane.border_title).startswith("Listening · ")


async def test_without_search_there_is_no_listening_tab(tmp_path: Path) -> None:
    demo = demo_connect(tmp_path, fixed_clock(NOW))

    class NoSearch:
        def __init__(self, account: Account) -> None:
            self.inner = account.backend

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        @property
        def capabilities(self) -> Capabilities:
            return Capabilities(like=True, search=False)

    def connect() -> Account:
        account = demo()
        return Account(account.store, NoSearch(account))  # type: ignore[arg-type]

    app = make_app(tmp_path, connect=connect)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.main.listening is None
        assert "Listening" not in tabs_text(app) and "4 Coach" in tabs_text(app)
        seen = []
        for _ in range(6):
            await pilot.press("tab")
            await pilot.pause()
            seen.append(app.main.active)
        assert "listening" not in seen and {"timeline", "coach"} <= set(seen)
        await pilot.press("5")
        await pilot.pause()
        assert app.notices[-1] == "Listening needs a backend that can search."


async def test_an_opportunity_is_tagged_with_the_cue_suggested_not_applied(
    tmp_path: Path,
) -> None:
    import json
    import os

    from conftest import run_tuicoach

    from tuicoach.store import feedback
    from tuicoach.ui.feedback import FeedbackScreen, TagScreen

    data = tmp_path / "data"
    app = make_app(data)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = app.main.listening
        assert pane is not None
        await pilot.press("5")
        pane.refresh_listening(poll=True)
        await settle(pilot)
        # The complaint that names the shop without tagging it: first, as the most needed.
        item = pane.current()
        assert item is not None and "lukewarm" in item.tweet.text.lower()
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagScreen)
        assert [s.tag for s in app.screen.suggestions][:1] == ["complaint"]
        assert feedback.tags_of(app.account.store, item.tweet.id) == ()  # only suggested
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is app.main
        assert feedback.tags_of(app.account.store, item.tweet.id) == ("complaint",)
        assert app.notices[-1] == f"Tagged {item.handle}'s post complaint."
        await pilot.press("F")  # the Feedback view counts it with the mentions' tags
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen) and app.screen.view is not None
        (complaints,) = [f for f in app.screen.view.figures if f.tag == "complaint"]
        assert item.tweet.id in {t.id for t in complaints.tweets}
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")}
    env |= {"TUICOACH_DATA_DIR": str(data), "TUICOACH_CONFIG": str(tmp_path / "none.toml")}
    done = run_tuicoach(
        "feedback", "export", "--demo", "--now", "2026-03-02T09:31:00Z", "--jsonl", env=env
    )
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(row) for row in done.stdout.splitlines()]
    assert line["link"].endswith(item.tweet.id) and line["tags"] == ["complaint"]
    assert line["author"] == item.handle
