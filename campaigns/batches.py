"""Delivery batches: one letter row per targeted addressee, created in the caller's transaction.

Rule: a batch records the signature count and campaign version it was made for, and each
letter gets its Message-ID and Reply-To token now, before any rendering, so re-rendering and
retries never change a letter's identity. ``create_batch`` is the one function that makes a
batch (milestones and follow-ups alike) and the one that sets its ``kind``: ``first`` (the full
appeal), ``progress`` (a later milestone: addressees already written to get an update) or
``reminder`` (a follow-up to the silent).

Campaigns sit below letters, yet a batch gives each letter its identity: ``Identities`` is the
one-method role this module needs, and ``letters.identity.ReplyAddresses`` (built in bootstrap
with the reply domain and secret) is the mechanism; nothing here imports letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import appeal_of
from recipients.selection import resolve
from storage import audit
from storage.tables import Addressee, Batch, Campaign, Letter, SignatureCount
from timeutil import Clock


class NewIdentity(Protocol):
    """A letter's identity as a batch stores it on the letter row."""

    @property
    def message_id(self) -> str: ...

    @property
    def reply_token(self) -> str: ...


class Identities(Protocol):
    """Makes a fresh identity for each new letter (``letters.identity.ReplyAddresses``)."""

    def new_identity(self) -> NewIdentity: ...


def latest_count(uow: Session, campaign_id: int) -> SignatureCount | None:
    """The most recently recorded signature snapshot of a campaign, if any.

    Recorded order, not the highest count: a correction may lower the count. Writers hold
    ``lock_campaign``, so the newest id is the last count written.
    """
    return uow.scalar(
        select(SignatureCount)
        .where(SignatureCount.campaign_id == campaign_id)
        .order_by(SignatureCount.id.desc())
        .limit(1)
    )


KINDS = ("first", "progress", "reminder")
Kind = Literal["first", "progress", "reminder"]


def next_kind(uow: Session, campaign_id: int) -> Kind:
    """``progress`` once the campaign has a batch that is not a reminder, else ``first``."""
    earlier = uow.scalar(
        select(Batch.id).where(Batch.campaign_id == campaign_id, Batch.kind != "reminder").limit(1)
    )
    return "first" if earlier is None else "progress"


def create_batch(
    uow: Session,
    campaign: Campaign,
    *,
    reason: str,
    identities: Identities,
    actor: str,
    clock: Clock,
    kind: Kind | None = None,
    addressees: Sequence[Addressee] | None = None,
) -> Batch:
    """Create a batch of letters (status ``pending``: not yet rendered) for the appeal's targets
    (or for ``addressees``). ``kind`` None: ``first`` or ``progress`` by ``next_kind``."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown batch kind {kind!r}")
    appeal = appeal_of(campaign)
    snapshot = latest_count(uow, campaign.id)
    batch = Batch(
        campaign_id=campaign.id,
        kind=kind or next_kind(uow, campaign.id),
        reason=reason,
        campaign_version=campaign.version,
        signature_count=snapshot.count if snapshot else 0,
        signatures_as_of=snapshot.as_of if snapshot else clock.now(),
        created_at=clock.now(),
        created_by=actor,
    )
    uow.add(batch)
    uow.flush()
    warnings: list[str] = []
    if addressees is None:
        targeted = resolve(uow, appeal.targets)
        addressees, warnings = targeted.addressees, list(targeted.warnings)
    for addressee in addressees:
        identity = identities.new_identity()
        language = appeal.language_for(addressee.languages.split(";"), key=addressee.key)
        uow.add(
            Letter(
                batch_id=batch.id,
                addressee_id=addressee.id,
                language=language,
                status="pending",
                message_id=identity.message_id,
                reply_token=identity.reply_token,
            )
        )
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="batch.create",
        subject=f"batch:{batch.id}",
        campaign_id=campaign.id,
        reason=reason,
        kind=batch.kind,
        signatures=batch.signature_count,
        version=campaign.version,
        warnings=warnings,
    )
    return batch


def language_now(uow: Session, letter: Letter) -> str:
    """The letter's language by the registry as it is now (a re-render follows a fix there)."""
    addressee = uow.get_one(Addressee, letter.addressee_id)
    campaign = uow.get_one(Campaign, uow.get_one(Batch, letter.batch_id).campaign_id)
    return appeal_of(campaign).language_for(addressee.languages.split(";"), key=addressee.key)


def batches_of(uow: Session, campaign_id: int) -> list[Batch]:
    return list(
        uow.scalars(select(Batch).where(Batch.campaign_id == campaign_id).order_by(Batch.id))
    )
