"""Sending windows: office hours in the addressee's zone decide when its email becomes due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import bootstrap
from campaigns.store import get_campaign
from delivery.outbox import enqueue
from delivery.windows import SendWindow
from errors import AdvocacyError
from storage.tables import Campaign
from tests.delivery.builders import email_rows
from tests.delivery.steps import deliveries
from tests.helpers import CAMPAIGN
from timeutil import FixedClock

WINDOW = SendWindow.parse("09:00-17:00")
FRIDAY_NIGHT = datetime(2026, 12, 4, 22, tzinfo=UTC)


def test_outside_office_hours_waits_for_the_next_weekday_morning() -> None:
    """Friday 23:00 in Berlin becomes Monday 09:00 Berlin time (08:00 UTC)."""
    assert WINDOW is not None
    assert WINDOW.next_open(FRIDAY_NIGHT, "DE") == datetime(2026, 12, 7, 8, tzinfo=UTC)


def test_inside_office_hours_is_now() -> None:
    """Tuesday 10:00 UTC is 11:00 in Berlin: open, so nothing waits."""
    assert WINDOW is not None
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert WINDOW.next_open(now, "DE") == now


def test_each_country_opens_in_its_own_morning() -> None:
    """Washington's desk opens five hours after Brussels' (EU)."""
    assert WINDOW is not None
    monday = datetime(2026, 12, 7, 0, tzinfo=UTC)
    eu, us = WINDOW.next_open(monday, "EU"), WINDOW.next_open(monday, "US")
    assert (eu.hour, us.hour) == (8, 14)


def test_a_bad_window_is_refused_naming_the_format() -> None:
    """'9-5' is not a window: the error shows the expected form."""
    with pytest.raises(AdvocacyError, match="HH:MM-HH:MM"):
        SendWindow.parse("9-5")


def test_enqueue_with_a_window_makes_the_row_due_at_the_opening(
    services: bootstrap.Services, clock: FixedClock
) -> None:
    """A letter queued on Friday night is not claimed before Monday morning."""
    clock.current = FRIDAY_NIGHT
    email_rows(services, ["desk@mfa.example"], queue=False)
    with services.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        enqueue(uow, campaign, actor="t", clock=clock, window=WINDOW)
    [row] = deliveries(services)
    assert row.next_attempt_at == datetime(2026, 12, 7, 9, tzinfo=UTC)  # no country: UTC
    assert services.worker().drain_sync().done == {}
    clock.current = row.next_attempt_at
    assert services.worker().drain_sync().done == {"sent": 1}


def _with_definition(services: bootstrap.Services, **changes: str) -> Campaign:
    """The example campaign with ``changes`` made to its stored appeal definition."""
    with services.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        campaign.definition = {**campaign.definition, **changes}
    with services.db.unit_of_work(write=False) as uow:
        return get_campaign(uow, CAMPAIGN)


def test_an_appeals_window_overrides_the_setting(services: bootstrap.Services) -> None:
    """``send_window: 10:00-12:00`` in the appeal wins over ADVOCACY_SEND_WINDOW."""
    email_rows(services, ["desk@mfa.example"], queue=False)
    services.settings.send_window = "09:00-17:00"
    campaign = _with_definition(services, send_window="10:00-12:00")
    assert services.send_window_for(campaign) == SendWindow.parse("10:00-12:00")


def test_any_in_the_appeal_means_no_window(services: bootstrap.Services) -> None:
    """``send_window: any`` sends at once whatever the setting says; --send-window still wins."""
    email_rows(services, ["desk@mfa.example"], queue=False)
    services.settings.send_window = "09:00-17:00"
    campaign = _with_definition(services, send_window="any")
    assert services.send_window_for(campaign) is None
    assert services.send_window_for(campaign, "08:00-09:00") == SendWindow.parse("08:00-09:00")


def test_a_bad_appeal_window_is_refused_at_load() -> None:
    """An appeal whose send_window is not HH:MM-HH:MM or 'any' fails validation by field."""
    from pydantic import ValidationError

    from campaigns.appeal import Appeal

    with pytest.raises(ValidationError, match="send_window"):
        Appeal.model_validate({"send_window": "9-5"})
