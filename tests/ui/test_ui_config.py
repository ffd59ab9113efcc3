"""The app's config sections ([theme], [keymap], [ui]) and how `tuicoach` reacts to mistakes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import conftest
import pytest
from conftest import write_config

from tuicoach.config import ConfigError, dumps, load
from tuicoach.ui.keys import BINDING_IDS, key_help
from tuicoach.ui.launch import AppSettings, read_settings


def test_theme_and_keymap_are_read_and_printed_back(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, '[theme]\nname = "oat"\n[keymap]\nreply = "r , ctrl+r"\nsend = "f5"\n'
    )
    config = load(path)
    assert config.theme == "oat"
    assert config.keymap == {"reply": "r,ctrl+r", "send": "f5"}
    again = load(write_config(tmp_path, dumps(config)))
    assert (again.theme, dict(again.keymap)) == ("oat", {"reply": "r,ctrl+r", "send": "f5"})


def test_no_config_file_needs_no_reading(tmp_path: Path) -> None:
    assert read_settings(tmp_path / "none.toml") == AppSettings()


def test_an_unknown_binding_id_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[keymap]\nrepyl = "x"\n')
    with pytest.raises(ConfigError) as caught:
        read_settings(path)
    assert caught.value.key == "keymap.repyl"
    assert str(caught.value).startswith(f"{path}: keymap.repyl: ")
    assert "did you mean reply?" in str(caught.value)


def test_every_binding_has_a_unique_id_and_help() -> None:
    rows = key_help({})
    assert len({row.id for row in rows}) == len(rows) == len(BINDING_IDS)
    assert all(row.description and row.keys for row in rows)
    remapped = {row.id: row.keys for row in key_help({"reply": "e,ctrl+r"})}
    assert remapped["reply"] == "e ctrl+r"


def test_no_binding_anywhere_in_the_app_lacks_an_id() -> None:
    """Every screen's and widget's BINDINGS, dialogs included: all remappable, all in help."""
    import inspect

    from textual.binding import Binding
    from textual.dom import DOMNode

    from tuicoach.ui import app, feedback, main_screen, queue, reports, screens
    from tuicoach.ui.panes import coach, compose, listening, lists, mentions, timeline
    from tuicoach.ui.widgets import coach_panel, draft_area, status, tweet_list

    modules = (app, main_screen, screens, coach_panel, draft_area, status, tweet_list)
    modules += (coach, compose, listening, lists, mentions, timeline, reports, feedback, queue)
    classes = {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DOMNode) and cls.__module__.startswith("tuicoach.")
    }
    bindings = [
        (cls.__name__, b)
        for cls in classes
        for b in cls.__dict__.get("BINDINGS", [])
        if isinstance(b, Binding)
    ]
    assert len(bindings) > 20  # the walk found the app's bindings
    missing = [(name, b.key) for name, b in bindings if b.id not in BINDING_IDS]
    assert missing == []
    assert {"cancel", "close-dialog", "delete-draft", "open-demo"} <= BINDING_IDS


def run_tuicoach(*args: str, config: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUICOACH_CONFIG": str(config)}
    return conftest.run_tuicoach("--data-dir", str(data), *args, env=env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[keymap]\nrepyl = "x"\n',
            "keymap.repyl: no key binding has this id; did you mean reply?",
        ),
        ('[keymap]\nreply = "ctrl+"\n', "keymap.reply: 'ctrl+' is not a key name"),
        ("[theme]\nname = 3\n", "theme.name: expected a theme name"),
    ],
)
def test_the_app_does_not_start_on_a_broken_config(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = write_config(tmp_path, text)
    result = run_tuicoach("--demo", config=config, data=tmp_path / "data")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"tuicoach: {config}: ")
    assert expected in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was opened or created


def test_help_shows_the_app_options(tmp_path: Path) -> None:
    result = run_tuicoach("--help", config=tmp_path / "c.toml", data=tmp_path)
    assert result.returncode == 0
    for option in ("--demo", "--theme", "--now"):
        assert option in result.stdout
    assert "--exit-when" not in result.stdout  # the benchmark's switch stays out of the way
