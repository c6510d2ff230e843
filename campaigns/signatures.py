"""Signature counts: record a new count and fire the milestones it crosses.

Rule: counts only go up. A lower count is refused unless it is an explicit correction with a
reason (audited as ``signatures.correct``); the same count again is a no-op, so re-running a
script never creates a second batch. Every change locks the campaign row first
(``lock_campaign``), so concurrent imports and webhook calls add up instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from campaigns.batches import latest_count
from campaigns.milestones import FIRE_LATE, MissedPolicy, fire_due_milestones
from campaigns.store import lock_campaign
from errors import Conflict
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Batch, Campaign, SignatureCount
from timeutil import Clock


@dataclass(frozen=True)
class CountOutcome:
    previous: int
    current: int
    batch: Batch | None


@dataclass(frozen=True)
class Recorder:
    """Who records counts, and how milestones that come due are fired."""

    identities: ReplyAddresses
    actor: str
    clock: Clock
    policy: MissedPolicy = FIRE_LATE

    def fire(self, uow: Session, campaign: Campaign, count: int | None = None) -> Batch | None:
        return fire_due_milestones(
            uow,
            campaign,
            identities=self.identities,
            actor=self.actor,
            clock=self.clock,
            policy=self.policy,
            count=count,
        )


def _snapshot(
    uow: Session,
    campaign: Campaign,
    count: int,
    *,
    as_of: datetime | None,
    source: str,
    clock: Clock,
) -> None:
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
    correction: str | None = None,
    policy: MissedPolicy = FIRE_LATE,
) -> CountOutcome:
    """Record ``count`` for the campaign and fire any milestone it reaches.

    ``correction`` (a reason) allows a lower count; milestones already fired stay fired.
    """
    campaign = lock_campaign(uow, campaign_key)
    snapshot = latest_count(uow, campaign.id)
    previous = snapshot.count if snapshot else 0
    if count < previous and not (correction and correction.strip()):
        raise Conflict(
            f"count {count:,} is below the recorded {previous:,}; counts only go up "
            "(to correct an error, give --correct and a --reason)"
        )
    if count != previous or snapshot is None:
        lowered = count < previous
        _snapshot(uow, campaign, count, as_of=as_of, source=source, clock=clock)
        details: dict[str, object] = {"previous": previous, "count": count, "source": source}
        if correction:
            details["reason"] = correction.strip()
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="signatures.correct" if lowered else "signatures.set",
            subject=f"campaign:{campaign.key}",
            campaign_id=campaign.id,
            **details,
        )
    recorder = Recorder(identities, actor, clock, policy)
    return CountOutcome(previous, count, recorder.fire(uow, campaign, count))


def add_signatures(
    uow: Session,
    campaign: Campaign,
    added: int,
    *,
    as_of: datetime | None,
    source: str,
    recorder: Recorder,
) -> CountOutcome:
    """Raise the count by ``added`` new signers and fire what comes due.

    The caller must hold ``lock_campaign`` since before it counted the new signers.
    """
    snapshot = latest_count(uow, campaign.id)
    previous = snapshot.count if snapshot else 0
    if added > 0:
        clock = recorder.clock
        _snapshot(uow, campaign, previous + added, as_of=as_of, source=source, clock=clock)
        audit.record(
            uow,
            at=clock.now(),
            actor=recorder.actor,
            action="signatures.add",
            subject=f"campaign:{campaign.key}",
            campaign_id=campaign.id,
            previous=previous,
            added=added,
            count=previous + added,
            source=source,
        )
    current = previous + added
    return CountOutcome(previous, current, recorder.fire(uow, campaign, current))
