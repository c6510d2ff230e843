"""Time: an injectable ``Clock``, UTC helpers and working days (``due_on``).

Rule: store and compare naive-free UTC datetimes; SQLite drops offsets, so ``as_utc`` re-attaches
UTC to whatever comes back from the database.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where services get 'now' from, so tests and deadlines can move time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, always in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to; used by tests and the reproducible demo."""

    current: datetime = field(default_factory=lambda: datetime(2021, 9, 8, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@functools.lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    import holidays  # here: the calendars load only when a deadline is worked out

    try:
        return frozenset(holidays.country_holidays(country.upper(), years=year))
    except NotImplementedError:  # no calendar for this code (or none given): weekends only
        return frozenset()


def due_on(delivered: date, *, working_days: int, country: str = "") -> date:
    """The day an answer is due: ``working_days`` working days after ``delivered``."""
    day, left = delivered, working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _public_holidays(country, day.year):
            left -= 1
    return day
