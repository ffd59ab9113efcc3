"""Small helpers that keep the coach's sentences specific and readable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from tuicoach.domain.models import isoformat


def quoted(text: str, limit: int = 60) -> str:
    """``text`` in double quotes on one line, shortened in the middle if long."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        half = (limit - 1) // 2
        flat = flat[:half].rstrip() + "…" + flat[-half:].lstrip()
    return f"“{flat}”"


def listing(items: Sequence[str], limit: int = 5) -> str:
    """``#a, #b and #c``; long lists end with "and N more"."""
    shown = list(items[:limit])
    rest = len(items) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def duration(delta: timedelta) -> str:
    """A rough, human length of time: "40 minutes", "5 hours", "3 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return _plural(minutes, "minute")
    hours = minutes // 60
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(hours // 24, "day")


def day(moment: datetime, now: datetime) -> str:
    """ "3 March", with the year when it is not this year's; ISO if far off."""
    if moment.year == now.year:
        return f"{moment.day} {moment:%B}"
    if abs(moment.year - now.year) <= 5:
        return f"{moment.day} {moment:%B %Y}"
    return isoformat(moment)


def share(fraction: float) -> str:
    """0.25 as "1 in 4", 0.3 as "30%"."""
    if fraction > 0 and (1 / fraction).is_integer():
        return f"1 in {int(1 / fraction)}"
    return f"{fraction:.0%}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
