"""Sending windows: office hours in the addressee's zone decide when its email becomes due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import bootstrap
from campaigns.store import get_campaign
from delivery.outbox import enqueue
from delivery.windows import SendWindow
from errors import AdvocacyError
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
