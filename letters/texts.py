"""Review texts: what each revision of a letter says, section by section, and what changed.

Rule: the text is recorded from the composed letter in the same transaction that stores the
revision's documents, so a diff compares what two renders were asked to say; the bytes
themselves are pinned by the approvals' sha256, not by this text. It lives in letters (below
review, which shows the diffs) because rendering records it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.tables import Approval, Batch, Document, Letter, ReviewText
from timeutil import Clock

if TYPE_CHECKING:
    from letters.compose import ComposedLetter

# The sections a reviewer compares, in the order the letter presents them.
SECTIONS = (
    "subject",
    "addressee",
    "salutation",
    "opening",
    "body",
    "demands",
    "closing",
    "cosigners",
    "signatures",
)


def sections_of(letter: ComposedLetter) -> dict[str, list[str]]:
    """The letter's reviewable text as lines per section (the count as the letter words it)."""
    cosigners = [
        ", ".join(filter(None, [c.organisation, c.representative, c.role]))
        for c in letter.cosigners
    ]
    return {
        "subject": [letter.subject],
        "addressee": list(letter.addressee_lines),
        "salutation": [letter.salutation],
        # A reminder's or a progress letter's opening paragraph (none in a first letter).
        "opening": [letter.reminder] if letter.reminder else [],
        "body": letter.body_markdown.strip().splitlines(),
        "demands": [f"{n}. {demand}" for n, demand in enumerate(letter.demands, 1)],
        "closing": letter.closing.strip().splitlines(),
        "cosigners": cosigners,
        "signatures": [letter.signatures_text],
    }


def record(
    uow: Session, letter: ComposedLetter, *, revision: int, campaign_version: int, clock: Clock
) -> None:
    """Store the text of the letter's PDF revision ``revision`` (the one just stored)."""
    uow.add(
        ReviewText(
            letter_id=letter.letter_id,
            revision=revision,
            campaign_version=campaign_version,
            signature_count=letter.signature_count,
            sections=sections_of(letter),
            created_at=clock.now(),
        )
    )


def text_of(uow: Session, letter_id: int, revision: int) -> ReviewText | None:
    return uow.scalar(
        select(ReviewText).where(ReviewText.letter_id == letter_id, ReviewText.revision == revision)
    )


@dataclass(frozen=True)
class Previous:
    """The version a reviewer approved before: its text, where it came from, who approved it."""

    text: ReviewText
    batch_id: int
    approval: Approval


def previous_approved(uow: Session, letter: Letter, revision: int) -> Previous | None:
    """The newest approved earlier version of this letter: an earlier revision of the same
    letter, else the same addressee's letter in an earlier batch of the same campaign."""
    batch = uow.get_one(Batch, letter.batch_id)
    earlier = (ReviewText.letter_id != letter.id) | (ReviewText.revision < revision)
    row = uow.execute(
        select(ReviewText, Batch.id, Approval)
        .join(Letter, ReviewText.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .join(
            Document,
            (Document.letter_id == Letter.id)
            & (Document.revision == ReviewText.revision)
            & (Document.format == "pdf"),
        )
        .join(Approval, Approval.document_id == Document.id)
        .where(
            Letter.addressee_id == letter.addressee_id,
            Batch.campaign_id == batch.campaign_id,
            Batch.id <= batch.id,
            Approval.decision == "approved",
            Approval.sha256 == Document.sha256,
            earlier,
        )
        .order_by(Batch.id.desc(), ReviewText.revision.desc(), Approval.id.desc())
        .limit(1)
    ).first()
    return None if row is None else Previous(row[0], row[1], row[2])


def diff(old: ReviewText, new: ReviewText) -> list[str]:
    """A unified diff per changed section, labelled with the section and both revisions."""
    lines: list[str] = []
    for section in SECTIONS:
        before = old.sections.get(section, [])
        after = new.sections.get(section, [])
        if before == after:
            continue
        lines += difflib.unified_diff(
            before,
            after,
            fromfile=f"{section} (letter {old.letter_id} r{old.revision})",
            tofile=f"{section} (letter {new.letter_id} r{new.revision})",
            lineterm="",
            n=1,
        )
    return lines
