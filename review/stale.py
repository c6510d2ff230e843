"""Stale letters: rendered from an older appeal version, or quoting a count long overtaken.

Rule: a letter is judged by what its current revision was rendered from (its review text:
campaign version and the signature count it quotes); letters rendered before review texts
existed fall back to their batch's version and count.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from campaigns.batches import latest_count
from storage.tables import Batch, Campaign, Document, Letter, ReviewText


def current_revision(uow: Session, letter_id: int) -> int:
    """The revision of the letter's newest PDF (0 when nothing is rendered yet)."""
    revision = uow.scalar(
        select(func.max(Document.revision)).where(
            Document.letter_id == letter_id, Document.format == "pdf"
        )
    )
    return revision or 0


def stale_reasons(uow: Session, letter: Letter, *, after_signatures: int) -> list[str]:
    """Why the letter's current revision is stale; empty when it is not (see ``stale_marks``)."""
    return stale_marks(uow, [letter.id], after_signatures=after_signatures).get(letter.id, [])


def stale_marks(
    uow: Session, letter_ids: Iterable[int], *, after_signatures: int
) -> dict[int, list[str]]:
    """The stale letters among ``letter_ids``, each with why, in one query for the letters
    (and one for each campaign's newest count), however many there are.

    Stale when the appeal has a newer version than the one rendered, or when the newest
    signature snapshot exceeds the count the letter quotes by more than ``after_signatures``.
    """
    ids = list(letter_ids)
    if not ids:
        return {}
    current = (
        select(Document.letter_id, func.max(Document.revision).label("revision"))
        .where(Document.letter_id.in_(ids), Document.format == "pdf")
        .group_by(Document.letter_id)
        .subquery()
    )
    rendered_from = and_(
        ReviewText.letter_id == Letter.id,
        ReviewText.revision == func.coalesce(current.c.revision, 0),
    )
    rows = uow.execute(
        select(
            Letter.id,
            Campaign.id,
            Campaign.version,
            func.coalesce(ReviewText.campaign_version, Batch.campaign_version),
            func.coalesce(ReviewText.signature_count, Batch.signature_count),
        )
        .join(Batch, Batch.id == Letter.batch_id)
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .outerjoin(current, current.c.letter_id == Letter.id)
        .outerjoin(ReviewText, rendered_from)
        .where(Letter.id.in_(ids))
    ).all()
    newest: dict[int, int | None] = {}
    marks = {}
    for letter_id, campaign_id, now_version, version, quoted in rows:
        if campaign_id not in newest:
            snapshot = latest_count(uow, campaign_id)
            newest[campaign_id] = snapshot.count if snapshot else None
        reasons = _reasons(version, quoted, now_version, newest[campaign_id], after_signatures)
        if reasons:
            marks[letter_id] = reasons
    return marks


def _reasons(
    version: int, quoted: int, now_version: int, newest: int | None, after_signatures: int
) -> list[str]:
    reasons = []
    if version < now_version:
        reasons.append(
            f"rendered from appeal version {version}; the appeal is now version {now_version}"
        )
    if newest is not None and newest - quoted > after_signatures:
        reasons.append(
            f"quotes {quoted:,} signatures; the newest count is {newest:,} "
            f"(+{newest - quoted:,}, more than {after_signatures:,})"
        )
    return reasons
