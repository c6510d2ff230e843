"""An iCalendar (RFC 5545) file of a campaign's dated milestones, for staff calendars.

Rule: each milestone is one event whose UID depends only on the campaign and milestone keys,
so re-importing an updated file moves the event instead of duplicating it. A milestone given
in a named zone keeps that zone (with its VTIMEZONE), so calendars show 09:00 Brussels time;
the event a relative milestone refers to (a Council meeting) is exported as well.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from campaigns.goals import standing
from campaigns.moments import Relative
from timeutil import Clock

PRODID = "-//advocacy//milestones//EN"


def _in_zone(moment: datetime, zone: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(zone)) if zone else moment


def _event(uid: str, summary: str, start: datetime, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    # A milestone is a moment; a short event shows up in every calendar application.
    event.add("duration", timedelta(minutes=30))
    event.add("summary", summary)
    event.add("description", description)
    return event


def _reference(relative: Relative, uid: str, stamp: datetime) -> Event:
    start = _in_zone(relative.event_utc, relative.zone)
    return _event(uid, relative.name or "Event", start, "Reference event of a milestone", stamp)


def milestone_calendar(uow: Session, campaign_key: str, *, clock: Clock) -> bytes:
    """The campaign's dated milestones (and their reference events) as an .ics file."""
    state = standing(uow, campaign_key, clock=clock)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Milestones: {campaign_key}")
    for view in state.milestones:
        milestone, due = view.milestone, view.milestone.due_at
        if due is None:
            continue
        relative = milestone.before or milestone.after
        zone = milestone.zone or (relative.zone if relative else None)
        uid = f"{milestone.key}.{campaign_key}@milestones.advocacy"
        summary = f"{campaign_key}: milestone {milestone.key} ({view.status})"
        text = f"Delivery batch when due: {milestone.describe()}"
        calendar.add_component(_event(uid, summary, _in_zone(due, zone), text, clock.now()))
        if relative is not None:
            calendar.add_component(_reference(relative, f"event.{uid}", clock.now()))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
