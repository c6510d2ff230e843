"""A campaign's count history for charts: thinned in the database, first and last exact."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from bootstrap import Services
from campaigns.history import count_history
from campaigns.store import get_campaign
from storage.tables import SignatureCount
from tests.helpers import CAMPAIGN, load_examples


def _snapshots(s: Services, n: int) -> tuple[int, list[int]]:
    """``n`` snapshots of the example campaign, one a minute, counts 10, 20, …; its id and
    the counts."""
    load_examples(s)
    with s.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        start = s.clock.now() - timedelta(minutes=n)
        for i in range(n):
            at = start + timedelta(minutes=i)
            count = SignatureCount(
                campaign_id=campaign.id, count=10 * (i + 1), as_of=at, source="t", recorded_at=at
            )
            uow.add(count)
        return campaign.id, [10 * (i + 1) for i in range(n)]


@pytest.mark.parametrize("n", [1, 40, 100, 2_501])
def test_history_keeps_at_most_the_points_asked_for(services: Services, n: int) -> None:
    """Never more than ``points`` rows; all of them when there are few; the first and the last
    snapshot always; in time order."""
    campaign_id, counts = _snapshots(services, n)
    with services.db.unit_of_work(write=False) as uow:
        history = count_history(uow, campaign_id, points=100)
    values = [count for _, count in history]
    assert len(values) <= 100
    assert values[0] == counts[0]
    assert values[-1] == counts[-1]
    assert values == sorted(values)
    times = [at for at, _ in history]
    assert times == sorted(times)
    if n <= 100:
        assert values == counts


def test_thinned_history_is_spread_over_the_whole_campaign(services: Services) -> None:
    """Thinned points are evenly spread: no gap between kept counts is much wider than the
    step (a chart with a hole in the middle would mislead)."""
    campaign_id, _ = _snapshots(services, 2_501)
    with services.db.unit_of_work(write=False) as uow:
        values = [c for _, c in count_history(uow, campaign_id, points=100)]
    gaps = [b - a for a, b in itertools.pairwise(values)]
    assert len(values) >= 90
    assert max(gaps) <= 10 * 26  # step of 26 snapshots, 10 signatures each
