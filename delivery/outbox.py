"""The durable outbox: enqueue approved letters, one row per (letter, channel).

The lifecycle is ``delivery.states``; claiming is ``delivery.claims``, recording outcomes
``delivery.finish``, the channels ``delivery.channels`` (filled in by ``bootstrap/channels.py``).

Durable steps, and what a crash between them leaves:
- enqueue: one row per (letter, channel), inserted once; the unique key makes re-running a no-op.
- claim: rows flip to ``sending`` with a lease in one transaction; the Message-ID was fixed at
  render time, so a retry after a crash re-sends the same message, never a new one.
- finish: the outcomes of a claimed batch are written in one transaction once its sends have
  answered. If the process dies between a send and that commit, the lease expires and the row
  is claimed again (at-least-once; receivers de-duplicate by Message-ID).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.channels import REGISTRY, Channels
from delivery.states import State
from delivery.supersede import SUPERSEDED, supersede_unsent
from delivery.windows import SendWindow
from review.queue import current_documents, is_approved
from storage import audit
from storage.tables import Addressee, Batch, Campaign, ChannelCheck, Delivery, Document, Letter
from timeutil import Clock

# Every registered channel, in fallback order (a live view of the registry).
CHANNELS: Channels = REGISTRY


@dataclass
class EnqueueReport:
    queued: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    no_channel: list[str] = field(default_factory=list)
    not_approved: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # "key: channel" skipped, awaiting a check
    superseded: list[str] = field(default_factory=list)  # delivery.supersede: older unsent letters


def enqueue(
    uow: Session,
    campaign: Campaign,
    *,
    actor: str,
    clock: Clock,
    channels: Collection[str] = ("email",),
    registry: Channels = REGISTRY,
    window: SendWindow | None = None,
) -> EnqueueReport:
    """Put every approved letter of the campaign into the outbox, on the first of ``channels``
    (in the order of ``choose_channel``) that its addressee and documents allow. A channel
    flagged by a permanent bounce and not yet cleared by staff (``recipients.checks``) is
    skipped — the next channel is used, if any — and named in ``report.flagged``. With a
    sending ``window``, a row becomes due when its addressee's office next opens."""
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
        chosen = choose_channel(current_documents(uow, letter.id), addressee, allowed, registry)
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
                state=State.QUEUED.value,
                next_attempt_at=(
                    window.next_open(clock.now(), addressee.country) if window else clock.now()
                ),
                message_id=letter.message_id,
                sha256=document.sha256,
                created_at=clock.now(),
            )
        )
        report.queued.append(addressee.key)
    # Emails first (the worker can start on them), then the channels staff carry out.
    pending.sort(key=lambda d: registry.index(d.channel))
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


def choose_channel(
    documents: dict[str, Document],
    addressee: Addressee,
    channels: Collection[str],
    registry: Channels = REGISTRY,
) -> tuple[str, Document, str] | None:
    """The first of ``channels``, in the registry's (fallback) order, on which the addressee
    can be reached with a rendered document of the channel's format; returns (channel,
    document, recipient) or None."""
    for name in registry:
        spec = registry.spec(name)
        recipient = spec.recipient(addressee) if name in channels else ""
        if recipient and spec.document in documents:
            return name, documents[spec.document], recipient[:254]
    return None
