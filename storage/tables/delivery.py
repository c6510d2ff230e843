"""The delivery tables: the durable outbox and the channels flagged for staff to check.

Rule: one outbox row per (letter, channel), its Message-ID chosen before the first attempt and
unique, so an expired lease re-queues the same message and never sends a second one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from delivery.states import CHECK_SQL
from storage.tables.base import Base


class Delivery(Base):
    """The durable outbox: one row per (letter, channel) and its state machine."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("letter_id", "channel"),
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        # Delivered-before-a-date scans (overdue answers) read only this index and the letters.
        Index("ix_deliveries_delivered", "state", "finished_at", "letter_id"),
        # The names of delivery.states.State; every move goes through delivery.states.move.
        CheckConstraint(CHECK_SQL, name="state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    transport: Mapped[str] = mapped_column(String(20), default="")
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    reference: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime]
    # Claims since the last recorded outcome; at ADVOCACY_MAX_CLAIMS the row is held.
    unsettled_claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_attempt_at: Mapped[datetime | None] = mapped_column(default=None)  # retry horizon
    history: Mapped[str] = mapped_column(Text, default="", server_default="")  # one line/attempt


class ChannelCheck(Base):
    """An addressee's delivery channel flagged for staff to check (e.g. a permanent bounce of
    their email address); open until ``cleared_at`` is set."""

    __tablename__ = "channel_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    flagged_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
