"""The audit trail of letters: from render through approval to the bytes that were sent.

Rule: the trail is read from the audit log alone (entries written in the same transactions as
the changes), so it shows what happened, in order, with the hashes recorded at each step.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import NotFound
from storage import audit
from storage.tables import Addressee, AuditEntry, Batch, Delivery, Letter


def _letters(
    uow: Session, *, campaign_id: int | None, addressee_key: str | None, letter_id: int | None
) -> list[Letter]:
    query = select(Letter).join(Batch, Letter.batch_id == Batch.id).order_by(Letter.id)
    if campaign_id is not None:
        query = query.where(Batch.campaign_id == campaign_id)
    if letter_id is not None:
        query = query.where(Letter.id == letter_id)
    if addressee_key is not None:
        addressee = uow.scalar(select(Addressee).where(Addressee.key == addressee_key))
        if addressee is None:
            raise NotFound(f"no addressee {addressee_key!r}")
        query = query.where(Letter.addressee_id == addressee.id)
    return list(uow.scalars(query))


def trail(
    uow: Session,
    *,
    campaign_id: int | None = None,
    addressee_key: str | None = None,
    letter_id: int | None = None,
) -> list[AuditEntry]:
    """Audit entries, oldest first. With an addressee or a letter: only those about its
    letters, their deliveries and their batches (render → approval → delivery)."""
    if addressee_key is None and letter_id is None:
        return audit.entries(uow, campaign_id=campaign_id)
    letters = _letters(
        uow, campaign_id=campaign_id, addressee_key=addressee_key, letter_id=letter_id
    )
    if not letters:
        raise NotFound("no letters match: check --letter, --addressee and --campaign")
    ids = [letter.id for letter in letters]
    deliveries = uow.scalars(select(Delivery.id).where(Delivery.letter_id.in_(ids)))
    subjects = {f"letter:{i}" for i in ids}
    subjects |= {f"delivery:{i}" for i in deliveries}
    subjects |= {f"batch:{letter.batch_id}" for letter in letters}
    return audit.entries(uow, campaign_id=campaign_id, subjects=subjects)


def describe(entry: AuditEntry) -> list[str]:
    """The entry as lines: when, action, subject and actor; then one line per detail,
    nested values flattened (``sha256.pdf``) and empty ones left out."""
    lines = [
        f"{entry.at:%Y-%m-%d %H:%M:%S} UTC  {entry.action:<18} {entry.subject:<14} by {entry.actor}"
    ]
    for key, value in entry.details.items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        for sub, item in items:
            if item in ("", None, [], {}):
                continue
            shown = ", ".join(map(str, item)) if isinstance(item, list) else str(item)
            lines.append(f"    {key}{'.' + sub if sub else ''}: {shown}")
    return lines
