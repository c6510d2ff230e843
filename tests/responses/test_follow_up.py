"""Follow-up batches for addressees silent past their deadline, once per deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from responses.follow_up import create_follow_ups
from storage.tables import Addressee, Letter
from tests.delivery.steps import queued_batch
from tests.helpers import CAMPAIGN
from tests.responses.replies import import_reply, reply, reply_address


@pytest.fixture
def delivered(services: Services) -> None:
    """The first batch, sent at the clock's 2021-09-08 09:00 UTC."""
    queued_batch(services)
    assert services.worker().drain_sync().done == {"sent": 7}


def chase(s: Services) -> list[list[str]]:
    """Run the follow-up step; the addressee keys of each batch it made."""
    with s.db.unit_of_work() as uow:
        batches = create_follow_ups(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=s.identities,
            working_days=20,
            clock=s.clock,
        )
        return [
            sorted(
                uow.scalars(
                    select(Addressee.key)
                    .join(Letter, Letter.addressee_id == Addressee.id)
                    .where(Letter.batch_id == b.id)
                )
            )
            for b in batches
        ]


def test_nothing_is_chased_before_the_deadline(services: Services, delivered: None) -> None:
    """Within the working days allowed, no follow-up is made."""
    services.clock.advance(timedelta(days=14))
    assert chase(services) == []


def test_silent_addressees_get_one_follow_up_batch(services: Services, delivered: None) -> None:
    """After the deadline the silent addressees (not the one who answered) get a pending letter."""
    import_reply(services, reply(to=reply_address(services, "mfa-poland")))
    services.clock.advance(timedelta(days=60))
    [keys] = chase(services)
    assert "mfa-poland" not in keys
    assert "mfa-latvia" in keys


def test_a_deadline_is_chased_only_once(services: Services, delivered: None) -> None:
    """Running the job again for the same deadline makes nothing."""
    services.clock.advance(timedelta(days=60))
    assert len(chase(services)) == 1
    assert chase(services) == []
