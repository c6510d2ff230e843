"""Who says a contact is right: set fields by hand, confirm contacts, read a field's history,
and name the contacts nobody has confirmed.

Rule: every change goes through ``registry.import_records`` (so it is validated and audited
field by field like a file import); a confirmation (``verify``) is its own audited action that
sets ``<contact>_verified_on`` to the day and says who confirmed it, where, and with what note.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import InputError, NotFound, Problem
from recipients import registry
from recipients.failing import CONTACT_OF, settle_checks
from recipients.record import CONTACTS, FIELDS, AddresseeRecord
from storage import audit
from storage.tables import Addressee, AuditEntry, Batch, Delivery, Letter
from timeutil import Clock


def addressee(uow: Session, key: str) -> Addressee:
    row = uow.scalar(select(Addressee).where(Addressee.key == key))
    if row is None:
        raise NotFound(f"no addressee {key!r} (see advocacy recipients list)")
    return row


def unconfirmed(row: Addressee) -> list[str]:
    """The contacts the addressee has that nobody has confirmed (``_verified_on`` empty)."""
    return [c for c in CONTACTS if getattr(row, c) and getattr(row, f"{c}_verified_on") is None]


def verify_hint(key: str) -> str:
    return f"advocacy recipients verify {key} --by NAME"


def set_fields(
    uow: Session, key: str, values: Mapping[str, str], *, actor: str, clock: Clock
) -> registry.Changes:
    """Change the named fields of one addressee (validated, audited); return the changes."""
    addressee(uow, key)
    unknown = sorted(set(values) - set(FIELDS) | ({"key"} & set(values)))
    if unknown:
        known = ", ".join(f for f in FIELDS if f != "key")
        raise InputError(
            [Problem("set", None, f, f"not a settable field ({known})") for f in unknown]
        )
    try:
        record = AddresseeRecord.model_validate({"key": key, **values})
    except ValidationError as exc:
        raise InputError(
            Problem(
                "set", None, ".".join(map(str, e["loc"])), e["msg"].removeprefix("Value error, ")
            )
            for e in exc.errors()
        ) from None
    report = registry.import_records(
        uow, [record], source_name=f"set by {actor}", update=True, actor=actor, clock=clock
    )
    return report.changes.get(key, {})


def verify(
    uow: Session,
    key: str,
    *,
    by: str,
    note: str = "",
    contacts: Collection[str] = (),
    actor: str,
    clock: Clock,
) -> list[str]:
    """Record that ``by`` confirmed the addressee's contacts (all it has, or ``contacts``)."""
    row = addressee(uow, key)
    wanted = list(contacts) or [c for c in CONTACTS if getattr(row, c)]
    bad = [c for c in wanted if c not in CONTACTS or not getattr(row, c)]
    if bad or not wanted:
        hint = f"add one with advocacy recipients set {key} email=… (or postal_address=…)"
        message = f"{key} has no {', '.join(bad) or 'contact'} to confirm; {hint}"
        raise InputError([Problem("verify", None, "contact", message)])
    today = clock.now().date()
    changes: dict[str, list[Any]] = {}
    for name in [f"{c}_verified_on" for c in wanted] + ["verified_on"]:
        old = getattr(row, name)
        changes[name] = [old.isoformat() if old else None, today.isoformat()]
        setattr(row, name, today)
    row.updated_at = clock.now()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="addressee.verify",
        subject=f"addressee:{key}",
        source=f"confirmed by {by}" + (f": {note}" if note else ""),
        by=by,
        note=note,
        contacts={c: getattr(row, c) for c in wanted},
        changes=changes,
    )
    settle_checks(uow, key, wanted, actor=actor, clock=clock, reason=f"confirmed by {by}")
    return wanted


@dataclass(frozen=True)
class FieldChange:
    at: datetime
    actor: str
    action: str  # import, update, verify
    source: str
    field: str
    old: Any
    new: Any


def field_history(uow: Session, key: str, *, field: str | None = None) -> list[FieldChange]:
    """Each recorded change of the addressee's fields (or of one field), oldest first; its
    creation by an import is one row (field ``*``)."""
    addressee(uow, key)
    query = select(AuditEntry).where(AuditEntry.action.like("addressee.%"))
    history: list[FieldChange] = []
    for e in uow.scalars(query.order_by(AuditEntry.id)):
        action, source = e.action.split(".")[1], e.details.get("source", "")
        if e.subject != f"addressee:{key}":
            if key in e.details.get("created", []) and field is None:
                history.append(
                    FieldChange(
                        e.at, e.actor, action, e.subject.removeprefix("file:"), "*", None, "created"
                    )
                )
            continue
        history += [
            FieldChange(e.at, e.actor, action, source, f, old, new)
            for f, (old, new) in e.details.get("changes", {}).items()
            if field is None or f == field
        ]
        if action == "flag" and field in (None, e.details.get("contact")):
            history.append(
                FieldChange(
                    e.at,
                    e.actor,
                    action,
                    e.details.get("reason", ""),
                    e.details.get("contact", ""),
                    e.details.get("value"),
                    "flagged failing",
                )
            )
    return history


def unconfirmed_deliveries(uow: Session, campaign_id: int, keys: Collection[str]) -> list[str]:
    """'key: contact value' for each queued delivery of these addressees going to a contact
    nobody has confirmed, with the command that confirms it (shown by ``deliver``)."""
    query = (
        select(Delivery.channel, Addressee)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Batch.campaign_id == campaign_id, Addressee.key.in_(list(keys)))
        .order_by(Addressee.key)
    )
    warnings = []
    for channel, row in uow.execute(query).all():
        contact = CONTACT_OF.get(channel)
        if contact and getattr(row, f"{contact}_verified_on") is None:
            source = getattr(row, f"{contact}_source") or "no source given"
            warnings.append(
                f"{row.key}: {contact} unconfirmed (source: {source}); "
                f"once checked there: {verify_hint(row.key)}"
            )
    return warnings
