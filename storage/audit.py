"""The audit log: one call records who did what to which thing, in the caller's transaction.

Rule: record in the same unit of work as the change itself, so the log never claims an action
that was rolled back, nor misses one that was committed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from storage.tables import AuditEntry


def record(
    uow: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    campaign_id: int | None = None,
    **details: Any,
) -> None:
    """Append one entry; ``details`` must be JSON-serialisable (ids, hashes, counts, reasons)."""
    uow.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            campaign_id=campaign_id,
            details=details,
        )
    )


def entries(
    uow: Session, *, campaign_id: int | None = None, subjects: Collection[str] | None = None
) -> list[AuditEntry]:
    """All entries, oldest first, optionally for one campaign and/or only these subjects
    (``letter:3``, ``delivery:7``, ``batch:1`` …)."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if campaign_id is not None:
        query = query.where(AuditEntry.campaign_id == campaign_id)
    if subjects is not None:
        query = query.where(AuditEntry.subject.in_(subjects))
    return list(uow.scalars(query))


def record_at_once(
    uow: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    campaign_id: int | None = None,
    **details: Any,
) -> None:
    """The same entry as ``record``, written now with one plain INSERT instead of at the next
    flush: for hot paths (the inbound import) where the ORM flush costs more than the rest."""
    row = {
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "campaign_id": campaign_id,
        "details": details,
    }
    uow.execute(_INSERT, row)


_INSERT = insert(cast(Table, AuditEntry.__table__))
