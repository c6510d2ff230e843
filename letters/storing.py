"""Recording rendered letters: their files named, their ``Document`` rows added, review queued.

Rule: letters are stored a few at a time, each group in one write transaction (at most
``STORE_EVERY`` letters, or what arrived within ``STORE_SECONDS``): inside it each letter's
revision is read, its files (already written by the renderer, ``letters.filing``) are renamed
to their final names, its rows added and the letter moved to ``review`` (or ``approved`` when
the appeal does not require review). A crash before the commit leaves the group's letters
pending, with at most orphan files under names the next render writes over; a group that
cannot be stored removes the files not yet renamed.

Why groups: a commit and its queries per letter cost the storing process more than the
renderers leave it of the machine in a thousand-letter batch; a group still commits within
half a second, so progress is shown as it goes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.store import appeal_of
from letters import texts as review_texts
from letters.compose import ComposedLetter
from letters.filing import Written, WrittenDocument, discard
from storage import audit
from storage.db import Database
from storage.tables import Approval, Campaign, Document, Letter
from timeutil import Clock

STORE_EVERY = 32
STORE_SECONDS = 0.5
Item = TypeVar("Item")


def groups(items: Iterable[Item]) -> Iterator[list[Item]]:
    """``items`` in consecutive groups of at most ``STORE_EVERY``, each closed as soon as
    ``STORE_SECONDS`` have passed since it was opened (when its next item arrives)."""
    group: list[Item] = []
    opened = time.monotonic()
    for item in items:
        if not group:
            opened = time.monotonic()
        group.append(item)
        if len(group) >= STORE_EVERY or time.monotonic() - opened >= STORE_SECONDS:
            yield group
            group = []
    if group:
        yield group


def store_group(
    db: Database,
    campaign: Campaign,
    group: Sequence[tuple[ComposedLetter, Written]],
    *,
    documents_dir: Path,
    actor: str,
    clock: Clock,
) -> list[Path]:
    """Store each letter of ``group`` in one transaction; the final paths of their files."""
    try:
        with db.unit_of_work() as uow:
            ids = [letter.letter_id for letter, _ in group]
            uow.scalars(select(Letter).where(Letter.id.in_(ids))).all()  # one query, not one each
            revisions = _revisions(uow, ids)
            paths: list[Path] = []
            for letter, documents in group:
                paths += _store(uow, campaign, letter, documents, documents_dir, revisions, clock)
                audit.record(
                    uow,
                    at=clock.now(),
                    actor=actor,
                    action="letter.render",
                    subject=f"letter:{letter.letter_id}",
                    campaign_id=campaign.id,
                    addressee=letter.addressee_key,
                    sha256={fmt: doc.sha256 for fmt, doc in documents.items()},
                )
    except BaseException:
        discard(doc for _, documents in group for doc in documents.values())
        raise
    return paths


def _revisions(uow: Session, letter_ids: list[int]) -> dict[tuple[int, str], int]:
    """The newest revision of each (letter, format) of ``letter_ids`` that has one."""
    rows = uow.execute(
        select(Document.letter_id, Document.format, func.max(Document.revision))
        .where(Document.letter_id.in_(letter_ids))
        .group_by(Document.letter_id, Document.format)
    )
    return {(letter_id, fmt): revision for letter_id, fmt, revision in rows}


def _store(
    uow: Session,
    campaign: Campaign,
    letter: ComposedLetter,
    documents: Written,
    documents_dir: Path,
    revisions: dict[tuple[int, str], int],
    clock: Clock,
) -> list[Path]:
    """Name the letter's files, add their ``Document`` rows, move it to review (or approved)."""
    auto_approve = not appeal_of(campaign).review_required
    row = uow.get_one(Letter, letter.letter_id)
    folder = documents_dir / campaign.key / f"batch-{row.batch_id}"
    paths = []
    for fmt, doc in documents.items():
        revision = 1 + revisions.get((row.id, fmt), 0)
        path = folder / f"{letter.addressee_key}.r{revision}.{doc.extension}"
        doc.move_to(path)
        paths.append(path)
        stored = _document(row, fmt, revision, doc, str(path.relative_to(documents_dir)), clock)
        uow.add(stored)
        if auto_approve:
            uow.flush()  # the approval names the document's id
            uow.add(
                Approval(
                    document_id=stored.id,
                    sha256=doc.sha256,
                    decision="approved",
                    reviewer="(review not required)",
                    decided_at=clock.now(),
                )
            )
    row.status = "approved" if auto_approve else "review"
    row.rendered_at = clock.now()
    row.render_error = ""
    pdf_revision = 1 + revisions.get((row.id, "pdf"), 0)  # every letter has its PDF
    review_texts.record(
        uow, letter, revision=pdf_revision, campaign_version=campaign.version, clock=clock
    )
    return paths


def _document(
    row: Letter, fmt: str, revision: int, doc: WrittenDocument, path: str, clock: Clock
) -> Document:
    return Document(
        letter_id=row.id,
        format=fmt,
        revision=revision,
        path=path,
        media_type=doc.media_type,
        sha256=doc.sha256,
        size=doc.size,
        created_at=clock.now(),
    )
