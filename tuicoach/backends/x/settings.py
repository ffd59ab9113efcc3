"""How the X backend behaves: where it connects, how patiently, and how much it reads.

Filled from the config's ``[x]`` section; the defaults suit a business
account checked through the day.
"""

from __future__ import annotations

from dataclasses import dataclass

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
