"""A campaign's tables: the appeal, its signature counts, its signers and its milestone firings.

Rule: a milestone fires exactly once, enforced by the unique (campaign, milestone) key of
``milestone_firings`` inserted in the transaction that creates the batch; signature counts only
go up, and a signer's personal data can be purged while the row (and so the count) stays.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Campaign(Base):
    """An appeal and its current definition; ``version`` grows with every update."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    definition: Mapped[dict[str, Any]]
    definition_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # Shared secret that signs this campaign's signature webhook; NULL: webhook disabled.
    webhook_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    # The public accountability page (/public/<key>): off until staff turn it on.
    public_page: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SignatureCount(Base):
    """A snapshot of how many people had signed at ``as_of``; counts only go up."""

    __tablename__ = "signature_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    count: Mapped[int]
    as_of: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime]


class MilestoneFiring(Base):
    """A milestone that has fired. The unique key makes firing happen exactly once.

    Several milestones crossed by one jump in the count share one batch: one letter, not two.
    ``outcome`` is ``fired`` (with its batch) or ``missed``: a dated milestone found overdue
    after downtime under ``ADVOCACY_MISSED_MILESTONES=report`` (no batch; it never fires later).
    """

    __tablename__ = "milestone_firings"
    __table_args__ = (UniqueConstraint("campaign_id", "milestone_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    milestone_key: Mapped[str] = mapped_column(String(80))
    fired_at: Mapped[datetime]
    signature_count: Mapped[int]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), default=None)
    outcome: Mapped[str] = mapped_column(String(10), default="fired")


class Signer(Base):
    """One person who signed, kept minimally: no email, only a keyed hash to de-duplicate.

    ``name``/``city``/``country`` are personal data: purging sets them to NULL and stamps
    ``purged_at``, keeping the row so counts stay right. Only signers with ``public`` consent
    may appear in a signatory annex.
    """

    __tablename__ = "signers"
    __table_args__ = (UniqueConstraint("campaign_id", "email_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    email_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    signed_at: Mapped[datetime]
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40))
    purged_at: Mapped[datetime | None] = mapped_column(default=None)
