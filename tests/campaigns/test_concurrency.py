"""Exactly once: threads racing one count past a milestone create one batch and one firing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bootstrap import Services
from campaigns.signatures import CountOutcome
from errors import Conflict
from storage.tables import Letter
from tests.campaigns.steps import batch_ids, count, firings, rows, start_campaign, with_milestones

THREADS = 6


def race(s: Services, *values: int) -> list[CountOutcome | None]:
    """Let THREADS threads, each with its own unit of work, record the ``values`` (in turn) at
    the same moment; a thread refused for coming after a higher count gives None."""
    barrier = threading.Barrier(THREADS)

    def one(value: int) -> CountOutcome | None:
        barrier.wait(timeout=30)
        try:
            return count(s, value)
        except Conflict:
            return None

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(one, values[i % len(values)]) for i in range(THREADS)]
        return [future.result(timeout=120) for future in futures]


class TestRacingCounts:
    def test_one_batch_and_one_firing(self, services: Services) -> None:
        """However many threads cross the threshold at once, the milestone fires once."""
        start_campaign(services)
        outcomes = race(services, 15_240)
        (batch,) = batch_ids(services)
        assert firings(services) == [("goal-15000", 15_240, batch)]
        assert [o.batch.id for o in outcomes if o and o.batch] == [batch]
        assert rows(services, Letter) == 8

    @pytest.mark.parametrize("round_", range(3))
    def test_each_milestone_fires_once_in_repeated_races(
        self, services: Services, examples: Path, round_: int
    ) -> None:
        """Race after race, every milestone crossed fires exactly once, with its own batch."""
        thresholds = [1_000 * (i + 1) for i in range(5)]
        milestones = "".join(f"  - key: m{t}\n    signatures: {t}\n" for t in thresholds)
        start_campaign(services, with_milestones(examples, milestones))
        for threshold in thresholds:
            race(services, threshold + round_)
        fired = firings(services)
        assert [key for key, _, _ in fired] == [f"m{t}" for t in thresholds]
        assert [batch for _, _, batch in fired] == batch_ids(services)
        assert rows(services, Letter) == 8 * len(thresholds)

    def test_losers_still_record_nothing_twice(self, services: Services) -> None:
        """After the race a further identical count changes nothing."""
        start_campaign(services)
        race(services, 15_240)
        assert count(services, 15_240).batch is None
        assert len(batch_ids(services)) == 1

    @pytest.mark.parametrize("round_", range(8))
    def test_different_counts_fire_every_milestone_crossed(
        self, services: Services, round_: int
    ) -> None:
        """When racers cross different milestones, the one a loser alone crossed still fires."""
        start_campaign(services)
        race(services, 15_240 + round_, 50_100 + round_)
        fired = firings(services)
        assert sorted(key for key, _, _ in fired) == ["goal-15000", "goal-50000"]
        assert sorted({batch for _, _, batch in fired}) == batch_ids(services)
