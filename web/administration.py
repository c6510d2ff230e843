"""Administering staff accounts and API tokens: list, deactivate, reactivate, new password,
new role, list and revoke tokens. The CLI (``advocacy users``) and the admin page call these.

Rule: every change is audited and takes effect at once: deactivating an account or changing
its password ends its browser sessions, and a revoked token stops working on its next call.
The last active admin can be neither deactivated nor demoted, so nobody locks the
organisation out of its own administration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from errors import Conflict, InputError, NotFound, Problem
from storage import audit
from storage.tables import ApiToken, User, WebSession
from timeutil import Clock, as_utc
from web.accounts import ROLES, hash_password
from web.passwords import password_problem


@dataclass(frozen=True)
class TokenRow:
    """An API token as `users tokens` and the admin page show it (never the token itself)."""

    id: int
    email: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and as_utc(self.expires_at) <= now:
            return "expired"
        return "active"


def list_users(uow: Session) -> list[User]:
    return list(uow.scalars(select(User).order_by(User.email)))


def get_user(uow: Session, email: str) -> User:
    user = uow.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user {email.strip()!r} (advocacy users list shows them)")
    return user


def _other_active_admins(uow: Session, user: User) -> int:
    return (
        uow.scalar(
            select(func.count(User.id)).where(
                User.role == "admin", User.active.is_(True), User.id != user.id
            )
        )
        or 0
    )


def _audit(
    uow: Session, user: User, action: str, *, actor: str, clock: Clock, **details: Any
) -> None:
    audit.record(
        uow, at=clock.now(), actor=actor, action=action, subject=f"user:{user.email}", **details
    )


def set_active(uow: Session, email: str, active: bool, *, actor: str, clock: Clock) -> User:
    """Deactivate (sessions ended, tokens refused) or reactivate an account."""
    user = get_user(uow, email)
    if user.active == active:
        return user
    if not active and user.role == "admin" and not _other_active_admins(uow, user):
        raise Conflict(f"{user.email} is the last active admin; make another admin first")
    user.active = active
    if not active:
        uow.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _audit(uow, user, "user.activate" if active else "user.deactivate", actor=actor, clock=clock)
    return user


def set_password(uow: Session, email: str, password: str, *, actor: str, clock: Clock) -> User:
    """Give the account a new password (the same rules as ``users add``); its sessions end."""
    weak = password_problem(password)
    if weak:
        raise InputError([Problem("users passwd", None, "password", weak)])
    user = get_user(uow, email)
    user.password_hash = hash_password(password)
    uow.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _audit(uow, user, "user.password", actor=actor, clock=clock)
    return user


def set_role(uow: Session, email: str, role: str, *, actor: str, clock: Clock) -> User:
    """Give the account another role; the last active admin keeps theirs."""
    if role not in ROLES:
        raise InputError(
            [Problem("users role", None, "role", f"must be one of {', '.join(ROLES)}")]
        )
    user = get_user(uow, email)
    if user.role == role:
        return user
    if user.role == "admin" and user.active and not _other_active_admins(uow, user):
        raise Conflict(f"{user.email} is the last active admin; make another admin first")
    previous, user.role = user.role, role
    _audit(uow, user, "user.role", actor=actor, clock=clock, previous=previous, role=role)
    return user


def list_tokens(uow: Session, email: str | None = None) -> list[TokenRow]:
    """Every API token (or ``email``'s), newest first."""
    query = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
    if email:
        query = query.where(User.id == get_user(uow, email).id)
    return [
        TokenRow(t.id, e, t.label, t.created_at, t.last_used_at, t.expires_at, t.revoked_at)
        for t, e in uow.execute(query.order_by(ApiToken.id.desc()))
    ]


def revoke_token(uow: Session, token_id: int, *, actor: str, clock: Clock) -> ApiToken:
    """Revoke one token by its id (from ``users tokens``); revoking twice changes nothing."""
    token = uow.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    if token is None:
        raise NotFound(f"no API token {token_id} (advocacy users tokens lists them)")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        owner = uow.get(User, token.user_id)
        subject = f"user:{owner.email}" if owner else f"token:{token.id}"
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="user.token_revoke",
            subject=subject,
            token_id=token.id,
            label=token.label,
        )
    return token
