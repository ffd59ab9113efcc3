"""Themes as data files: the shipped ones, users' own, broken ones, and the wheel."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from textual.app import App
from textual.color import Color

from tuicoach.ui.themes import (
    APP_VARIABLES,
    DEFAULT_THEME,
    ThemeError,
    bundled_themes_dir,
    load_theme,
    load_themes,
    variable_defaults,
)

GOOD = """
name = "mine"
dark = false
[colors]
primary = "#336699"
[variables]
score-good = "#00ff00"
footer-key-text-style = "bold"
"""


def test_the_shipped_themes_load_and_define_every_app_colour() -> None:
    loaded = load_themes([bundled_themes_dir()])
    assert loaded.errors == ()
    names = {theme.name for theme in loaded.themes}
    assert len(names) >= 3
    assert DEFAULT_THEME in names
    for theme in loaded.themes:
        assert set(APP_VARIABLES) <= set(theme.variables), theme.name
        for name in APP_VARIABLES:
            Color.parse(theme.variables[name])


def test_app_colours_default_from_any_theme() -> None:
    """A Textual theme with no tuicoach variables still gets all of them (palette switching)."""
    for theme in App().available_themes.values():
        defaults = variable_defaults(theme)
        assert set(defaults) == set(APP_VARIABLES)
        for value in defaults.values():
            Color.parse(value)


def test_a_user_theme_is_read_and_overrides_by_name(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "espresso.toml").write_text(GOOD.replace('"mine"', '"espresso"'), encoding="utf-8")
    loaded = load_themes([bundled_themes_dir(), tmp_path, tmp_path / "missing"])
    by_name = {theme.name: theme for theme in loaded.themes}
    assert by_name["mine"].dark is False
    assert by_name["mine"].variables["score-good"] == "#00ff00"
    assert by_name["espresso"].primary == "#336699"  # the user's file wins


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = \n", "is not valid TOML"),
        ("dark = true\n[colors]\nprimary = '#fff'\n", "needs a name"),
        ("name = 'x'\n", "needs a [colors] table"),
        (
            "name = 'x'\n[colors]\nprimary = 'blurple'\n",
            "[colors] primary = 'blurple' is not a colour",
        ),
        ("name = 'x'\n[colors]\nprimary = 3\n", "[colors] primary must be a colour in quotes"),
        (
            "name = 'x'\n[colors]\nprimary = '#fff'\nsheen = '#000'\n",
            "'sheen' is not a theme colour",
        ),
        ("name = 'x'\ncolours = 1\n[colors]\nprimary = '#fff'\n", "unknown key 'colours'"),
        ("name = 'x'\ndark = 'yes'\n[colors]\nprimary = '#fff'\n", "dark must be true or false"),
        (
            "name = 'x'\n[colors]\nprimary = '#fff'\n[variables]\nscore-good = 'green-ish'\n",
            "[variables] score-good = 'green-ish' is not a colour",
        ),
        (
            "name = 'x'\n[colors]\nprimary = '#fff'\n[variables]\nfooter-key-text-style = 'loud'\n",
            "footer-key-text-style must be text styles",
        ),
    ],
)
def test_a_broken_theme_file_is_an_error_naming_file_and_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


def test_broken_files_are_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    (tmp_path / "a-broken.toml").write_bytes(b"\xff\xfe not text")
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    loaded = load_themes([tmp_path])
    assert [t.name for t in loaded.themes] == ["mine"]
    assert len(loaded.errors) == 1
    assert loaded.errors[0].path.name == "a-broken.toml"
    assert "UTF-8" in loaded.errors[0].problem


@pytest.mark.slow
def test_the_wheel_ships_the_themes_and_an_installed_copy_finds_them(tmp_path: Path) -> None:
    """Build the wheel, unpack it as pip would, and ask it where its themes are."""
    # With hatchling at hand no network is needed; else pip fetches it, as for any install.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    command = [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", *isolation]
    subprocess.run([*command, "-q", "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("tuicoach-*.whl")
    shipped = {path.name for path in (REPO / "themes").glob("*.toml")}
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert {f"tuicoach/_themes/{name}" for name in shipped} <= set(names)
        assert "tuicoach/ui/app.tcss" in names
        site = tmp_path / "site"
        archive.extractall(site)
    code = (
        "from tuicoach.ui.themes import bundled_themes_dir, load_themes\n"
        "folder = bundled_themes_dir()\n"
        "loaded = load_themes([folder])\n"
        "print(folder)\n"
        "print(sorted(t.name for t in loaded.themes), len(loaded.errors))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == str(site / "tuicoach" / "_themes")
    assert out[1] == f"{sorted(Path(n).stem for n in shipped)} 0"
