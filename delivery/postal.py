"""Channels staff carry out by hand: the postal print batch and the web-form task.

Rule: a print batch holds only approved bytes (``approved_content``, the same gate as the
worker's), and a postal or manual delivery becomes ``sent`` only when staff say it went out
(``mark_posted`` with the date and tracking number, ``mark_done`` with an optional receipt).
A web-form task's text is read back from the approved bytes too (``delivery.form_text``).

Postal rows: queued → printed (in a print batch; reprinting is allowed) → sent.
Manual rows: queued → sent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import safecsv
from delivery.form_text import form_text, words_of
from delivery.integrity import approved_content
from delivery.states import State, move
from errors import Conflict, NotFound
from letters.texts import text_of
from letters.wording import labels
from storage import audit
from storage.tables import Addressee, Batch, BatchAnnex, Delivery, Document, Letter
from timeutil import Clock

MANIFEST = ("item", "delivery", "addressee", "name", "postal_address", "first_page", "pages")


@dataclass(frozen=True)
class PrintBatch:
    pdf: Path
    manifest: Path
    delivery_ids: list[int]
    pages: int


def _postal_rows(uow: Session, batch_id: int) -> list[tuple[Delivery, Addressee]]:
    if uow.get(Batch, batch_id) is None:
        raise NotFound(f"no batch {batch_id}")
    rows = uow.execute(
        select(Delivery, Addressee)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(
            Letter.batch_id == batch_id,
            Delivery.channel == "postal",
            Delivery.state.in_((State.QUEUED, State.PRINTED)),
        )
        .order_by(Addressee.country, Addressee.key)
    ).all()
    return [(d, a) for d, a in rows]


def print_file(out_dir: Path, batch_id: int, suffix: str) -> Path:
    """The batch's merged letters (``pdf``) or manifest (``csv``) in ``out_dir``."""
    return out_dir / f"batch-{batch_id}-post.{suffix}"


def print_batch(
    uow: Session, batch_id: int, *, documents_dir: Path, out_dir: Path, actor: str, clock: Clock
) -> PrintBatch:
    """One merged PDF of the batch's postal letters, in manifest order, and the CSV manifest.

    The letter PDFs place the address for window envelopes; each starts on a new sheet
    (a blank page is added after an odd page count so duplex printing keeps them apart).
    """
    from pypdf import PdfReader, PdfWriter  # only printing needs it; the CLI starts without

    rows = _postal_rows(uow, batch_id)
    if not rows:
        raise NotFound(f"batch {batch_id} has no postal deliveries waiting to be printed")
    writer, table = PdfWriter(), io.StringIO()
    manifest = safecsv.writer(table)
    manifest.writerow(MANIFEST)
    for item, (delivery, addressee) in enumerate(rows, start=1):
        reader = PdfReader(io.BytesIO(approved_content(uow, delivery, documents_dir)))
        first = len(writer.pages) + 1
        writer.append(reader)
        if len(reader.pages) % 2:
            writer.add_blank_page()
        address = " / ".join(line.strip() for line in addressee.postal_address.splitlines())
        manifest.writerow(
            (item, delivery.id, addressee.key, addressee.name, address, first, len(reader.pages))
        )
        move(delivery, State.PRINTED, at=clock.now())
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf, csv_path = print_file(out_dir, batch_id, "pdf"), print_file(out_dir, batch_id, "csv")
    with pdf.open("wb") as handle:
        writer.write(handle)
    csv_path.write_text(table.getvalue(), encoding="utf-8")
    ids = [d.id for d, _ in rows]
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="delivery.printed",
        subject=f"batch:{batch_id}",
        campaign_id=uow.get_one(Batch, batch_id).campaign_id,
        deliveries=ids,
        pdf=str(pdf),
    )
    return PrintBatch(pdf, csv_path, ids, len(writer.pages))


def _mark_sent(
    uow: Session, delivery_id: int, *, channel: str, states: tuple[State, ...], at: datetime
) -> Delivery:
    delivery = uow.get(Delivery, delivery_id)
    if delivery is None or delivery.channel != channel:
        raise NotFound(f"no {channel} delivery {delivery_id}")
    if delivery.state not in states:
        raise Conflict(
            f"delivery {delivery_id} is {delivery.state}; only {' or '.join(states)} can be marked"
        )
    move(delivery, State.SENT, at=at, error="")
    return delivery


def _audit_sent(uow: Session, delivery: Delivery, *, actor: str, clock: Clock) -> None:
    letter = uow.get_one(Letter, delivery.letter_id)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="delivery.sent",
        subject=f"delivery:{delivery.id}",
        campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
        channel=delivery.channel,
        sha256=delivery.sha256,
        reference=delivery.reference,
    )


def mark_posted(
    uow: Session, delivery_id: int, *, posted_on: date, tracking: str, actor: str, clock: Clock
) -> Delivery:
    """A printed letter went into the post on ``posted_on``, with this tracking number."""
    at = datetime.combine(posted_on, time(12), tzinfo=UTC)
    delivery = _mark_sent(uow, delivery_id, channel="postal", states=(State.PRINTED,), at=at)
    delivery.reference, delivery.transport = tracking, "post"
    _audit_sent(uow, delivery, actor=actor, clock=clock)
    return delivery


def mark_done(
    uow: Session, delivery_id: int, *, receipt: str, actor: str, clock: Clock
) -> Delivery:
    """Staff submitted the web form by hand (``receipt``: its confirmation, if any)."""
    delivery = _mark_sent(
        uow, delivery_id, channel="manual", states=(State.QUEUED,), at=clock.now()
    )
    delivery.reference, delivery.transport = receipt, "web-form"
    _audit_sent(uow, delivery, actor=actor, clock=clock)
    return delivery


@dataclass(frozen=True)
class FormTask:
    delivery_id: int
    addressee: str
    form_url: str
    text: str


def form_task(uow: Session, delivery_id: int, *, documents_dir: Path) -> FormTask:
    """What staff paste into the addressee's web form, and where: the approved letter's text
    as paragraphs, without the signatory annex or page numbers (``delivery.form_text``)."""
    delivery = uow.get(Delivery, delivery_id)
    if delivery is None or delivery.channel != "manual":
        raise NotFound(f"no manual delivery {delivery_id}")
    content = approved_content(uow, delivery, documents_dir)
    letter = uow.get_one(Letter, delivery.letter_id)
    annex = uow.scalar(
        select(BatchAnnex.pages)
        .where(BatchAnnex.batch_id == letter.batch_id)
        .order_by((BatchAnnex.language == letter.language).desc())  # the letter's own first
        .limit(1)
    )
    document = uow.get_one(Document, delivery.document_id)
    reviewed = text_of(uow, letter.id, document.revision)
    sections = reviewed.sections.values() if reviewed else []
    words = words_of([line for lines in sections for line in lines])
    said = reviewed.sections if reviewed else {}
    subject = f"{labels(letter.language)['subject']}: {said['subject'][0]}" if said else ""
    text = form_text(
        content,
        annex_pages=annex or 0,
        words=words,
        language=letter.language,
        subject=subject,
        starts_at=(said.get("salutation") or [""])[0],
    )
    addressee = uow.get_one(Addressee, letter.addressee_id)
    return FormTask(delivery.id, addressee.key, delivery.recipient, text)
