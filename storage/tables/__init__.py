"""The database schema: one mapped class per table, nothing else.

Rule: every datetime column holds UTC (``UtcDateTime`` re-attaches the zone SQLite drops), and
every state that must survive a crash (milestone firing, approval hash, outbox lease) is a column
here with a constraint that makes the safe outcome the only possible one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    Unicode,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from timeutil import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Addressee(Base):
    """One institution or person letters are sent to; ``key`` is the stable handle."""

    __tablename__ = "addressees"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    official_name: Mapped[str] = mapped_column(String(300), default="")
    person: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2), default="")
    languages: Mapped[str] = mapped_column(String(100), default="en")
    email: Mapped[str] = mapped_column(String(254), default="")
    postal_address: Mapped[str] = mapped_column(Text, default="")
    web_form: Mapped[str] = mapped_column(String(500), default="")
    salutation: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    verified_on: Mapped[date | None] = mapped_column(Date, default=None)
    defunct: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class AddresseeGroup(Base):
    """A saved selection of addressees (keys and filters), reused across appeals."""

    __tablename__ = "addressee_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    selection: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


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


class Batch(Base):
    """One round of letters for a campaign, created by a milestone or by hand."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    campaign_version: Mapped[int]
    signature_count: Mapped[int]
    signatures_as_of: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))


class Letter(Base):
    """One addressee's letter in a batch; its documents are the rendered bytes."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("batch_id", "addressee_id"),
        # The review queue and dashboard count letters by status without reading every letter.
        Index("ix_letters_status_batch", "status", "batch_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    reply_token: Mapped[str] = mapped_column(String(120), unique=True)
    rendered_at: Mapped[datetime | None] = mapped_column(default=None)


class Document(Base):
    """Rendered bytes of one letter in one format, kept on disk and pinned by sha256."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("letter_id", "format", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    path: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime]


class Approval(Base):
    """A reviewer's decision on one document; approvals pin the exact sha256 reviewed."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))
    reviewer: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime]


class Delivery(Base):
    """The durable outbox: one row per (letter, channel) and its state machine."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("letter_id", "channel"),
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        # Delivered-before-a-date scans (overdue answers) read only this index and the letters.
        Index("ix_deliveries_delivered", "state", "finished_at", "letter_id"),
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


class Response(Base):
    """An answer (or automatic acknowledgement) from an addressee to a campaign."""

    __tablename__ = "responses"
    # "Has this addressee answered this campaign?" is asked per addressee by the dashboard.
    __table_args__ = (Index("ix_responses_campaign_addressee", "campaign_id", "addressee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), default=None)
    kind: Mapped[str] = mapped_column(String(20), default="response")
    channel: Mapped[str] = mapped_column(String(20))
    stance: Mapped[str] = mapped_column(String(20), default="unclear")
    summary: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    matched_by: Mapped[str] = mapped_column(String(20), default="manual")
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True, default=None)
    raw_path: Mapped[str] = mapped_column(String(500), default="")
    # What staff chose to publish about this answer on the public page; "" publishes nothing.
    public_summary: Mapped[str] = mapped_column(Text, default="", server_default="")


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


class ReviewText(Base):
    """What one revision of a letter says, section by section, for review diffs and staleness.

    Written in the render's transaction from the composed letter (not parsed back from the PDF),
    with the campaign version and signature count it was rendered from.
    """

    __tablename__ = "review_texts"
    __table_args__ = (UniqueConstraint("letter_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    revision: Mapped[int]
    campaign_version: Mapped[int]
    signature_count: Mapped[int]
    sections: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class SchedulerJob(Base):
    """APScheduler's job store (``SQLAlchemyJobStore``), declared here so migrations own it.

    The columns are exactly those APScheduler 3.11 creates; only the scheduler writes them.
    """

    __tablename__ = "apscheduler_jobs"
    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class BatchAnnex(Base):
    """The signatory annex of one batch: rendered once from the batch's snapshot of public
    signers, kept on disk beside the batch's letters and pinned by sha256; every letter PDF of
    the batch is its cover followed by these pages."""

    __tablename__ = "batch_annexes"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    names: Mapped[int]
    pages: Mapped[int]
    created_at: Mapped[datetime]


class User(Base):
    """A staff account of the web app; ``role`` is admin, campaigner, reviewer or viewer.

    Only an argon2 hash of the password is stored; ``active`` false locks the account out.
    """

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)


class WebSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its sha256, so a
    leaked table does not log anyone in. ``csrf_token`` must accompany every unsafe request."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token for the JSON API, acting with its user's role; stored as a sha256."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class InboundMessage(Base):
    """A received message that is not (yet) an answer: the holding pen.

    ``status`` is ``unmatched`` (staff must assign it), ``assigned`` (a response was made of it),
    ``ignored`` or ``bounce`` (a delivery failure report no bounce handler took). Nothing is
    ever attached to a guessed addressee from here: only staff move a message out of the pen.
    """

    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    raw_path: Mapped[str] = mapped_column(String(500))
    sender: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="unmatched", index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), default=None)


class AddresseeStatus(Base):
    """A status staff set by hand for one addressee in one campaign (``refused`` or
    ``no-response-needed``); it overrides what the responses alone would say."""

    __tablename__ = "addressee_statuses"
    __table_args__ = (UniqueConstraint("campaign_id", "addressee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"))
    status: Mapped[str] = mapped_column(String(30))
    set_by: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime]


class FollowUp(Base):
    """A follow-up letter batch created for addressees silent past one answer deadline; the
    unique (campaign, due date) row makes the follow-up job create it once, never twice."""

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("campaign_id", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    due_on: Mapped[date]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), default=None)
    addressees: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


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


class AnswerStanding(Base):
    """Per (campaign, addressee) written to: the facts the answer status is made of (newest
    letter, its first delivery's time if delivered, first answer, acknowledgement, status set
    by hand), kept current by database triggers (migration 0007_answer_standings) on letters,
    deliveries, responses and addressee_statuses, so pages count statuses without grouping
    every letter and delivery. ``responses.standing`` reads it; nothing writes it by hand."""

    __tablename__ = "answer_standings"
    # "Who is waiting for an answer" (the dashboard's overdue count) reads only this index.
    __table_args__ = (
        Index(
            "ix_answer_standings_open",
            "acknowledged",
            "answered_at",
            "manual_status",
            "delivered_at",
            "campaign_id",
        ),
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"), primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    manual_status: Mapped[str | None] = mapped_column(String(30), default=None)
