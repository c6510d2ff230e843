"""Moments in appeal files: a fixed time with a zone, or a time relative to a named event.

Rule: a wall-clock time is always read in a named zone (``Europe/Brussels``) or with an explicit
offset, never in the host's zone; "2 days before" moves the wall clock in that zone (so 09:00
stays 09:00 across a daylight-saving change), and a wall time that does not exist there (the
hour skipped in spring) is refused rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = sorted(z for z in available_timezones() if z.lower().endswith(name.lower()))
        hint = f"did you mean {close[0]}?" if close else "use an IANA name, e.g. Europe/Brussels"
        raise ValueError(f"unknown time zone {name!r} ({hint})") from None
    return name


Zone = Annotated[str, AfterValidator(_known_zone)]


def localise(wall: datetime, zone: str) -> datetime:
    """The UTC moment of wall-clock time ``wall`` (naive) in ``zone``; refuse skipped times."""
    tz = ZoneInfo(zone)
    aware = wall.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise ValueError(f"{wall:%Y-%m-%d %H:%M} does not exist in {zone} (clocks go forward)")
    return aware.astimezone(UTC)


def resolve(moment: datetime, zone: str | None) -> datetime:
    """``moment`` as UTC: with its own offset, or read as wall-clock time in ``zone``."""
    if moment.tzinfo is not None:
        if zone is not None:
            raise ValueError("give either an offset in the time or a 'zone', not both")
        return moment.astimezone(UTC)
    if zone is None:
        raise ValueError("needs a time zone: an offset (2021-09-20T09:00:00+02:00) or 'zone'")
    return localise(moment, zone)


class Relative(BaseModel):
    """A moment a number of days/hours before or after an event, e.g. a Council meeting::

    before: {event: 2021-11-15T09:00, zone: Europe/Brussels, days: 2,
             name: Foreign Affairs Council}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: datetime
    zone: Zone | None = None
    days: int = Field(0, ge=0, le=366)
    hours: int = Field(0, ge=0, le=23 * 366)
    name: str = Field("", max_length=200, description="What the event is, for lists/calendars")

    @model_validator(mode="after")
    def _resolvable(self) -> Relative:
        resolve(self.event, self.zone)
        if self.event.tzinfo is None:
            # The shifted wall time must exist too (a shift can land in a skipped hour).
            self.shifted_wall(1)
        return self

    @property
    def event_utc(self) -> datetime:
        return resolve(self.event, self.zone)

    def shifted_wall(self, sign: int) -> datetime:
        """The moment ``days``/``hours`` away from the event (sign -1: before), as UTC."""
        delta = sign * timedelta(days=self.days, hours=self.hours)
        if self.event.tzinfo is not None:
            return (self.event + delta).astimezone(UTC)
        # A naive event always has a zone: the validator's resolve() insists on one.
        return localise(self.event + delta, self.zone or "UTC")

    def describe(self, word: str) -> str:
        parts = [f"{self.days} day{'s' * (self.days != 1)}"] * bool(self.days)
        parts += [f"{self.hours} hour{'s' * (self.hours != 1)}"] * bool(self.hours)
        amount = " ".join(parts) or "0 hours"
        when = f"{self.event:%Y-%m-%d %H:%M}" + (f" {self.zone}" if self.zone else "")
        what = f"{self.name} ({when})" if self.name else when
        return f"{amount} {word} {what}"
