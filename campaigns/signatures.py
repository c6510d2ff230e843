"""Signature counts: record a new count and fire the milestones it crosses.

Rule: counts only go up. A lower count is refused (a correction is a separate, audited act);
the same count again is a no-op, so re-running a script never creates a second batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from campaigns.batches import latest_count
from campaigns.milestones import fire_due_milestones
from campaigns.store import get_campaign
from errors import Conflict
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Batch, SignatureCount
from timeutil import Clock


@dataclass(frozen=True)
class CountOutcome:
    previous: int
    current: int
    batch: Batch | None


def set_count(
    uow: Session,
    campaign_key: str,
    count: int,
    *,
    as_of: datetime | None,
    source: str,
    identities: ReplyAddresses,
    actor: str,
    clock: Clock,
) -> CountOutcome:
    """Record ``count`` for the campaign and fire any milestone it reaches."""
    campaign = get_campaign(uow, campaign_key)
    snapshot = latest_count(uow, campaign.id)
    previous = snapshot.count if snapshot else 0
    if count < previous:
        raise Conflict(f"count {count:,} is below the recorded {previous:,}; counts only go up")
    if count > previous or snapshot is None:
        uow.add(
            SignatureCount(
                campaign_id=campaign.id,
                count=count,
                as_of=as_of or clock.now(),
                source=source,
                recorded_at=clock.now(),
            )
        )
        uow.flush()
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="signatures.set",
            subject=f"campaign:{campaign.key}",
            campaign_id=campaign.id,
            previous=previous,
            count=count,
            source=source,
        )
    batch = fire_due_milestones(uow, campaign, identities=identities, actor=actor, clock=clock)
    return CountOutcome(previous, count, batch)
