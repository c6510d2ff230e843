"""The registry's tables: the addressees letters go to, and saved selections of them.

Rule: ``key`` is an addressee's (and a group's) stable handle; rows are marked ``defunct``, never
deleted, because letters, responses and statuses keep pointing at them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Addressee(Base):
    """One institution or person letters are sent to; ``key`` is the stable handle."""

    __tablename__ = "addressees"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    official_name: Mapped[str] = mapped_column(String(300), default="")
    person: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    # The office addressed (``high-representative``, ``foreign-secretary``, ``co-chairs`` …): the
    # salutation comes from it. ``person``/``title`` are its holder, held since ``holder_since``.
    office: Mapped[str] = mapped_column(String(60), default="", server_default="")
    holder_since: Mapped[date | None] = mapped_column(Date, default=None)
    category: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2), default="")
    languages: Mapped[str] = mapped_column(String(100), default="en")
    email: Mapped[str] = mapped_column(String(254), default="")
    postal_address: Mapped[str] = mapped_column(Text, default="")
    web_form: Mapped[str] = mapped_column(String(500), default="")
    # The official website, and each contact's provenance: where it is published (``_source``)
    # and when staff last confirmed it there (``_verified_on``; None: nobody has).
    website: Mapped[str] = mapped_column(String(500), default="", server_default="")
    email_source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    email_verified_on: Mapped[date | None] = mapped_column(Date, default=None)
    postal_address_source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    postal_address_verified_on: Mapped[date | None] = mapped_column(Date, default=None)
    web_form_source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    web_form_verified_on: Mapped[date | None] = mapped_column(Date, default=None)
    website_source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    website_verified_on: Mapped[date | None] = mapped_column(Date, default=None)
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
