"""Logging in and out, and the dashboard every staff member lands on.

Rule: the login form is protected like every other form (a double-submit CSRF cookie, since
there is no session yet) and slowed per email and per client address before the password is
even checked (growing waits, never a lock: ``web.ratelimit``); a failed login says only that
it failed. The client is the socket's address unless ADVOCACY_TRUSTED_PROXIES names the proxy.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from review.render_failures import failing_batches
from web.accounts import MAX_PASSWORD, authenticate, close_session, open_session
from web.guard import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Staff, services_of, staff
from web.outbox_queries import delivery_states
from web.queries import campaign_rows, overdue_answers, review_batches
from web.ratelimit import LoginLimiter
from web.rendering import pages_of, see_other

router = APIRouter()
# The dashboard lists the longest-waiting overdue answers; the report pages list them all.
OVERDUE_SHOWN = 20


def _safe_next(target: str) -> str:
    """Only paths on this site: '//evil.example' or 'https://…' would leave it."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _secure(request: Request) -> bool:
    return services_of(request).settings.base_url.startswith("https://")


def _form(request: Request, *, next_path: str, status: int = 200, error: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = pages_of(request).render(
        request,
        "login.html.j2",
        me=None,
        status=status,
        login_csrf=token,
        next=next_path,
        error=error,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _form(request, next_path=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    s = services_of(request)
    limiter: LoginLimiter = request.app.state.limiter
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        return _form(request, next_path=_safe_next(next), status=403, error="login.stale")
    keys = (
        f"email:{email.strip().lower()}",
        f"client:{request.client.host if request.client else ''}",
    )
    wait = limiter.wait(*keys)
    if wait > 0:
        response = _form(request, next_path=_safe_next(next), status=429, error="login.throttled")
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    with s.db.unit_of_work() as uow:
        user = authenticate(uow, email, password, clock=s.clock)
        token = None
        if user is not None:
            lifetime = timedelta(hours=s.settings.session_hours)
            token = open_session(uow, user, clock=s.clock, lifetime=lifetime)
    if token is None:
        limiter.failed(*keys)
        return _form(request, next_path=_safe_next(next), status=401, error="login.failed")
    limiter.succeeded(keys[0])
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=s.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    with services_of(request).db.unit_of_work() as uow:
        close_session(uow, request.cookies.get(SESSION_COOKIE, ""))
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def dashboard(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    s = services_of(request)
    due = s.settings.answer_deadlines
    with s.db.unit_of_work(write=False) as uow:
        late, overdue = overdue_answers(
            uow, today=s.clock.now().date(), working_days=due, limit=OVERDUE_SHOWN
        )
        campaigns = campaign_rows(uow, clock=s.clock, overdue=late)
        batches = review_batches(uow)
        failed = failing_batches(uow)
        states = delivery_states(uow)
    return pages_of(request).render(
        request,
        "dashboard.html.j2",
        me=me,
        campaigns=campaigns,
        batches=batches,
        failed=failed,
        states=states,
        overdue=overdue,
        overdue_total=sum(late.values()),
        answer_due_days=due.working_days,
    )


@router.get("/healthz")
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")
