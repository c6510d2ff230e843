"""campaigns.signatures.set_count: counts only go up, and crossing a milestone makes one batch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.batches import latest_count
from campaigns.signatures import set_count
from campaigns.store import get_campaign
from errors import Conflict, NotFound
from storage import audit
from storage.tables import AuditEntry, Batch, Letter, SignatureCount
from tests.campaigns.steps import batch_ids, count, firings, rows, start_campaign, with_milestones
from tests.helpers import CAMPAIGN


@pytest.fixture
def campaign(services: Services) -> Services:
    """Services with the demo registry and the example campaign (milestones 15,000 and 50,000)."""
    start_campaign(services)
    return services


class TestCounts:
    def test_first_count_is_recorded(self, campaign: Services) -> None:
        """A first count is stored with its source and reported against a previous of zero."""
        outcome = count(campaign, 1_200)
        assert (outcome.previous, outcome.current, outcome.batch) == (0, 1_200, None)
        with campaign.db.unit_of_work(write=False) as uow:
            snapshot = latest_count(uow, get_campaign(uow, CAMPAIGN).id)
            assert snapshot is not None
            assert (snapshot.count, snapshot.source) == (1_200, "test")
            assert snapshot.as_of == campaign.clock.now()

    def test_as_of_is_kept(self, campaign: Services) -> None:
        """The moment the count was read is stored as given, not replaced by now."""
        read_at = datetime(2021, 9, 7, 18, 30, tzinfo=UTC)
        with campaign.db.unit_of_work() as uow:
            set_count(
                uow,
                CAMPAIGN,
                900,
                as_of=read_at,
                source="csv",
                identities=campaign.identities,
                actor="t",
                clock=campaign.clock,
                policy=campaign.missed_policy,
            )
        with campaign.db.unit_of_work(write=False) as uow:
            snapshot = latest_count(uow, get_campaign(uow, CAMPAIGN).id)
            assert snapshot is not None
            assert snapshot.as_of == read_at

    def test_lower_count_is_refused(self, campaign: Services) -> None:
        """A count below the recorded one is a conflict naming both numbers."""
        count(campaign, 12_000)
        with pytest.raises(Conflict, match=r"11,000 is below the recorded 12,000"):
            count(campaign, 11_000)

    def test_lower_count_stores_nothing(self, campaign: Services) -> None:
        """A refused count leaves neither a snapshot nor an audit entry behind."""
        count(campaign, 12_000)
        before = (rows(campaign, SignatureCount), rows(campaign, AuditEntry))
        with pytest.raises(Conflict):
            count(campaign, 11_000)
        assert (rows(campaign, SignatureCount), rows(campaign, AuditEntry)) == before

    def test_same_count_again_is_a_no_op(self, campaign: Services) -> None:
        """Recording the same count twice stores one snapshot and reports no batch."""
        count(campaign, 15_240)
        again = count(campaign, 15_240)
        assert (again.previous, again.current, again.batch) == (15_240, 15_240, None)
        assert rows(campaign, SignatureCount) == 1
        assert len(batch_ids(campaign)) == 1

    def test_count_is_audited(self, campaign: Services) -> None:
        """Each new count leaves an audit entry with the previous and new numbers."""
        count(campaign, 800)
        count(campaign, 1_000)
        with campaign.db.unit_of_work(write=False) as uow:
            entry = uow.scalars(
                select(AuditEntry).where(AuditEntry.action == "signatures.set")
            ).all()[-1]
            assert entry.details == {"previous": 800, "count": 1_000, "source": "test"}

    def test_unknown_campaign(self, campaign: Services) -> None:
        """Counting for a campaign that does not exist names the known ones."""
        with campaign.db.unit_of_work() as uow, pytest.raises(NotFound, match=CAMPAIGN):
            set_count(
                uow,
                "no-such-campaign",
                1,
                as_of=None,
                source="t",
                identities=campaign.identities,
                actor="t",
                clock=campaign.clock,
                policy=campaign.missed_policy,
            )


class TestCrossingMilestones:
    def test_below_the_first_milestone_no_batch(self, campaign: Services) -> None:
        """A count short of every milestone creates no batch and no firing."""
        assert count(campaign, 14_999).batch is None
        assert (batch_ids(campaign), firings(campaign)) == ([], [])

    def test_reaching_a_milestone_exactly_fires_it(self, campaign: Services) -> None:
        """A count equal to the milestone fires it."""
        outcome = count(campaign, 15_000)
        assert outcome.batch is not None
        assert firings(campaign) == [("goal-15000", 15_000, outcome.batch.id)]

    def test_batch_holds_a_letter_per_target(self, campaign: Services) -> None:
        """The milestone batch records the count and has one pending letter per target."""
        outcome = count(campaign, 15_240)
        assert outcome.batch is not None
        with campaign.db.unit_of_work(write=False) as uow:
            batch = uow.get_one(Batch, outcome.batch.id)
            assert (batch.reason, batch.signature_count) == ("milestone goal-15000", 15_240)
            letters = uow.scalars(select(Letter).where(Letter.batch_id == batch.id)).all()
            assert len(letters) == 8
            assert {letter.status for letter in letters} == {"pending"}

    def test_next_milestone_gets_its_own_batch(self, campaign: Services) -> None:
        """Crossing the second milestone later creates a second batch."""
        first = count(campaign, 15_240).batch
        second = count(campaign, 50_001).batch
        assert first is not None
        assert second is not None
        assert firings(campaign) == [
            ("goal-15000", 15_240, first.id),
            ("goal-50000", 50_001, second.id),
        ]

    def test_jump_over_two_milestones_makes_one_batch(self, campaign: Services) -> None:
        """One jump across two milestones creates one batch with two firing rows."""
        outcome = count(campaign, 60_000)
        assert outcome.batch is not None
        assert batch_ids(campaign) == [outcome.batch.id]
        assert firings(campaign) == [
            ("goal-15000", 60_000, outcome.batch.id),
            ("goal-50000", 60_000, outcome.batch.id),
        ]
        assert rows(campaign, Letter) == 8

    def test_jump_is_audited_once(self, campaign: Services) -> None:
        """The firing audit entry names both milestones and the batch."""
        batch = count(campaign, 60_000).batch
        assert batch is not None
        with campaign.db.unit_of_work(write=False) as uow:
            fired = [e for e in audit.entries(uow) if e.action == "milestone.fire"]
            assert [e.details for e in fired] == [
                {
                    "milestones": ["goal-15000", "goal-50000"],
                    "signatures": 60_000,
                    "batch": batch.id,
                }
            ]


def test_milestone_free_appeal_never_batches(services: Services, examples: Path) -> None:
    """An appeal without milestones records counts but creates no batch."""
    start_campaign(services, with_milestones(examples, "  []"))
    assert count(services, 1_000_000).batch is None
    assert batch_ids(services) == []
