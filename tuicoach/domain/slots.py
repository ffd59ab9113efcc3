"""When a queued post goes out: slots spread through the posting hours (pure).

004: "post organically, like the water cooler conversations through the day".
A slot is chosen so that:

- it falls in the configured posting hours, on a posting day, in the user's zone;
- it is never within the ``burst`` rule's window (30 minutes by default) of
  another post or queued item, and ideally a fair share of the day away
  (the posting hours divided by ``per_day``);
- a day holds at most ``per_day`` posts and queued items, then the next day is used;
- its minute varies (never :00 or :30), so the queue does not post like a clock.

:func:`slot_problems` says what is wrong with a time the user picked.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from tuicoach.domain.report import WEEKDAYS, ReportError, local, zone

LEAD = timedelta(minutes=2)  # a slot is at least this far ahead of now
HORIZON_DAYS = 60
_OFFSETS = (0, 7, -7, 4, -4, 11, -11, 2, -2, 13, -13, 9, -9)


@dataclass(frozen=True, slots=True)
class PostingHours:
    """When queued posts may go out: ``start`` to ``end`` on ``days`` (0 is Monday)."""

    start: time = time(8)
    end: time = time(20)
    days: frozenset[int] = frozenset(range(7))
    tz: tzinfo | None = None
    per_day: int = 4

    @classmethod
    def of(
        cls,
        *,
        start: str = "08:00",
        end: str = "20:00",
        days: Iterable[str] = WEEKDAYS,
        timezone: str | None = None,
        per_day: int = 4,
    ) -> PostingHours:
        def clock(value: str, key: str) -> time:
            try:
                return time.fromisoformat(value)
            except ValueError:
                raise ReportError(
                    f"posting hours {key} = {value!r}: write a time of day as HH:MM"
                ) from None

        numbers = set()
        for day in days:
            short = day.strip()[:3].title()
            if short not in WEEKDAYS:
                raise ReportError(f"posting day {day!r}: use Mon, Tue, Wed, Thu, Fri, Sat, Sun")
            numbers.add(WEEKDAYS.index(short))
        if per_day < 1:
            raise ReportError(f"posts per day = {per_day}: allow at least 1")
        hours = cls(
            clock(start, "start"), clock(end, "end"), frozenset(numbers), zone(timezone), per_day
        )
        if hours.end <= hours.start:
            raise ReportError(f"posting hours end ({end}) must come after they start ({start})")
        if not numbers:
            raise ReportError("no posting days: name at least one, e.g. days = ['Mon', 'Tue']")
        return hours

    def window(self, moment: datetime) -> tuple[datetime, datetime] | None:
        """The posting window of ``moment``'s local day, as aware instants; ``None`` off days."""
        here = local(moment, self.tz)
        if here.weekday() not in self.days:
            return None
        zone_of = here.tzinfo
        opens = datetime.combine(here.date(), self.start, tzinfo=zone_of)
        closes = datetime.combine(here.date(), self.end, tzinfo=zone_of)
        if self.tz is None:  # the machine's zone: let each end find its own offset (DST)
            opens = datetime.combine(here.date(), self.start).astimezone()
            closes = datetime.combine(here.date(), self.end).astimezone()
        return opens, closes


def _distance(moment: datetime, busy: list[datetime]) -> timedelta:
    return min((abs(moment - b) for b in busy), default=timedelta.max)


def _varied(
    moment: datetime, ok: Callable[[datetime], bool], rng: random.Random | None
) -> datetime | None:
    """A minute near ``moment`` (not :00 or :30) that still ``ok``s; random when ``rng``."""
    offsets = list(_OFFSETS)
    if rng is not None:
        rng.shuffle(offsets)
    base = moment.replace(second=0, microsecond=0)
    for minutes in offsets:
        candidate = base + timedelta(minutes=minutes)
        if candidate.minute in (0, 30):
            continue
        if ok(candidate):
            return candidate
    return None


def next_slot(
    *,
    now: datetime,
    busy: Iterable[datetime],
    hours: PostingHours | None = None,
    gap: timedelta = timedelta(minutes=30),
    rng: random.Random | None = None,
) -> datetime:
    """The next free slot after ``now``; ``busy`` holds the times of posts and queued items.

    ``gap`` is the burst rule's window. Raises :class:`ReportError` when no slot is
    free in the next 60 days (the posting hours are too full).
    """
    hours = hours or PostingHours()
    taken = sorted(busy)
    earliest = now + LEAD
    day = local(now, hours.tz)
    for _ in range(HORIZON_DAYS):
        window = hours.window(day)
        day = (day + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
        if window is None:
            continue
        opens, closes = window
        lo = max(opens, earliest)
        if lo >= closes:
            continue
        that_day = [b for b in taken if opens <= b < closes]
        if len(that_day) >= hours.per_day:
            continue
        share = max(gap, (closes - opens) / hours.per_day)

        def fits(
            t: datetime, spacing: timedelta, lo: datetime = lo, end: datetime = closes
        ) -> bool:
            return lo <= t <= end and _distance(t, taken) >= spacing

        # The earliest moment a fair share of the day from everything else ...
        for spacing in (share, gap):
            points = sorted({lo, *(b + spacing for b in taken if lo <= b + spacing <= closes)})
            for point in points:
                if fits(point, spacing):
                    chosen = _varied(point, functools.partial(fits, spacing=spacing), rng)
                    if chosen is not None:
                        return chosen
    raise ReportError(
        "no free slot in the next 60 days: widen the posting hours, allow more posts a day, "
        "or pick a time with --at"
    )


def slot_problems(
    at: datetime, *, now: datetime, busy: Iterable[datetime], gap: timedelta, hours: PostingHours
) -> list[str]:
    """What is wrong with a time the user picked (empty when nothing is)."""
    problems = []
    if at < now:
        problems.append("that time has passed; it would be posted at once")
    near = [b for b in busy if abs(b - at) < gap]
    if near:
        minutes = int(gap.total_seconds() // 60)
        problems.append(
            f"{len(near)} other post(s) or queued item(s) within {minutes} minutes: "
            "that reads as a burst"
        )
    window = hours.window(at)
    if window is None or not window[0] <= at <= window[1]:
        problems.append("outside your posting hours")
    return problems
