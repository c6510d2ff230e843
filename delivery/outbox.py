"""The durable outbox: enqueue approved letters, claim due rows, record outcomes.

States: queued → sending (lease_until) → sent | written | retry_wait (next_attempt_at) | failed.
``written`` is the Maildir outcome: on disk, not sent.

Durable steps, and what a crash between them leaves:
- enqueue: one row per (letter, channel), inserted once; the unique key makes re-running a no-op.
- claim: rows flip to ``sending`` with a lease in one transaction; the Message-ID was fixed at
  render time, so a retry after a crash re-sends the same message, never a new one.
- finish: the outcomes of a claimed batch are written in one transaction once its sends have
  answered. If the process dies between a send and that commit, the lease expires and the row
  is claimed again (at-least-once; receivers de-duplicate by Message-ID).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from campaigns.supersede import SUPERSEDED, supersede_unsent
from review.queue import current_documents, is_approved
from storage import audit
from storage.db import Database
from storage.tables import Addressee, Batch, Campaign, ChannelCheck, Delivery, Document, Letter
from timeutil import Clock

CHANNELS = ("email", "postal", "manual")
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8))
GIVE_UP_AFTER = len(BACKOFF) + 1


@dataclass
class EnqueueReport:
    queued: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    no_channel: list[str] = field(default_factory=list)
    not_approved: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # "key: channel" skipped, awaiting a check
    superseded: list[str] = field(default_factory=list)  # campaigns.supersede: older unsent letters


def enqueue(
    uow: Session,
    campaign: Campaign,
    *,
    actor: str,
    clock: Clock,
    channels: Collection[str] = ("email",),
) -> EnqueueReport:
    """Put every approved letter of the campaign into the outbox, on the first of ``channels``
    (in the order of ``choose_channel``) that its addressee and documents allow. A channel
    flagged by a permanent bounce and not yet cleared by staff (``delivery.checks``) is
    skipped — the next channel is used, if any — and named in ``report.flagged``."""
    report = EnqueueReport()
    report.superseded = supersede_unsent(uow, campaign, actor=actor, clock=clock)
    flagged = _flagged_channels(uow)
    pending: list[Delivery] = []
    rows = uow.execute(
        select(Letter, Addressee)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Batch.campaign_id == campaign.id)
        .order_by(Batch.id, Addressee.key)
    ).all()
    for letter, addressee in rows:
        if letter.status == SUPERSEDED:
            continue
        if letter.status != "approved":
            report.not_approved.append(addressee.key)
            continue
        if uow.scalar(select(Delivery.id).where(Delivery.letter_id == letter.id)):
            report.already.append(addressee.key)
            continue
        skipped = [c for c in channels if (addressee.id, c) in flagged]
        report.flagged += [f"{addressee.key}: {c}" for c in skipped]
        allowed = [c for c in channels if c not in skipped]
        chosen = choose_channel(current_documents(uow, letter.id), addressee, allowed)
        if chosen is None:
            report.no_channel.append(addressee.key)
            continue
        channel, document, recipient = chosen
        if not is_approved(uow, document):
            report.not_approved.append(addressee.key)
            continue
        pending.append(
            Delivery(
                letter_id=letter.id,
                document_id=document.id,
                channel=channel,
                recipient=recipient,
                state="queued",
                next_attempt_at=clock.now(),
                message_id=letter.message_id,
                sha256=document.sha256,
                created_at=clock.now(),
            )
        )
        report.queued.append(addressee.key)
    # Emails first (the worker can start on them), then the channels staff carry out.
    pending.sort(key=lambda d: CHANNELS.index(d.channel))
    uow.add_all(pending)
    if report.queued:
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="delivery.enqueue",
            subject=f"campaign:{campaign.key}",
            campaign_id=campaign.id,
            addressees=report.queued,
        )
    return report


def _flagged_channels(uow: Session) -> set[tuple[int, str]]:
    """(addressee id, channel) of every open channel check."""
    query = select(ChannelCheck.addressee_id, ChannelCheck.channel)
    return {(a, c) for a, c in uow.execute(query.where(ChannelCheck.cleared_at.is_(None)))}


def due_condition(now: datetime) -> ColumnElement[bool]:
    """The "what is due" rule, documented on ``claim_due``; shared with ``count_due``."""
    return or_(
        Delivery.state == "queued",
        (Delivery.state == "retry_wait") & (Delivery.next_attempt_at <= now),
        (Delivery.state == "sending") & (Delivery.lease_until < now),
    )


def choose_channel(
    documents: dict[str, Document], addressee: Addressee, channels: Collection[str]
) -> tuple[str, Document, str] | None:
    """The fallback order among ``channels``: email, else post (the letter PDF), else the web
    form (a task: the letter to paste); returns (channel, document, recipient) or None."""
    if "email" in channels and addressee.email and "email" in documents:
        return "email", documents["email"], addressee.email
    if "postal" in channels and addressee.postal_address.strip() and "pdf" in documents:
        return "postal", documents["pdf"], addressee.name[:254]
    if "manual" in channels and addressee.web_form and "pdf" in documents:
        return "manual", documents["pdf"], addressee.web_form[:254]
    return None


def claim_due(db: Database, *, limit: int, now: datetime, lease: timedelta) -> list[int]:
    """Claim up to ``limit`` due deliveries for this worker and return their ids.

    A row is due when it is
      - ``queued``, or
      - ``retry_wait`` and its ``next_attempt_at`` has passed, or
      - ``sending`` and its lease has expired (the worker holding it died).
    Only the ``email`` channel is claimed: postal and manual rows wait for staff
    (``delivery.postal``). Claimed rows become ``sending`` with ``lease_until = now + lease``
    and one more attempt.
    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets several workers claim disjoint rows at once.
    SQLite: the unit of work began with ``BEGIN IMMEDIATE``, so claims are serialised.
    """
    due = due_condition(now) & (Delivery.channel == "email")
    with db.unit_of_work() as uow:
        query = (
            select(Delivery.id)
            .where(due)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        ids = list(uow.scalars(query))
        if ids:
            uow.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(state="sending", lease_until=now + lease, attempts=Delivery.attempts + 1)
            )
    return ids


@dataclass(frozen=True)
class Outcome:
    """One attempt's result for a claimed row; ``attempts`` is the count the claim set, which
    fences the write: a row re-claimed by another worker since then is left alone."""

    delivery_id: int
    attempts: int
    state: str  # the transport's final state, "retry" or "failed"
    error: str = ""


def finish_batch(
    uow: Session, outcomes: Sequence[Outcome], *, clock: Clock, transport: str
) -> dict[int, str]:
    """Record the outcomes of a claimed batch in one transaction; return each row's new state.

    Temporary failures wait with growing backoff, or fail after ``GIVE_UP_AFTER`` attempts.
    A row no longer ``sending`` under the same claim (its lease expired and another worker
    took it) is skipped: that worker records its own outcome.
    """
    wanted = {o.delivery_id: o for o in outcomes}
    rows = uow.execute(
        select(Delivery, Batch.campaign_id)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Delivery.id.in_(sorted(wanted)))
        .order_by(Delivery.id)
    ).all()
    now, states = clock.now(), {}
    for delivery, campaign_id in rows:
        outcome = wanted[delivery.id]
        if delivery.state != "sending" or delivery.attempts != outcome.attempts:
            continue
        _apply(delivery, outcome, now=now, transport=transport)
        states[delivery.id] = delivery.state
        audit.record(
            uow,
            at=now,
            actor="worker",
            action=f"delivery.{delivery.state}",
            subject=f"delivery:{delivery.id}",
            campaign_id=campaign_id,
            recipient=delivery.recipient,
            sha256=delivery.sha256,
            message_id=delivery.message_id,
            transport=transport,
            error=delivery.last_error,
        )
    return states


def _apply(delivery: Delivery, outcome: Outcome, *, now: datetime, transport: str) -> None:
    state, error = outcome.state, outcome.error
    delivery.lease_until = None
    delivery.transport = transport
    delivery.last_error = error
    if state == "retry" and delivery.attempts >= GIVE_UP_AFTER:
        state = "failed"
        delivery.last_error = f"gave up after {delivery.attempts} attempts: {error}"
    if state == "retry":
        delivery.state = "retry_wait"
        delivery.next_attempt_at = now + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    else:
        delivery.state = state
        delivery.finished_at = now
