"""campaigns.goals and campaigns.ics: where a campaign stands, and its dated milestones."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bootstrap import Services
from campaigns.goals import standard_ladder, standing
from campaigns.ics import milestone_calendar
from campaigns.milestones import MissedPolicy, fire_due_milestones
from campaigns.store import get_campaign
from storage.tables import Batch
from tests.campaigns.steps import batch_ids, count, start_campaign
from tests.helpers import CAMPAIGN
from timeutil import FixedClock


@pytest.fixture
def campaign(services: Services) -> Services:
    """Services with the example campaign (15,000, 50,000 and a date before the Council)."""
    start_campaign(services)
    return services


def state_of(s: Services) -> dict[str, str]:
    """Each milestone's status by key."""
    with s.db.unit_of_work(write=False) as uow:
        return {
            v.milestone.key: v.status for v in standing(uow, CAMPAIGN, clock=s.clock).milestones
        }


def test_standard_ladder() -> None:
    """The standard ladder doubles, then quintuples: 500, 1,000, 5,000, 10,000 …"""
    assert list(itertools.islice(standard_ladder(), 6)) == [
        500,
        1_000,
        5_000,
        10_000,
        50_000,
        100_000,
    ]


def test_next_goal_is_the_lowest_unreached(campaign: Services) -> None:
    """At 12,000 signatures the next goal is the 15,000 milestone, after the 10,000 step."""
    count(campaign, 12_000)
    with campaign.db.unit_of_work(write=False) as uow:
        state = standing(uow, CAMPAIGN, clock=campaign.clock)
    assert (state.next_goal, state.next_goal_by, state.previous_goal) == (
        15_000,
        "goal-15000",
        10_000,
    )


def test_ladder_steps_never_fire(campaign: Services) -> None:
    """Crossing ladder steps (500, 1,000, 5,000) creates no batch."""
    count(campaign, 9_000)
    assert batch_ids(campaign) == []


def test_statuses(campaign: Services, clock: FixedClock) -> None:
    """Fired, due (date passed, not yet checked) and pending milestones are told apart."""
    count(campaign, 15_500)
    clock.current = datetime(2021, 11, 13, 9, 0, tzinfo=UTC)
    assert state_of(campaign) == {
        "goal-15000": "fired",
        "goal-50000": "pending",
        "before-fac-november": "due",
    }


def check_dates_reporting(s: Services) -> Batch | None:
    """Check the dated milestones now under the report policy (15 minutes' grace); the batch
    fired, if any."""
    with s.db.unit_of_work() as uow:
        return fire_due_milestones(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=s.identities,
            actor="test",
            clock=s.clock,
            policy=MissedPolicy("report", timedelta(minutes=15)),
        )


def test_report_policy_marks_a_late_date_missed(campaign: Services, clock: FixedClock) -> None:
    """A date checked long after its moment is recorded as missed, with no batch."""
    clock.current = datetime(2021, 11, 14, tzinfo=UTC)
    batch = check_dates_reporting(campaign)
    assert batch is None
    assert state_of(campaign)["before-fac-november"] == "missed"


def test_report_policy_fires_a_date_checked_in_time(campaign: Services, clock: FixedClock) -> None:
    """Within the grace time a dated milestone fires even under the report policy."""
    clock.current = datetime(2021, 11, 13, 8, 5, tzinfo=UTC)
    batch = check_dates_reporting(campaign)
    assert batch is not None


def test_calendar_holds_the_dated_milestone_and_its_event(campaign: Services) -> None:
    """The .ics has the milestone at 09:00 Brussels two days ahead, and the Council itself."""
    with campaign.db.unit_of_work(write=False) as uow:
        data = milestone_calendar(uow, CAMPAIGN, clock=campaign.clock)
    events = {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    milestone = events[f"before-fac-november.{CAMPAIGN}@milestones.advocacy"]
    start = milestone.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (9, "Europe/Brussels")
    assert start.astimezone(UTC) == datetime(2021, 11, 13, 8, 0, tzinfo=UTC)
    council = events[f"event.before-fac-november.{CAMPAIGN}@milestones.advocacy"]
    assert str(council["summary"]) == "Foreign Affairs Council"
    assert b"BEGIN:VTIMEZONE" in data


def test_calendar_is_stable(campaign: Services, tmp_path: Path) -> None:
    """Exporting twice at the same moment gives the same bytes (UIDs do not change)."""
    with campaign.db.unit_of_work(write=False) as uow:
        first = milestone_calendar(uow, CAMPAIGN, clock=campaign.clock)
        second = milestone_calendar(uow, CAMPAIGN, clock=campaign.clock)
    assert first == second
