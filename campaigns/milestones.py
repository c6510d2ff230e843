"""Milestones: signature counts and dates that trigger a delivery batch, exactly once.

Rule: a milestone fires by inserting its ``MilestoneFiring`` row in the same transaction as the
batch it creates. The row's unique (campaign, milestone) key means that however many processes
see the count cross at once, one insert wins and the others roll back to their savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.appeal import Milestone
from campaigns.batches import create_batch, latest_count
from campaigns.store import appeal_of
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Batch, Campaign, MilestoneFiring
from timeutil import Clock


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    fired: MilestoneFiring | None


def milestone_states(uow: Session, campaign: Campaign) -> list[MilestoneState]:
    """Every milestone of the campaign with its firing, if it has fired."""
    fired = {
        f.milestone_key: f
        for f in uow.scalars(
            select(MilestoneFiring).where(MilestoneFiring.campaign_id == campaign.id)
        )
    }
    return [MilestoneState(m, fired.get(m.key)) for m in appeal_of(campaign).milestones]


def _is_due(milestone: Milestone, count: int, clock: Clock) -> bool:
    if milestone.signatures is not None:
        return count >= milestone.signatures
    return milestone.at is not None and milestone.at <= clock.now()


def fire_due_milestones(
    uow: Session, campaign: Campaign, *, identities: ReplyAddresses, actor: str, clock: Clock
) -> Batch | None:
    """Fire every due, unfired milestone; all of them share one new batch. Return it, if any."""
    snapshot = latest_count(uow, campaign.id)
    count = snapshot.count if snapshot else 0
    due = [
        s.milestone
        for s in milestone_states(uow, campaign)
        if s.fired is None and _is_due(s.milestone, count, clock)
    ]
    if not due:
        return None
    names = ", ".join(m.key for m in due)
    try:
        with uow.begin_nested():
            batch = create_batch(
                uow,
                campaign,
                reason=f"milestone {names}",
                identities=identities,
                actor=actor,
                clock=clock,
            )
            for milestone in due:
                uow.add(
                    MilestoneFiring(
                        campaign_id=campaign.id,
                        milestone_key=milestone.key,
                        fired_at=clock.now(),
                        signature_count=count,
                        batch_id=batch.id,
                    )
                )
            uow.flush()
    except IntegrityError:
        # Another process fired some of these milestones first: its batch stands; the savepoint
        # has undone ours, letters included. PostgreSQL reports the clash only once that process
        # has committed, so look again: a milestone it left unfired (it saw a lower count) is
        # still due. Each retry needs a milestone fired elsewhere, so the retries end.
        fired = {s.milestone.key for s in milestone_states(uow, campaign) if s.fired}
        if not fired & {m.key for m in due}:
            raise
        return fire_due_milestones(uow, campaign, identities=identities, actor=actor, clock=clock)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="milestone.fire",
        subject=f"campaign:{campaign.key}",
        campaign_id=campaign.id,
        milestones=[m.key for m in due],
        signatures=count,
        batch=batch.id,
    )
    return batch
