"""The domain, coach and store layers import no Textual (DESIGN.md, "Layers").

Each check runs in a fresh interpreter, so nothing another test imported can
hide a leak.
"""

from __future__ import annotations

import json
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
