"""Where a campaign stands: each milestone's state, and the next goal (milestones and ladder).

Rule: the goal ladder is for display only ("next goal: 5,000"), like a petition page's
auto-raised target; crossing a ladder step never creates a batch. Deliveries come only from
milestones, which the campaigners chose deliberately: a letter to a ministry for every ladder
step would be noise. The next goal is the lowest unreached count among count milestones and
ladder steps.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from campaigns.appeal import Appeal
from campaigns.batches import latest_count
from campaigns.milestone_spec import Milestone
from campaigns.milestones import milestone_states
from campaigns.store import appeal_of, get_campaign
from timeutil import Clock


def standard_ladder() -> Iterator[int]:
    """500, 1,000, 5,000, 10,000, 50,000 … (times 2, then times 5, for ever)."""
    for power in itertools.count():
        yield 500 * 10**power
        yield 1_000 * 10**power


def ladder_steps(appeal: Appeal, beyond: int) -> Iterator[int]:
    """The appeal's ladder steps above ``beyond``, in rising order."""
    if appeal.goal_ladder is None:
        return iter(())
    steps = standard_ladder() if appeal.goal_ladder == "standard" else iter(appeal.goal_ladder)
    return (step for step in steps if step > beyond)


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    status: str  # "fired", "missed", "due" (will fire at the next check) or "pending"
    batch_id: int | None
    settled_at: datetime | None


@dataclass(frozen=True)
class Standing:
    campaign: str
    count: int
    as_of: datetime | None
    milestones: list[MilestoneView]
    next_goal: int | None
    next_goal_by: str  # the milestone key, or "ladder"
    previous_goal: int

    @property
    def next_dated(self) -> MilestoneView | None:
        """The soonest pending dated milestone."""
        pending = [v for v in self.milestones if v.status == "pending" and v.milestone.due_at]
        return min(pending, key=lambda v: v.milestone.due_at or datetime.max, default=None)


def _status(milestone: Milestone, fired: str | None, count: int, now: datetime) -> str:
    if fired is not None:
        return fired
    due = milestone.due_at
    reached = count >= milestone.signatures if milestone.signatures else bool(due and due <= now)
    return "due" if reached else "pending"


def standing(uow: Session, campaign_key: str, *, clock: Clock) -> Standing:
    """The campaign's count, every milestone's state and the next goal."""
    campaign = get_campaign(uow, campaign_key)
    appeal = appeal_of(campaign)
    snapshot = latest_count(uow, campaign.id)
    count = snapshot.count if snapshot else 0
    views = [
        MilestoneView(
            s.milestone,
            _status(s.milestone, s.fired.outcome if s.fired else None, count, clock.now()),
            s.fired.batch_id if s.fired else None,
            s.fired.fired_at if s.fired else None,
        )
        for s in milestone_states(uow, campaign)
    ]
    goals = [(m.signatures, m.key) for m in appeal.milestones if m.signatures]
    goals += [(step, "ladder") for step in itertools.islice(ladder_steps(appeal, count), 1)]
    above = sorted(g for g in goals if g[0] > count)
    below = [g for g, _ in goals if g <= count] + list(_ladder_below(appeal, count))
    return Standing(
        campaign.key,
        count,
        snapshot.as_of if snapshot else None,
        views,
        above[0][0] if above else None,
        above[0][1] if above else "",
        max(below, default=0),
    )


def _ladder_below(appeal: Appeal, count: int) -> Iterator[int]:
    if appeal.goal_ladder is None:
        return
    steps = standard_ladder() if appeal.goal_ladder == "standard" else iter(appeal.goal_ladder)
    yield from itertools.takewhile(lambda step: step <= count, steps)
