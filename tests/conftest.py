"""Shared test helpers.

Reference data lives outside the project, in ``../shared/fixtures`` (or where
``TUICOACH_SHARED`` points); tests that need it skip, saying so, when absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TUICOACH_SHARED", REPO.parent / "shared"))


def shared_fixture(*parts: str) -> Path:
    """Path to a file or folder under ``shared/fixtures``; skip the test if absent."""
    path = SHARED.joinpath("fixtures", *parts)
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (set TUICOACH_SHARED to its folder)")
    return path
