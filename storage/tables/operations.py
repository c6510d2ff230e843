"""The running service's tables: the audit log and APScheduler's job store.

Rule: the audit log is only appended to; ``apscheduler_jobs`` is declared here only so that
migrations own it, and only the scheduler writes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, LargeBinary, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class AuditEntry(Base):
    """Who did what, when, to which thing; with hashes where bytes are involved."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]


class SchedulerJob(Base):
    """APScheduler's job store (``SQLAlchemyJobStore``), declared here so migrations own it.

    The columns are exactly those APScheduler 3.11 creates; only the scheduler writes them.
    """

    __tablename__ = "apscheduler_jobs"
    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
