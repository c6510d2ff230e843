"""Stale letters: rendered from an older appeal version, quoting a count long overtaken or
corrected down, or rendered before the addressee's registry record last changed.

Rule: a letter is judged by what its current revision was rendered from (its review text:
campaign version, the signature count it quotes, when it was rendered); letters rendered before
review texts existed fall back to their batch's version and count and the letter's render time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from campaigns.batches import latest_count
from storage.tables import Addressee, Batch, Campaign, Document, Letter, ReviewText
from timeutil import as_utc


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

    Stale when the appeal has a newer version than the one rendered, when the newest
    signature snapshot exceeds the count the letter quotes by more than ``after_signatures``
    or lies below it (a correction down), or when the addressee's registry record changed
    after the revision was rendered (language, address, salutation, channels).
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
            func.coalesce(ReviewText.created_at, Letter.rendered_at),
            Addressee.updated_at,
        )
        .join(Batch, Batch.id == Letter.batch_id)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .outerjoin(current, current.c.letter_id == Letter.id)
        .outerjoin(ReviewText, rendered_from)
        .where(Letter.id.in_(ids))
    ).all()
    newest: dict[int, int | None] = {}
    marks = {}
    for letter_id, campaign_id, now_version, version, quoted, rendered, changed in rows:
        if campaign_id not in newest:
            snapshot = latest_count(uow, campaign_id)
            newest[campaign_id] = snapshot.count if snapshot else None
        facts = _Facts(version, now_version, quoted, newest[campaign_id], rendered, changed)
        reasons = _reasons(facts, after_signatures)
        if reasons:
            marks[letter_id] = reasons
    return marks


@dataclass(frozen=True)
class _Facts:
    version: int  # the appeal version rendered
    now_version: int
    quoted: int  # the count the letter quotes
    newest: int | None  # the newest count recorded
    rendered: datetime | None  # when the current revision was rendered
    changed: datetime  # when the addressee's record last changed


def _reasons(f: _Facts, after_signatures: int) -> list[str]:
    reasons = []
    if f.version < f.now_version:
        reasons.append(
            f"rendered from appeal version {f.version}; the appeal is now version {f.now_version}"
        )
    if f.newest is not None and f.newest - f.quoted > after_signatures:
        reasons.append(
            f"quotes {f.quoted:,} signatures; the newest count is {f.newest:,} "
            f"(+{f.newest - f.quoted:,}, more than {after_signatures:,})"
        )
    if f.newest is not None and f.newest < f.quoted:
        reasons.append(
            f"quotes {f.quoted:,} signatures; the count was corrected down to {f.newest:,}"
        )
    if f.rendered is not None and as_utc(f.changed) > as_utc(f.rendered):
        reasons.append(
            f"the addressee's registry record changed on {as_utc(f.changed):%Y-%m-%d %H:%M} "
            f"UTC, after this revision was rendered ({as_utc(f.rendered):%Y-%m-%d %H:%M} UTC)"
        )
    return reasons
