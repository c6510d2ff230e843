"""response_report: who answered, how, and how many days after the letter went out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bootstrap import Services
from campaigns.store import get_campaign
from responses.report import ReportRow, response_report
from tests.delivery.steps import queued_batch
from tests.helpers import CAMPAIGN
from tests.responses.replies import import_reply, reply, reply_address

AUTO = {"Auto-Submitted": "auto-replied"}


@pytest.fixture
def to_poland(services: Services) -> str:
    """Deliver the batch (finished at the clock's 2021-09-08 09:00 UTC); Poland's reply address."""
    queued_batch(services)
    assert services.worker().drain_sync().done == {"sent": 7}
    return reply_address(services, "mfa-poland")


def poland(s: Services) -> ReportRow:
    with s.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow, get_campaign(uow, CAMPAIGN), working_days=s.settings.answer_deadlines
        )
    [row] = [r for r in rows if r.addressee_key == "mfa-poland"]
    return row


def test_delivered_letter_without_reply_is_awaiting(services: Services, to_poland: str) -> None:
    """A sent letter with no answer yet is 'awaiting', with its delivery time."""
    row = poland(services)
    assert (row.delivery, row.status) == ("sent", "awaiting")
    assert row.delivered_at == services.clock.now()


def test_auto_reply_shows_acknowledged_not_responded(services: Services, to_poland: str) -> None:
    """An out-of-office answer makes the addressee 'acknowledged', with no answer time."""
    import_reply(services, reply(to=to_poland, headers=AUTO))
    row = poland(services)
    assert row.status == "acknowledged"
    assert (row.answered_at, row.days_to_answer) == (None, None)


def test_reply_shows_responded(services: Services, to_poland: str) -> None:
    """A person's answer makes the addressee 'responded', with its summary and channel."""
    import_reply(services, reply(to=to_poland, body="We will study the demands.\n> quoted"))
    row = poland(services)
    assert (row.status, row.channel, row.summary) == (
        "responded",
        "email",
        "We will study the demands.",
    )


def test_days_to_answer_run_from_delivery_to_the_reply_date(
    services: Services, to_poland: str
) -> None:
    """Days to answer are counted from the delivery's finish to the reply's Date, in UTC."""
    services.clock.current = datetime(2021, 9, 13, 9, tzinfo=UTC)  # imported after it came
    import_reply(services, reply(to=to_poland, date="Sat, 11 Sep 2021 21:00:00 +0200"))
    row = poland(services)
    assert row.answered_at == datetime(2021, 9, 11, 19, 0, tzinfo=UTC)
    assert row.days_to_answer == 3.4  # 3 days and 10 hours


def test_acknowledgement_does_not_start_the_answer_time(services: Services, to_poland: str) -> None:
    """An auto-reply before the real answer does not count as the answer."""
    services.clock.current = datetime(2021, 9, 13, 9, tzinfo=UTC)  # imported after both came
    import_reply(
        services, reply(to=to_poland, date="Wed, 08 Sep 2021 09:05:00 +0000", headers=AUTO)
    )
    import_reply(services, reply(to=to_poland, date="Fri, 10 Sep 2021 09:00:00 +0000"))
    row = poland(services)
    assert (row.status, row.days_to_answer) == ("responded", 2.0)
