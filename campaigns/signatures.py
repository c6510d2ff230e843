"""Signature counts: record a new count and fire the milestones it crosses.

Rule: counts only go up. A lower count is refused unless it is an explicit correction with a
reason (audited as ``signatures.correct``); the same count again is a no-op, so re-running a
script never creates a second batch. Every change locks the campaign row first
(``lock_campaign``), so concurrent imports and webhook calls add up instead of overwriting.
No count above ``MAX_SIGNATURES`` is accepted from any entry point (CLI, web, API, webhook,
imports): far above any real petition, and below what every database column holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from campaigns.batches import Identities, latest_count
from campaigns.explain import Fired, fired_for
from campaigns.milestones import MissedPolicy, fire_due_milestones
from campaigns.store import lock_campaign
from errors import Conflict, InputError, Problem
from storage import audit
from storage.tables import Batch, Campaign, SignatureCount
from timeutil import Clock

MAX_SIGNATURES = 1_000_000_000


@dataclass(frozen=True)
class CountOutcome:
    previous: int
    current: int
    batch: Batch | None
    fired: tuple[Fired, ...] = ()  # the milestones that created ``batch``, and why


def check_bounds(count: int, *, source: str, field: str = "count") -> None:
    """Refuse a count below zero or above ``MAX_SIGNATURES`` with a message naming it."""
    if not 0 <= count <= MAX_SIGNATURES:
        shown = f"{count:,}" if abs(count) < 10**30 else "a number that large"
        message = f"{shown} is out of range: a count is between 0 and {MAX_SIGNATURES:,}"
        raise InputError([Problem(source, None, field, message)])


def _outcome(
    uow: Session, campaign: Campaign, previous: int, current: int, batch: Batch | None
) -> CountOutcome:
    return CountOutcome(previous, current, batch, fired_for(uow, campaign, batch))


@dataclass(frozen=True)
class Recorder:
    """Who records counts, and how milestones that come due are fired."""

    identities: Identities
    actor: str
    clock: Clock
    policy: MissedPolicy

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
    identities: Identities,
    actor: str,
    clock: Clock,
    correction: str | None = None,
    policy: MissedPolicy,
) -> CountOutcome:
    """Record ``count`` for the campaign and fire any milestone it reaches.

    ``correction`` (a reason) allows a lower count; milestones already fired stay fired.
    """
    check_bounds(count, source=source)
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
    return _outcome(uow, campaign, previous, count, recorder.fire(uow, campaign, count))


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
    check_bounds(previous + added, source=source)
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
    return _outcome(uow, campaign, previous, current, recorder.fire(uow, campaign, current))
