"""Issue 11: every "N owed" the app shows counts the same thing, people, on the demo."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Static
from ui_helpers import make_app, settle

from tuicoach.ui.reports import ReportsScreen


async def test_mentions_title_coach_strip_and_reports_agree_on_people(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        snapshot = app.main.mentions.snapshot
        assert snapshot is not None
        people, tweets = snapshot.owed_people, len(snapshot.owed)
        assert 0 < people < tweets  # the demo has someone who wrote twice
        title = str(app.main.pane("mentions").border_title)
        assert re.search(r"· (\d+) owed", title).group(1) == str(people)  # type: ignore[union-attr]
        strip = str(app.main.query_one("#account-strip", Static).render())
        assert f"Owed    {people} people waiting ({tweets} tweets)" in strip, strip
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.view is not None
        backlog = str(screen.query_one("#backlog-numbers", Static).render())
        assert f"Owed now   {people} people ({tweets} tweets)" in backlog, backlog
