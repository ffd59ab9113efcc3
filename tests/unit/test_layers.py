"""The domain, coach and store layers import no Textual (DESIGN.md, "Layers").

Each check runs in a fresh interpreter, so nothing another test imported can
hide a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PURE_PACKAGES = ["tuicoach.domain", "tuicoach.coach", "tuicoach.store"]
FORBIDDEN = ("textual", "rich", "tweepy", "keyring", "requests")


def _imported_modules(package: str) -> set[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_layers_import_no_ui_or_network(package: str) -> None:
    modules = _imported_modules(package)
    assert f"{package}" in modules  # the walk really imported something
    leaked = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)
    assert leaked == [], f"{package} pulled in {leaked[:5]}"


def test_choosing_a_backend_loads_no_network_keyring_or_schema() -> None:
    """The app picks its backend before the first frame: that must stay cheap.

    Loading the X and demo kinds and asking X who is signed in (no one, here)
    imports neither tweepy nor the keyring, nor msgspec (the config schema is
    read only when there is a config file), nor the demo's sample data.
    """
    code = (
        "import json, sys, tempfile, pathlib\n"
        "from datetime import UTC, datetime\n"
        "from tuicoach.backends import registry\n"
        "kind = registry.load('x')\n"
        "request = registry.Request(data_dir=pathlib.Path(tempfile.mkdtemp()),\n"
        "                           clock=lambda: datetime.now(UTC))\n"
        "assert kind.opener(request) is None\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")},
    ).stdout
    modules = set(json.loads(out))
    assert "tuicoach.backends.x.kind" in modules
    heavy = {"tweepy", "keyring", "requests", "textual", "msgspec"}
    assert sorted(m for m in modules if m.split(".")[0] in heavy) == []
    assert "tuicoach.backends.demo" not in modules
