"""How the X backend behaves: where it connects, how patiently, and how much it reads.

Filled from the config's ``[x]`` section; the defaults suit a business
account checked through the day. Standard library only: the config imports it.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

DEFAULT_API_BASE = "https://api.twitter.com"
API_BASE_ENV = "TUICOACH_X_API_BASE"


class ApiBaseError(ValueError):
    """An ``api_base`` that is not an http(s) URL."""


def normalise_base(base: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash, or :class:`ApiBaseError`."""
    parts = urllib.parse.urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiBaseError(
            f"API base {base!r} is not an http(s) URL such as {DEFAULT_API_BASE}; "
            f"fix [x] api_base in the config or ${API_BASE_ENV}"
        )
    if parts.query or parts.fragment:
        raise ApiBaseError(
            f"API base {base!r} must not have a query or fragment; "
            f"fix [x] api_base in the config or ${API_BASE_ENV}"
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def api_base(configured: str | None = None) -> str:
    """``$TUICOACH_X_API_BASE``, else the config's ``[x] api_base``, else X's own."""
    return normalise_base(os.environ.get(API_BASE_ENV) or configured or DEFAULT_API_BASE)


# X's per-user request limits per 15 minutes for the endpoints tuicoach polls.
WINDOW_SECONDS = 15 * 60
LIMITS = {"home": 180, "mentions": 300, "own": 900}


def min_interval(stream: str) -> float:
    """The shortest gap between two requests to ``stream`` that stays inside X's limit."""
    return WINDOW_SECONDS / LIMITS[stream]


@dataclass(frozen=True, slots=True)
class XSettings:
    """The ``[x]`` section of the config."""

    api_base: str | None = None  # None: $TUICOACH_X_API_BASE, else X's own
    timeout: float = 15.0  # seconds, for connecting and for each read
    retries: int = 4  # attempts for a read that fails for a passing reason
    page_size: int = 100  # tweets per request (X allows 5..100)
    backfill_pages: int = 2  # first sync: at most this many pages per stream
    catch_up_pages: int = 5  # later syncs: at most this many pages per stream
    poll_seconds: float = 60.0  # the app's automatic refresh

    @property
    def poll_interval(self) -> float:
        """``poll_seconds``, but never faster than X's limits allow for any stream."""
        return max(self.poll_seconds, *(min_interval(s) for s in LIMITS))
