"""``tuicoach config``: the path, whether it exists, and settings a user can paste back."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from conftest import run_tuicoach


def tuicoach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_tuicoach(*args, env={**os.environ, **env})


def test_prints_the_path_and_the_defaults_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    run = tuicoach("config", env={"TUICOACH_CONFIG": str(path)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == (
        f"# Config file: {path} (not found: these are the defaults)"
    )
    settings = tomllib.loads(run.stdout)
    assert settings["rules"]["spam-signals"] == {
        "enabled": True,
        "severity": "warning",
        "weight": 20,
    }
    assert settings["thresholds"]["max_hashtags"] == 2


def test_prints_the_effective_settings_which_paste_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[rules.we-we-we]\nenabled = false\n[words.sensitive-topic]\nextend = ["referendum"]\n',
        encoding="utf-8",
    )
    run = tuicoach("--config", str(path), "config", env={})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == f"# Config file: {path} (exists)"
    settings = tomllib.loads(run.stdout)
    assert settings["rules"]["we-we-we"]["enabled"] is False
    assert "referendum" in settings["words"]["sensitive-topic"]["replace"]
    # Pasting the whole output back as the config gives the same output.
    pasted = tmp_path / "pasted.toml"
    pasted.write_text(run.stdout, encoding="utf-8")
    again = tuicoach("config", "--config", str(pasted), env={})
    assert again.stdout.splitlines()[1:] == run.stdout.splitlines()[1:]


def test_a_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[thresholds]\nmax_hashtags = 1.5\n", encoding="utf-8")
    run = tuicoach("config", env={"TUICOACH_CONFIG": str(path)})
    assert run.returncode == 2
    assert run.stderr.strip() == (
        f"tuicoach: {path}: thresholds.max_hashtags: expected a whole number, got 1.5"
    )
    path.write_text("[thresholds\n", encoding="utf-8")
    run = tuicoach("config", env={"TUICOACH_CONFIG": str(path)})
    assert run.returncode == 2 and "not valid TOML" in run.stderr and "line 1" in run.stderr
