"""The answer tables: responses, the holding pen, hand-set statuses, follow-ups, standings.

Rule: every inbound message has one ``inbound_messages`` row (a message is the same message
when its Message-ID and raw sha256 agree), a response records how it was matched (a guess says
``guess`` until staff confirm it), a follow-up is created once per (campaign, due date), and
``answer_standings`` is written only by the database triggers of migration 0007.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Response(Base):
    """An answer (or automatic acknowledgement) from an addressee to a campaign."""

    __tablename__ = "responses"
    # "Has this addressee answered this campaign?" is asked per addressee by the dashboard.
    # One message may answer several letters (one reply to three campaigns): one row each.
    __table_args__ = (
        Index("ix_responses_campaign_addressee", "campaign_id", "addressee_id"),
        UniqueConstraint("message_id", "letter_id"),
    )
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
    message_id: Mapped[str | None] = mapped_column(String(300), default=None)
    raw_path: Mapped[str] = mapped_column(String(500), default="")
    # What staff chose to publish about this answer on the public page; "" publishes nothing.
    public_summary: Mapped[str] = mapped_column(Text, default="", server_default="")


class InboundMessage(Base):
    """Every received message, its raw bytes on disk; the holding pen is the rows staff sort.

    ``status`` (``responses.pen.STATUSES``): ``unmatched`` and ``quarantined`` (unreadable,
    ``reason`` says why) wait for staff; ``auto-reply`` (an automatic or holding reply no rule
    matched) and ``bounce`` (a failure report no delivery claimed) are kept apart; ``matched``
    (responses were made of it by a rule), ``bounced`` (recorded against its delivery),
    ``assigned`` (by staff) and ``ignored`` are done. ``rule`` says which classification or
    matching rule decided.
    """

    __tablename__ = "inbound_messages"
    # Two distinct messages may share a Message-ID; the same bytes again are a duplicate.
    __table_args__ = (UniqueConstraint("message_id", "raw_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300))
    raw_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    rule: Mapped[str] = mapped_column(String(200), default="", server_default="")
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


class AnswerStanding(Base):
    """Per (campaign, addressee) written to: the facts the answer status is made of, over the
    whole thread (newest letter, first delivery of any letter, first answer and when the letter
    it is credited to went out, acknowledgement, status set by hand), kept current by database
    triggers (migrations 0007_answer_standings, 0009_campaign_threads) on letters,
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
    # When the letter the first answer is credited to went out (``campaigns.threads``).
    credited_delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    manual_status: Mapped[str | None] = mapped_column(String(30), default=None)
