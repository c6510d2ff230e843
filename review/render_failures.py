"""Batches the scheduler could not render, kept where staff see them (the dashboard).

Rule: an unattended render that fails (a template error, a glyph no bundled font has) is an
audit entry ``batch.render_failed`` with the message, recorded when it differs from the
batch's last recorded failure (the scheduler retries every pass; the log would otherwise fill
with one error). A batch is *failing* while it still has pending letters and has such an
entry: rendering it successfully (by the scheduler or ``advocacy render``) leaves no pending
letters, and so clears it.

A letter that could not be rendered on its own (``letters.failures``) stays pending with its
``render_error``: ``failed_letters`` lists them for the review queue and ``render``.

Why: one broken appeal must not hold up every other batch, nor fail only in a log file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit
from storage.tables import Addressee, AuditEntry, Batch, Campaign, Letter
from timeutil import Clock

ACTION = "batch.render_failed"


@dataclass(frozen=True)
class FailedRender:
    batch_id: int
    campaign_key: str
    campaign_title: str
    pending: int  # letters still waiting to be rendered
    at: datetime  # when the failure was (last) recorded
    message: str


def _last_failure(uow: Session, batch_id: int) -> AuditEntry | None:
    query = select(AuditEntry).where(
        AuditEntry.action == ACTION, AuditEntry.subject == f"batch:{batch_id}"
    )
    return uow.scalars(query.order_by(AuditEntry.id.desc()).limit(1)).first()


def record_failure(uow: Session, batch_id: int, message: str, *, actor: str, clock: Clock) -> bool:
    """Record that rendering ``batch_id`` failed with ``message``; whether it was new."""
    last = _last_failure(uow, batch_id)
    if last is not None and last.details.get("message") == message:
        return False
    batch = uow.get_one(Batch, batch_id)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action=ACTION,
        subject=f"batch:{batch_id}",
        campaign_id=batch.campaign_id,
        message=message,
    )
    return True


def failing_batches(uow: Session) -> list[FailedRender]:
    """Batches with pending letters whose last unattended render failed, oldest batch first."""
    pending = (
        select(Letter.batch_id, func.count().label("n"))
        .where(Letter.status == "pending")
        .group_by(Letter.batch_id)
        .subquery()
    )
    rows = uow.execute(
        select(Batch.id, Campaign.key, Campaign.title, pending.c.n)
        .join(pending, pending.c.batch_id == Batch.id)
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .order_by(Batch.id)
    ).all()
    failing = []
    for batch_id, key, title, n in rows:
        last = _last_failure(uow, batch_id)
        if last is not None:
            message = str(last.details.get("message", ""))
            failing.append(FailedRender(batch_id, key, title, n, last.at, message))
    return failing


@dataclass(frozen=True)
class FailedLetter:
    letter_id: int
    batch_id: int
    campaign_key: str
    addressee_key: str
    addressee_name: str
    reason: str


def failed_letters(uow: Session, *, batch_id: int | None = None) -> list[FailedLetter]:
    """Pending letters whose last render failed, with the reason, by batch and addressee."""
    query = (
        select(Letter.id, Letter.batch_id, Campaign.key, Addressee.key, Addressee.name)
        .add_columns(Letter.render_error)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .join(Batch, Batch.id == Letter.batch_id)
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .where(Letter.status == "pending", Letter.render_error != "")
        .order_by(Letter.batch_id, Addressee.key)
    )
    if batch_id is not None:
        query = query.where(Letter.batch_id == batch_id)
    return [FailedLetter(*row) for row in uow.execute(query).all()]
