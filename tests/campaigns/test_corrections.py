"""Corrections and retention: a lower count only with a reason; purging keeps the counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.signers import purge_personal_data
from errors import Conflict
from storage import audit
from storage.tables import Signer
from tests.campaigns.steps import count, start_campaign
from tests.campaigns.test_signer_import import HEADER, run, write
from tests.helpers import CAMPAIGN


@pytest.fixture
def campaign(services: Services) -> Services:
    """Services with the example campaign."""
    start_campaign(services)
    return services


def correct(s: Services, value: int, reason: str | None) -> int:
    """Record ``value`` as a correction with ``reason``; return the count now recorded."""
    return count(s, value, correction=reason, source="correction", actor="staff").current


def test_lower_count_needs_a_reason(campaign: Services) -> None:
    """Without a reason a lower count is refused, with a hint how to correct."""
    count(campaign, 16_000)
    with pytest.raises(Conflict, match="--correct"):
        correct(campaign, 15_000, "  ")


def test_correction_is_recorded_and_audited(campaign: Services) -> None:
    """A correction lowers the count and records who, from what, and why."""
    count(campaign, 16_000)
    assert correct(campaign, 15_100, "a test batch was counted twice") == 15_100
    assert count(campaign, 15_100).previous == 15_100
    with campaign.db.unit_of_work(write=False) as uow:
        entry = audit.entries(uow)[-1]
    assert (entry.action, entry.actor, entry.details["previous"], entry.details["reason"]) == (
        "signatures.correct",
        "staff",
        16_000,
        "a test batch was counted twice",
    )


def test_purge_erases_personal_data_and_keeps_counts(campaign: Services, tmp_path: Path) -> None:
    """Signers before the date lose name, city and country; rows and the count stay."""
    text = (
        HEADER
        + "Old,old@example.org,Minsk,BY,2021-01-05,yes\n"
        + "New,new@example.org,Riga,LV,2021-06-01,yes\n"
    )
    run(campaign, write(tmp_path, text))
    with campaign.db.unit_of_work() as uow:
        purged = purge_personal_data(
            uow,
            CAMPAIGN,
            before=datetime(2021, 3, 1, tzinfo=UTC),
            actor="dpo",
            clock=campaign.clock,
        )
    with campaign.db.unit_of_work(write=False) as uow:
        kept = [
            (s.name, s.city, s.country, s.purged_at is not None)
            for s in uow.scalars(select(Signer).order_by(Signer.id))
        ]
    assert purged == 1
    assert kept == [(None, None, None, True), ("New", "Riga", "LV", False)]
    assert count(campaign, 2).previous == 2
