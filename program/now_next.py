"""What is on now and what comes next, during the workshop.

Pure functions of the timetable and an instant, shared by the home and program pages and by the
page cache's key (lorainne/page_cache.py): what they show changes only at a slot's start or end,
so a key that holds the latest of those boundaries keeps cached pages exact.
"""

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.utils import timezone


@dataclasses.dataclass(frozen=True)
class NowNext:
    """During the workshop: the slot on now (None in a gap) and the coming one (None after the
    last slot's start). `since` is the latest slot boundary at or before the instant asked about:
    all of this stays the same until the next boundary."""

    now: object | None  # program.models.Session
    next: object | None
    since: dt.datetime

    @property
    def next_is_another_day(self) -> bool:
        """The coming slot is on another day (in the workshop's time zone) than the last
        boundary: the evening of day 1, "next" is the first slot of day 2. Decided from the
        boundary, not the clock, so it does not change at midnight."""
        if self.next is None:
            return False
        zone = self.next.workshop.tzinfo
        return timezone.localdate(self.next.starts_at, zone) != timezone.localdate(self.since, zone)


def boundaries(slots: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[dt.datetime]:
    """Every start and end of the slots, `(starts_at, ends_at)` pairs, sorted, once each."""
    return sorted({instant for slot in slots for instant in slot})


def last_boundary(bounds: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """The latest of the sorted `bounds` at or before `now`; None outside the workshop (before
    the first slot starts, or from the end of the last one)."""
    if not bounds or now < bounds[0] or now >= bounds[-1]:
        return None
    return bounds[bisect.bisect_right(bounds, now) - 1]


def now_and_next(sessions, now: dt.datetime) -> NowNext | None:
    """The slot on at `now` and the coming one among `sessions` (an edition's timetable), or
    None outside the workshop: before the first slot's start and from the last slot's end."""
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    since = last_boundary(boundaries((s.starts_at, s.ends_at) for s in sessions), now)
    if since is None:
        return None
    current = next((s for s in sessions if s.starts_at <= now < s.ends_at), None)
    coming = next((s for s in sessions if s.starts_at > now), None)
    return NowNext(now=current, next=coming, since=since)
