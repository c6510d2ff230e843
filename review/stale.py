"""Stale letters: rendered from an older appeal version, or quoting a count long overtaken.

Rule: a letter is judged by what its current revision was rendered from (its review text:
campaign version and the signature count it quotes); letters rendered before review texts
existed fall back to their batch's version and count.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.batches import latest_count
from review.texts import text_of
from storage.tables import Batch, Campaign, Document, Letter


def current_revision(uow: Session, letter_id: int) -> int:
    """The revision of the letter's newest PDF (0 when nothing is rendered yet)."""
    revision = uow.scalar(
        select(func.max(Document.revision)).where(
            Document.letter_id == letter_id, Document.format == "pdf"
        )
    )
    return revision or 0


def stale_reasons(uow: Session, letter: Letter, *, after_signatures: int) -> list[str]:
    """Why the letter's current revision is stale; empty when it is not.

    Stale when the appeal has a newer version than the one rendered, or when the newest
    signature snapshot exceeds the count the letter quotes by more than ``after_signatures``.
    """
    batch = uow.get_one(Batch, letter.batch_id)
    campaign = uow.get_one(Campaign, batch.campaign_id)
    text = text_of(uow, letter.id, current_revision(uow, letter.id))
    version = text.campaign_version if text else batch.campaign_version
    quoted = text.signature_count if text else batch.signature_count
    reasons = []
    if version < campaign.version:
        reasons.append(
            f"rendered from appeal version {version}; the appeal is now version {campaign.version}"
        )
    newest = latest_count(uow, campaign.id)
    if newest is not None and newest.count - quoted > after_signatures:
        reasons.append(
            f"quotes {quoted:,} signatures; the newest count is {newest.count:,} "
            f"(+{newest.count - quoted:,}, more than {after_signatures:,})"
        )
    return reasons
