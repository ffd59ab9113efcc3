"""``[team] name`` reaches the account the app opens: its drafts and marks say who made them."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from tuicoach.store import Store
from tuicoach.ui.launch import build_app

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _opened_store(tmp_path: Path, config_text: str | None) -> Store:
    config = tmp_path / "config.toml"
    if config_text is not None:
        config.write_text(config_text, encoding="utf-8")
    args = argparse.Namespace(
        config=str(config),
        data_dir=str(tmp_path / "data"),
        demo=True,
        now=NOW,
        theme=None,
        exit_when="ready",  # the app opens nothing itself: the test opens it with its connect
    )
    app = build_app(args)
    assert app.connect is not None
    return app.connect().store


def test_the_team_name_is_who_made_drafts_and_marks(tmp_path: Path) -> None:
    store = _opened_store(tmp_path, '[team]\nname = "Jen"\nsignature = "^JD"\n')
    assert store.author == "Jen"
    store.save_draft("on its way ^JD", now=NOW)
    store.mark_no_reply("1", "answered by phone", now=NOW)
    with store.reading() as db:
        assert db.execute("SELECT author FROM drafts").fetchall() == [("Jen",)]
        assert db.execute("SELECT marked_by FROM marks WHERE tweet_id = ?", ("1",)).fetchall() == [
            ("Jen",)
        ]


def test_without_a_team_nobody_is_named(tmp_path: Path) -> None:
    store = _opened_store(tmp_path, None)
    assert store.author is None
