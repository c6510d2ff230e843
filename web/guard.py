"""Who may do what: the session cookie, CSRF tokens and the permission each route requires.

Rule: every staff route takes ``Depends(staff("<permission>"))`` and every API route
``Depends(api_user("<permission>"))``; both carry ``.permission`` so the tests walk the route
table and prove each route refuses anonymous users, the wrong roles and (for unsafe methods
with a cookie) requests without the session's CSRF token. Routes open to anyone are listed in
``PUBLIC_PATHS``; anything else without a guard fails those tests.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import update
from starlette.concurrency import run_in_threadpool

import bootstrap
from storage.tables import ApiToken, User
from web.accounts import may, needs_last_used, session_for, token_lookup

SESSION_COOKIE = "advocacy_session"
LOGIN_CSRF_COOKIE = "advocacy_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Open without login: the login form, the public pages, static files, the API's description
# and the signature webhook (which checks its own HMAC signature instead).
PUBLIC_PATHS = frozenset(
    {
        "/login",
        "/public/{key}",
        "/static",
        "/api/openapi.json",
        "/api/campaigns/{key}/signatures",
        "/healthz",
    }
)


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but the role lacks the permission or the CSRF token is missing (403)."""


@dataclass(frozen=True)
class Staff:
    """The logged-in user of a request and the CSRF token its forms must carry."""

    user: User
    csrf: str

    def may(self, permission: str) -> bool:
        return may(self.user, permission)


def services_of(request: Request) -> bootstrap.Services:
    services: bootstrap.Services = request.app.state.services
    return services


def _lookup(request: Request, token: str) -> tuple[User, str] | None:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        found = session_for(uow, token, now=s.clock.now())
        return None if found is None else (found[0], found[1].csrf_token)


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse an unsafe request whose form field or header does not carry ``expected``."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    # Constant time, so the comparison does not leak how much of a guess was right.
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("the form's security token is missing or out of date; reload the page")


def staff(permission: str) -> Callable[[Request], Awaitable[Staff]]:
    """A dependency: the logged-in user, who must hold ``permission`` (and a CSRF token for
    unsafe methods)."""

    async def dependency(request: Request) -> Staff:
        token = request.cookies.get(SESSION_COOKIE, "")
        found = await run_in_threadpool(_lookup, request, token) if token else None
        if found is None:
            raise LoginRequired()
        user, csrf = found
        if request.method in UNSAFE:
            await check_csrf(request, csrf)
        if not may(user, permission):
            raise Forbidden(f"your role ({user.role}) may not do this")
        return Staff(user, csrf)

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


_BEARER = HTTPBearer(auto_error=False, description="An API token from `advocacy users token`")


def _token_user(request: Request, token: str) -> User | None:
    s = services_of(request)
    now = s.clock.now()
    with s.db.unit_of_work(write=False) as uow:
        found = token_lookup(uow, token, now=now)
    if found is None:
        return None
    user, row = found
    if needs_last_used(row, now):  # at most hourly: a write per API call would cost too much
        with s.db.unit_of_work() as uow:
            uow.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return user


def api_user(permission: str) -> Callable[..., Awaitable[User]]:
    """A dependency: the user an ``Authorization: Bearer`` token acts as, with ``permission``.
    No cookies are read, so API calls need no CSRF token."""

    async def dependency(request: Request, credentials: Annotated[Any, Depends(_BEARER)]) -> User:
        if not isinstance(credentials, HTTPAuthorizationCredentials):
            raise LoginRequired()
        user = await run_in_threadpool(_token_user, request, credentials.credentials)
        if user is None:
            raise LoginRequired()
        if not may(user, permission):
            raise Forbidden(f"the token's role ({user.role}) may not do this")
        return user

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency
