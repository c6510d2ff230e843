"""Time: an injectable ``Clock`` and UTC helpers.

Rule: store and compare naive-free UTC datetimes; SQLite drops offsets, so ``as_utc`` re-attaches
UTC to whatever comes back from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
