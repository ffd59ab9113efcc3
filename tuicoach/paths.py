"""Where tuicoach keeps things: one config file, one data folder, one database per account.

Every location can be moved: ``--config`` / ``TUICOACH_CONFIG`` for the config
file, ``--data-dir`` / ``TUICOACH_DATA_DIR`` for the data folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "tuicoach"
CONFIG_ENV = "TUICOACH_CONFIG"
DATA_DIR_ENV = "TUICOACH_DATA_DIR"


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The config file: ``--config``, else ``$TUICOACH_CONFIG``, else the platform's config dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(CONFIG_ENV):
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def user_themes_dir(config: Path) -> Path:
    """Users add their own themes beside their config file, in ``themes/``."""
    return config.parent / "themes"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$TUICOACH_DATA_DIR``, else the platform's."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME)


_UNSAFE = re.compile(r"[^a-z0-9_]")


def demo_db(data: Path) -> Path:
    """The demo brand's database: its own file, outside ``accounts/``, so it never
    mixes with a real account's (not even one whose username is "demo")."""
    return data / "demo.sqlite3"


def account_db(data: Path, username: str) -> Path:
    """The database of one real account."""
    # X usernames are [A-Za-z0-9_]{1,15}; anything else is folded so it stays one file name.
    return data / "accounts" / f"{_UNSAFE.sub('_', username.lower())}.sqlite3"
