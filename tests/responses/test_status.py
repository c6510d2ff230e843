"""Statuses per addressee and answer deadlines in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bootstrap import Services
from campaigns.store import get_campaign
from errors import InputError
from responses.report import ReportRow, response_report
from responses.status import set_status, status_of
from tests.delivery.steps import queued_batch
from tests.helpers import CAMPAIGN
from timeutil import due_on

DELIVERED = datetime(2021, 9, 8, 9, tzinfo=UTC)


@pytest.fixture
def delivered(services: Services) -> None:
    """The first batch, sent at the clock's 2021-09-08 09:00 UTC."""
    queued_batch(services)
    assert services.worker().drain_sync().done == {"sent": 7}


def poland(s: Services, today: date | None) -> ReportRow:
    with s.db.unit_of_work(write=False) as uow:
        rows = response_report(uow, get_campaign(uow, CAMPAIGN), today=today, working_days=5)
    [row] = [r for r in rows if r.addressee_key == "mfa-poland"]
    return row


def test_due_date_skips_the_weekend() -> None:
    """One working day after a Friday is the Monday."""
    assert due_on(date(2021, 9, 10), working_days=1) == date(2021, 9, 13)


def test_due_date_skips_the_addressee_countrys_holiday() -> None:
    """Poland's Independence Day (11 November) is not a working day there, but is in Latvia."""
    assert due_on(date(2021, 11, 10), working_days=1, country="PL") == date(2021, 11, 12)
    assert due_on(date(2021, 11, 10), working_days=1, country="LV") == date(2021, 11, 11)


def test_unknown_country_counts_weekends_only() -> None:
    """An addressee without a known country (an EU institution) gets no holidays, no error."""
    assert due_on(date(2021, 9, 10), working_days=1, country="") == date(2021, 9, 13)


def test_manual_status_wins_over_an_answer() -> None:
    """A status staff set is shown even when an answer exists."""
    status = status_of(
        manual="refused",
        answered=True,
        acknowledged=False,
        delivered_at=DELIVERED,
        due=date(2021, 9, 15),
        today=date(2021, 9, 9),
    )
    assert status == "refused"


def test_silent_addressee_past_due_is_overdue(services: Services, delivered: None) -> None:
    """A delivered letter with no answer is overdue the day after its due date, not before."""
    assert poland(services, date(2021, 9, 15)).due_on == date(2021, 9, 15)
    assert poland(services, date(2021, 9, 15)).status == "awaiting"
    assert poland(services, date(2021, 9, 16)).status == "overdue"


def test_set_status_shows_in_the_report(services: Services, delivered: None) -> None:
    """Setting no-response-needed replaces overdue; clear brings it back."""
    for status, expected in (("no-response-needed", "no-response-needed"), ("clear", "overdue")):
        with services.db.unit_of_work() as uow:
            set_status(uow, CAMPAIGN, "mfa-poland", status, actor="t", clock=services.clock)
        assert poland(services, date(2021, 10, 1)).status == expected


def test_set_status_refuses_a_status_that_is_computed(services: Services, delivered: None) -> None:
    """Only refused and no-response-needed can be set by hand."""
    with pytest.raises(InputError), services.db.unit_of_work() as uow:
        set_status(uow, CAMPAIGN, "mfa-poland", "responded", actor="t", clock=services.clock)
