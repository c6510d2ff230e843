"""Sending windows: office hours in the addressee's time zone, so a batch to fifty countries
arrives in each desk's working morning rather than at 3 a.m.

Rule: a window (``ADVOCACY_SEND_WINDOW=09:00-17:00``, weekdays only; unset: any time) only
ever moves a row's ``next_attempt_at`` later, to the next opening in the addressee's zone; the
worker's "what is due" rule does the rest. The zone comes from the addressee's country (its
capital's zone where a country has several; ``EU`` is Brussels); no country means UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.core import get_global

from errors import AdvocacyError

# Countries whose first zone in CLDR is not where their ministries sit.
CAPITAL_ZONES = {
    "EU": "Europe/Brussels",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
    "KZ": "Asia/Almaty",
    "UA": "Europe/Kyiv",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
}
_WINDOW = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


@lru_cache(maxsize=512)
def zone_of(country: str) -> tzinfo:
    """The time zone of a country's government (UTC when unknown)."""
    code = country.upper()
    name = CAPITAL_ZONES.get(code) or next(iter(get_global("territory_zones").get(code, [])), "")
    return ZoneInfo(name) if name else UTC


@dataclass(frozen=True)
class SendWindow:
    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> SendWindow | None:
        """``"09:00-17:00"`` → a window on weekdays; ``""`` → None (send at any time)."""
        if not text.strip():
            return None
        found = _WINDOW.fullmatch(text)
        try:
            opens, closes = (
                (time(int(found[1]), int(found[2])), time(int(found[3]), int(found[4])))
                if found
                else (None, None)
            )
        except ValueError:
            opens = closes = None
        if opens is None or closes is None or opens >= closes:
            raise AdvocacyError(
                f"sending window {text!r}: give it as HH:MM-HH:MM, e.g. 09:00-17:00"
            )
        return cls(opens, closes)

    def next_open(self, now: datetime, country: str) -> datetime:
        """``now`` if the addressee's office is open now, else when it next opens (UTC)."""
        local = now.astimezone(zone_of(country))
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            if day.weekday() >= 5:
                continue
            start = datetime.combine(day, self.opens, tzinfo=local.tzinfo)
            end = datetime.combine(day, self.closes, tzinfo=local.tzinfo)
            if local < end:
                return max(local, start).astimezone(UTC)
        raise AssertionError("a week always has a weekday")
