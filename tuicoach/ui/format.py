"""Short, human words for times and counts, as a glance at a list needs them.

Pure functions of their arguments (the clock is passed in), so every list and
snapshot renders the same way for the same ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def age(then: datetime, now: datetime) -> str:
    """How long ago, in the one unit that matters: ``now``, ``5m``, ``3h``, ``2d``, ``12w``."""
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    return f"{days // 7}w"


def duration(span: timedelta) -> str:
    """A waiting time: ``45m``, ``3h 10m``, ``2d 4h``."""
    minutes = max(0, int(span.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def count(value: int) -> str:
    """Compact counts for metrics: ``7``, ``1.2k``, ``34k``, ``2.1M``."""
    if value < 1000:
        return str(value)
    if value < 10_000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    if value < 1_000_000:
        return f"{value // 1000}k"
    return f"{value / 1_000_000:.1f}M".replace(".0M", "M")


def one_line(text: str) -> str:
    """Tweet text flattened to one line (newlines and runs of spaces become one space)."""
    return " ".join(text.split())
