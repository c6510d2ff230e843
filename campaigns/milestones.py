"""Milestones: signature counts and dates that trigger a delivery batch, exactly once.

Rule: a milestone fires by inserting its ``MilestoneFiring`` row in the same transaction as the
batch it creates (a milestone with ``letter: none`` fires without one: it records the moment).
Later milestones make ``progress`` batches (``campaigns.batches.next_kind``); ``letter: full``
sends the full appeal again. The row's unique (campaign, milestone) key means that however
many processes see the count cross at once, one insert wins and the others roll back to their
savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.batches import Identities, create_batch, latest_count
from campaigns.milestone_spec import Milestone
from campaigns.store import appeal_of
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


@dataclass(frozen=True)
class MissedPolicy:
    """What a check does with a dated milestone found more than ``grace`` past its moment (the
    service was down, or the campaign was created late): ``fire`` it now, once, or ``report`` it
    as missed (a firing row without a batch, so it never fires later)."""

    action: Literal["fire", "report"] = "fire"
    grace: timedelta = timedelta(minutes=15)

    def is_missed(self, milestone: Milestone, now: datetime) -> bool:
        due = milestone.due_at
        return self.action == "report" and due is not None and now - due > self.grace


FIRE_LATE = MissedPolicy()


def past_dated(uow: Session, campaign: Campaign, now: datetime) -> list[Milestone]:
    """Dated milestones of the campaign whose moment has passed and that have not been settled
    (fired or recorded as missed): the next check settles them by ``MissedPolicy``."""
    return [
        state.milestone
        for state in milestone_states(uow, campaign)
        if state.fired is None
        and state.milestone.due_at is not None
        and state.milestone.due_at <= now
    ]


def _is_due(milestone: Milestone, count: int, now: datetime) -> bool:
    if milestone.signatures is not None:
        return count >= milestone.signatures
    due = milestone.due_at
    return due is not None and due <= now


def _record(
    uow: Session,
    campaign: Campaign,
    due: list[Milestone],
    *,
    count: int,
    identities: Identities,
    actor: str,
    clock: Clock,
    policy: MissedPolicy,
) -> Batch | None:
    """Insert the firing rows (and the batch, if anything fires) inside a savepoint."""
    missed = [m for m in due if policy.is_missed(m, clock.now())]
    firing = [m for m in due if m not in missed]
    writing = [m for m in firing if m.letter != "none"]  # ``none``: only the moment is kept
    created = None
    with uow.begin_nested():
        if writing:
            names = ", ".join(m.key for m in writing)
            created = create_batch(
                uow,
                campaign,
                reason=f"milestone {names}",
                identities=identities,
                actor=actor,
                clock=clock,
                # The full appeal again if any milestone sharing the batch asks for it.
                kind="first" if any(m.letter == "full" for m in writing) else None,
            )
        for milestone in due:
            uow.add(
                MilestoneFiring(
                    campaign_id=campaign.id,
                    milestone_key=milestone.key,
                    fired_at=clock.now(),
                    signature_count=count,
                    batch_id=created.id if created and milestone in writing else None,
                    outcome="fired" if milestone in firing else "missed",
                )
            )
        uow.flush()
    outcomes = {"fire": firing, "missed": missed}
    _audit(uow, campaign, outcomes, count=count, batch=created, actor=actor, now=clock.now())
    return created


def _audit(
    uow: Session,
    campaign: Campaign,
    outcomes: dict[str, list[Milestone]],
    *,
    count: int,
    batch: Batch | None,
    actor: str,
    now: datetime,
) -> None:
    """One entry per outcome (``milestone.fire``, ``milestone.missed``) that has milestones;
    a dated milestone settled after its moment carries how late (in seconds) that was."""
    for outcome, milestones in outcomes.items():
        if not milestones:
            continue
        details: dict[str, Any] = {"milestones": [m.key for m in milestones], "signatures": count}
        if batch is not None and outcome == "fire":
            details["batch"] = batch.id
        late = {m.key: (now - m.due_at).total_seconds() for m in milestones if m.due_at}
        if any(seconds > 0 for seconds in late.values()):
            details["late_seconds"] = {k: round(v) for k, v in late.items() if v > 0}
        audit.record(
            uow,
            at=now,
            actor=actor,
            action=f"milestone.{outcome}",
            subject=f"campaign:{campaign.key}",
            campaign_id=campaign.id,
            **details,
        )


def fire_due_milestones(
    uow: Session,
    campaign: Campaign,
    *,
    identities: Identities,
    actor: str,
    clock: Clock,
    policy: MissedPolicy,
    count: int | None = None,
) -> Batch | None:
    """Fire every due, unfired milestone; all of them share one new batch. Return it, if any.

    ``count``: the count the caller has just recorded (saves reading it back).

    A dated milestone overdue by more than ``policy.grace`` is fired late or, with the
    ``report`` policy, recorded as missed; either way it is settled once and for all.
    """
    if count is None:
        snapshot = latest_count(uow, campaign.id)
        count = snapshot.count if snapshot else 0
    now = clock.now()
    due = [m for m in appeal_of(campaign).milestones if _is_due(m, count, now)]
    if due:  # the usual case between milestones needs no look at the firings
        fired = {s.milestone.key for s in milestone_states(uow, campaign) if s.fired is not None}
        due = [m for m in due if m.key not in fired]
    if not due:
        return None
    try:
        return _record(
            uow,
            campaign,
            due,
            count=count,
            identities=identities,
            actor=actor,
            clock=clock,
            policy=policy,
        )
    except IntegrityError:
        # Another process fired some of these milestones first: its batch stands; the savepoint
        # has undone ours, letters included. PostgreSQL reports the clash only once that process
        # has committed, so look again: a milestone it left unfired (it saw a lower count) is
        # still due. Each retry needs a milestone fired elsewhere, so the retries end.
        fired = {s.milestone.key for s in milestone_states(uow, campaign) if s.fired}
        if not fired & {m.key for m in due}:
            raise
        return fire_due_milestones(
            uow, campaign, identities=identities, actor=actor, clock=clock, policy=policy
        )
