"""Why a milestone fired, in words: which trigger, and the count or the moment that met it.

Rule: the explanation is derived from the appeal's milestone and the firing row (count and
time of the firing), never stored separately, so ``signatures set``, the webhook and
``advocacy rehearse`` all say the same thing about the same firing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.milestone_spec import Milestone
from campaigns.store import appeal_of
from storage.tables import Batch, Campaign, MilestoneFiring
from timeutil import as_utc


@dataclass(frozen=True)
class Fired:
    """One milestone a batch was created for, and why it fired."""

    key: str
    trigger: str  # "count" or "date"
    why: str

    def __str__(self) -> str:
        return f"{self.key} ({self.why})"


def why_fired(milestone: Milestone, *, count: int, at: datetime) -> Fired:
    """The reason ``milestone`` fired when checked at ``at`` with ``count`` signatures."""
    if milestone.signatures is not None:
        why = f"count: {count:,} signatures reached the goal of {milestone.signatures:,}"
        return Fired(milestone.key, "count", why)
    due = milestone.due_at
    why = f"date: {milestone.describe()}, due {due:%Y-%m-%d %H:%M} UTC" if due else "date"
    late = (as_utc(at) - due).total_seconds() if due else 0
    if late > 60:
        why += f", fired {_span(late)} late (checked at {as_utc(at):%Y-%m-%d %H:%M} UTC)"
    return Fired(milestone.key, "date", why)


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 60:.0f} minutes"


def fired_for(uow: Session, campaign: Campaign, batch: Batch | None) -> tuple[Fired, ...]:
    """The milestones whose firing created ``batch``, each with its reason (empty: none)."""
    if batch is None:
        return ()
    firings = uow.scalars(
        select(MilestoneFiring)
        .where(MilestoneFiring.campaign_id == campaign.id, MilestoneFiring.batch_id == batch.id)
        .order_by(MilestoneFiring.id)
    )
    milestones = {m.key: m for m in appeal_of(campaign).milestones}
    return tuple(
        why_fired(milestones[f.milestone_key], count=f.signature_count, at=f.fired_at)
        for f in firings
        if f.milestone_key in milestones
    )
