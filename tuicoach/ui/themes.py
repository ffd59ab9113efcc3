"""Themes as data files, turned into Textual ``Theme`` objects (the way posting does it).

A theme file is TOML::

    name = "espresso"
    dark = true

    [colors]            # any of Textual's theme colours; primary is required
    primary = "#d08c4f"
    background = "#1b1512"

    [variables]         # optional: the app's own colours (APP_VARIABLES) and Textual's
    score-good = "#8fbf6a"

The shipped themes are in the top-level ``themes/`` folder of a source checkout
and in ``tuicoach/_themes`` inside an installed wheel (pyproject force-includes
them). Users add their own in ``tuicoach.paths.user_themes_dir(config)``. A file
that cannot be read becomes a :class:`ThemeError` naming the file and the
problem; the caller shows it once and carries on with the other themes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "espresso"

COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)
TOP_LEVEL_KEYS = {"name", "dark", "description", "colors", "variables"}
TEXT_STYLES = {"bold", "italic", "underline", "reverse", "strike", "dim", "none", "not"}

# The app's own theme variables. Their defaults follow the theme's own colours,
# so Textual's built-in themes (picked from the command palette) look right too.
APP_VARIABLES = (
    "score-good",
    "score-fair",
    "score-bad",
    "owed-needs-answer",
    "owed-normal",
    "owed-thanks",
)


class ThemeError(ValueError):
    """A theme file that cannot be used; ``str()`` names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class LoadedThemes(NamedTuple):  # not a dataclass: cheaper to build before the first frame
    themes: tuple[Theme, ...]
    errors: tuple[ThemeError, ...]


def bundled_themes_dir() -> Path:
    """Where the shipped themes are: inside the installed package, or the checkout's ``themes/``."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_themes"
    if installed.is_dir():
        return installed
    return package.parent / "themes"


def variable_defaults(theme: Theme) -> dict[str, str]:
    """Defaults of :data:`APP_VARIABLES` drawn from ``theme``'s own colours."""
    success = theme.success or "#4EBF71"
    warning = theme.warning or "#FFA62B"
    error = theme.error or "#BA3C5B"
    accent = theme.accent or theme.secondary or theme.primary
    return {
        "score-good": success,
        "score-fair": warning,
        "score-bad": error,
        "owed-needs-answer": error,
        "owed-normal": warning,
        "owed-thanks": accent,
    }


def _color(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError(path, f'{where} must be a colour in quotes, like "#d08c4f"')
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(
            path, f'{where} = {value!r} is not a colour (try "#d08c4f" or "rgb(208,140,79)")'
        ) from None
    return value


def load_theme(path: Path) -> Theme:
    """Read one theme file; every problem is a :class:`ThemeError` naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThemeError(path, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ThemeError(path, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(path, f"is not valid TOML ({exc})") from None

    unknown = sorted(set(data) - TOP_LEVEL_KEYS)
    if unknown:
        raise ThemeError(
            path, f"unknown key {unknown[0]!r} (a theme has name, dark, colors, variables)"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(path, 'needs a name, e.g. name = "my-theme"')
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(path, "dark must be true or false")
    colors = data.get("colors")
    if not isinstance(colors, dict) or "primary" not in colors:
        raise ThemeError(path, 'needs a [colors] table with at least primary = "#rrggbb"')
    for key in colors:
        if key not in COLOR_KEYS:
            raise ThemeError(
                path, f"[colors] {key!r} is not a theme colour (known: {', '.join(COLOR_KEYS)})"
            )
    checked = {key: _color(path, f"[colors] {key}", value) for key, value in colors.items()}
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeError(path, "[variables] must be a table")
    theme_variables: dict[str, str] = {}
    for key, value in variables.items():
        if key.endswith("-text-style"):
            # Textual's own style variables, e.g. footer-key-text-style = "bold"
            if not isinstance(value, str) or not set(value.split()) <= TEXT_STYLES:
                raise ThemeError(
                    path, f'[variables] {key} must be text styles, e.g. "bold" or "none"'
                )
            theme_variables[key] = value
        else:
            # The app's own colours and Textual's, e.g. footer-key-foreground.
            theme_variables[key] = _color(path, f"[variables] {key}", value)
    return Theme(
        name=name.strip(),
        dark=dark,
        variables=theme_variables,
        primary=checked["primary"],
        secondary=checked.get("secondary"),
        accent=checked.get("accent"),
        foreground=checked.get("foreground"),
        background=checked.get("background"),
        surface=checked.get("surface"),
        panel=checked.get("panel"),
        boost=checked.get("boost"),
        success=checked.get("success"),
        warning=checked.get("warning"),
        error=checked.get("error"),
    )


def load_themes(folders: Iterable[Path]) -> LoadedThemes:
    """Every ``*.toml`` theme in ``folders`` (missing folders are fine); later ones win."""
    themes: dict[str, Theme] = {}
    errors: list[ThemeError] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ThemeError as exc:
                errors.append(exc)
            else:
                themes[theme.name] = theme
    return LoadedThemes(tuple(themes.values()), tuple(errors))


# -- choosing the theme, and remembering the palette's choice -----------------------------------

THEME_MEMORY = "ui-theme.json"  # in the data dir: the user's config file is never rewritten


class ThemeChoice(NamedTuple):
    name: str
    notices: tuple[str, ...]  # plain text (the caller shows it with markup off)


def remembered_theme(data_dir: Path | None, config_theme: str | None) -> str | None:
    """The theme last picked in the palette, unless the config's theme changed since."""
    if data_dir is None:
        return None
    try:
        text = (data_dir / THEME_MEMORY).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None  # none kept (the usual case: json is then not even imported)
    import json

    try:
        saved = json.loads(text)
    except ValueError:
        return None
    if not isinstance(saved, dict) or saved.get("config") != config_theme:
        return None  # the config says something new: it wins
    name = saved.get("theme")
    return name if isinstance(name, str) and name else None


def remember_theme(data_dir: Path, name: str, config_theme: str | None) -> None:
    """Keep ``name`` for the next start (written whole, then moved into place)."""
    import json

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / THEME_MEMORY
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"theme": name, "config": config_theme}), encoding="utf-8")
    partial.replace(path)


def choose_theme(
    wanted: str, available: Iterable[str], errors: Iterable[ThemeError]
) -> ThemeChoice:
    """``wanted`` if it can be used, else the default, with one notice per problem."""
    names = set(available)
    notices: list[str] = []
    fallback = DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"
    broken = {error.path.stem: error for error in errors}
    name = wanted
    if wanted not in names:
        if wanted in broken:
            notices.append(f"{broken.pop(wanted)}. Using {fallback} instead.")
        else:
            notices.append(
                f"There is no theme called {wanted!r}; using {fallback}. "
                "Press ctrl+p and type 'theme' to see them all."
            )
        name = fallback
    notices += [f"{error}. That theme was skipped." for error in broken.values()]
    return ThemeChoice(name, tuple(notices))
