"""The web app's tables: staff accounts, browser sessions and API tokens.

Rule: no secret is stored as given: passwords as argon2 hashes, session and API tokens as
sha256, so a leaked table logs nobody in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


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
    # Unset: never expires. A token past it is refused like a revoked one.
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Noted at most hourly (web.accounts.LAST_USED_EVERY), for `advocacy users tokens`.
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
