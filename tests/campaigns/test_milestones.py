"""campaigns.milestones: date milestones fire when the clock passes them, each exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bootstrap import Services
from campaigns.milestones import fire_due_milestones, milestone_states
from campaigns.store import get_campaign
from storage.tables import Batch, Letter
from tests.campaigns.steps import batch_ids, count, firings, rows, start_campaign, with_milestones
from tests.helpers import CAMPAIGN
from timeutil import FixedClock

# The FixedClock starts at 2021-09-08 09:00 UTC; the council meets two days later.
BEFORE_COUNCIL = "2021-09-10T09:00:00+02:00"
DATED = f"""\
  - key: before-council
    at: {BEFORE_COUNCIL}
  - key: goal-15000
    signatures: 15000
"""
DUE = datetime(2021, 9, 10, 7, 0, tzinfo=UTC)


def fire(s: Services) -> Batch | None:
    """Run the scheduler's step for the example campaign in its own unit of work."""
    with s.db.unit_of_work() as uow:
        return fire_due_milestones(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=s.identities,
            actor="scheduler",
            clock=s.clock,
            policy=s.missed_policy,
        )


@pytest.fixture
def dated(services: Services, examples: Path) -> Services:
    """Services with the example campaign whose milestones are a date and 15,000 signatures."""
    start_campaign(services, with_milestones(examples, DATED))
    return services


class TestDateMilestones:
    def test_not_due_before_its_moment(self, dated: Services, clock: FixedClock) -> None:
        """Until the clock reaches `at`, nothing fires."""
        clock.current = DUE - timedelta(seconds=1)
        assert fire(dated) is None
        assert batch_ids(dated) == []

    def test_fires_when_the_clock_reaches_it(self, dated: Services, clock: FixedClock) -> None:
        """At the moment given (in its own zone), the milestone fires with a new batch."""
        clock.current = DUE
        batch = fire(dated)
        assert batch is not None
        assert firings(dated) == [("before-council", 0, batch.id)]
        assert rows(dated, Letter) == 8

    def test_fires_only_once(self, dated: Services, clock: FixedClock) -> None:
        """Checking again later, however often, creates no second batch."""
        clock.current = DUE + timedelta(minutes=1)
        fire(dated)
        clock.advance(timedelta(days=1))
        assert fire(dated) is None
        assert fire(dated) is None
        assert len(batch_ids(dated)) == 1

    def test_records_the_count_at_firing(self, dated: Services, clock: FixedClock) -> None:
        """A date milestone's firing and batch carry the latest signature count."""
        count(dated, 9_000)
        clock.current = DUE
        batch = fire(dated)
        assert batch is not None
        assert batch.signature_count == 9_000
        assert firings(dated) == [("before-council", 9_000, batch.id)]

    def test_late_check_fires_with_the_count_milestone(
        self, dated: Services, clock: FixedClock
    ) -> None:
        """A date and a count milestone due at the same check share one batch."""
        clock.current = DUE + timedelta(hours=1)
        outcome = count(dated, 15_500)
        assert outcome.batch is not None
        assert [key for key, _, _ in firings(dated)] == ["before-council", "goal-15000"]
        assert batch_ids(dated) == [outcome.batch.id]

    def test_count_before_the_date_fires_only_the_count(
        self, dated: Services, clock: FixedClock
    ) -> None:
        """Crossing the count early fires it alone; the date fires later with its own batch."""
        first = count(dated, 15_500).batch
        clock.current = DUE
        second = fire(dated)
        assert first is not None
        assert second is not None
        assert firings(dated) == [
            ("goal-15000", 15_500, first.id),
            ("before-council", 15_500, second.id),
        ]


class TestMilestoneStates:
    def test_unfired_milestones_have_no_firing(self, dated: Services) -> None:
        """Before anything fires, every milestone is listed, in appeal order, without a firing."""
        with dated.db.unit_of_work(write=False) as uow:
            states = milestone_states(uow, get_campaign(uow, CAMPAIGN))
        assert [(s.milestone.key, s.fired) for s in states] == [
            ("before-council", None),
            ("goal-15000", None),
        ]

    def test_fired_milestone_shows_its_firing(self, dated: Services) -> None:
        """A fired milestone carries its firing row with the batch it created."""
        batch = count(dated, 15_000).batch
        assert batch is not None
        with dated.db.unit_of_work(write=False) as uow:
            states = milestone_states(uow, get_campaign(uow, CAMPAIGN))
        fired = {s.milestone.key: s.fired.batch_id if s.fired else None for s in states}
        assert fired == {"before-council": None, "goal-15000": batch.id}
