"""Staff accounts: roles, argon2 password hashes, browser sessions and API tokens.

Rule: secrets (passwords, session cookies, API tokens) are never stored as given: passwords as
argon2 hashes, cookies and tokens as their sha256, so a copy of the database logs nobody in.
A role grants a fixed set of permissions (``PERMISSIONS``); pages and API routes ask for a
permission, never for a role by name.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from errors import Conflict, InputError, NotFound, Problem
from recipients.record import normalized_email
from storage import audit
from storage.tables import ApiToken, User, WebSession
from timeutil import Clock, as_utc
from web.passwords import MAX_PASSWORD, MIN_PASSWORD, password_problem

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD", "ROLES", "add_user", "authenticate", "may"]

ROLES = ("admin", "campaigner", "reviewer", "viewer")
# read: every page and GET; review: approve/reject; campaign: deliver, outbox, responses,
# registry, public page; triage: sort the holding pen (reviewers and campaigners alike);
# admin: everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "review", "campaign", "triage", "admin"}),
    "campaigner": frozenset({"read", "campaign", "triage"}),
    "reviewer": frozenset({"read", "review", "triage"}),
    "viewer": frozenset({"read"}),
}
_HASHER = PasswordHasher()
# An API call notes when its token was last used at most this often (it costs a write).
LAST_USED_EVERY = timedelta(hours=1)


@cache
def _dummy_hash() -> str:
    """Verifying against this when the email is unknown takes as long as a real check, so
    response times do not reveal which accounts exist (made on first use, not at import)."""
    return _HASHER.hash("not a password of anyone")


def may(user: User, permission: str) -> bool:
    """True when the user's role grants ``permission`` and the account is active."""
    return user.active and permission in PERMISSIONS.get(user.role, frozenset())


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _checked_email(email: str) -> str:
    try:
        return normalized_email(email.strip()).lower()
    except ValueError as exc:
        raise InputError([Problem("users add", None, "email", str(exc))]) from None


def add_user(
    uow: Session, email: str, password: str, *, role: str, actor: str, clock: Clock
) -> User:
    """Create an account; the password is kept only as an argon2 hash."""
    problems = []
    if role not in ROLES:
        problems.append(Problem("users add", None, "role", f"must be one of {', '.join(ROLES)}"))
    weak = password_problem(password)
    if weak:
        problems.append(Problem("users add", None, "password", weak))
    if problems:
        raise InputError(problems)
    address = _checked_email(email)
    if uow.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"a user {address!r} exists already")
    user = User(
        email=address, password_hash=_HASHER.hash(password), role=role, created_at=clock.now()
    )
    uow.add(user)
    uow.flush()
    audit.record(
        uow, at=clock.now(), actor=actor, action="user.add", subject=f"user:{address}", role=role
    )
    return user


def authenticate(uow: Session, email: str, password: str, *, clock: Clock) -> User | None:
    """The active user with this email and password, else None (same work either way)."""
    user = uow.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    user.last_login_at = clock.now()
    return user


def open_session(uow: Session, user: User, *, clock: Clock, lifetime: timedelta) -> str:
    """Start a browser session for ``user``; return the cookie value (shown only now)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    uow.execute(delete(WebSession).where(WebSession.expires_at < now))
    uow.add(
        WebSession(
            token_sha256=digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def session_for(uow: Session, token: str, *, now: datetime) -> tuple[User, WebSession] | None:
    """The live session behind a cookie value and its user, if both are still valid."""
    row = uow.execute(
        select(User, WebSession)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.token_sha256 == digest(token), WebSession.expires_at > now)
    ).first()
    if row is None or not row[0].active:
        return None
    return row[0], row[1]


def close_session(uow: Session, token: str) -> None:
    uow.execute(delete(WebSession).where(WebSession.token_sha256 == digest(token)))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def new_api_token(
    uow: Session,
    email: str,
    *,
    label: str,
    actor: str,
    clock: Clock,
    expires_in: timedelta | None = None,
) -> str:
    """Issue an API token acting as the user ``email``; return it (it is shown only once).
    With ``expires_in`` it stops working that long from now."""
    user = uow.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user {email!r}")
    token = f"adv_{secrets.token_urlsafe(32)}"
    expires = clock.now() + expires_in if expires_in else None
    row = ApiToken(
        token_sha256=digest(token),
        user_id=user.id,
        label=label,
        created_at=clock.now(),
        expires_at=expires,
    )
    uow.add(row)
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="user.token",
        subject=f"user:{user.email}",
        label=label,
        token_id=row.id,
        expires_at=expires.isoformat() if expires else None,
    )
    return token


def token_lookup(uow: Session, token: str, *, now: datetime) -> tuple[User, ApiToken] | None:
    """The active user an unrevoked, unexpired API token acts as, and the token's row."""
    row = uow.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == digest(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[0].active:
        return None
    expires = row[1].expires_at
    if expires is not None and as_utc(expires) <= now:
        return None
    return row[0], row[1]


def user_for_token(uow: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user an unrevoked, unexpired API token acts as, if any."""
    found = token_lookup(uow, token, now=now or datetime.now(UTC))
    return found[0] if found else None


def needs_last_used(token: ApiToken, now: datetime) -> bool:
    """True when the token's ``last_used_at`` is unset or older than ``LAST_USED_EVERY``."""
    last = token.last_used_at
    return last is None or now - as_utc(last) >= LAST_USED_EVERY
