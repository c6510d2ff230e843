"""The admin page: staff accounts (add, role, deactivate, reactivate, new password) and API
tokens (issue with an expiry, revoke), as ``advocacy users`` does them.

Rule: every action is a POST with the session's CSRF token, calls ``web.administration`` or
``web.accounts`` (which audit it and keep the last admin an admin) and redirects back; a
refused action shows the page again with the reason. A new token is shown once, on the page
that issued it, never again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from errors import Conflict, InputError, NotFound
from web.accounts import MAX_PASSWORD, ROLES, add_user, new_api_token
from web.administration import (
    list_tokens,
    list_users,
    revoke_token,
    set_active,
    set_password,
    set_role,
)
from web.guard import Staff, services_of, staff
from web.rendering import pages_of, see_other

router = APIRouter()
Admin = Annotated[Staff, Depends(staff("admin"))]
Email = Annotated[str, Form(max_length=254)]
MAX_TOKEN_DAYS = 3650


def _page(
    request: Request,
    me: Staff,
    *,
    problems: tuple[str, ...] = (),
    token: str = "",
    status: int = 200,
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        users = list_users(uow)
        tokens = list_tokens(uow)
    return pages_of(request).render(
        request,
        "admin.html.j2",
        me=me,
        status=status,
        users=users,
        tokens=tokens,
        now=s.clock.now(),
        roles=ROLES,
        problems=problems,
        new_token=token,
        max_password=MAX_PASSWORD,
    )


def _refused(request: Request, me: Staff, exc: Exception) -> Response:
    if isinstance(exc, InputError):
        return _page(
            request, me, problems=tuple(f"{p.field}: {p.message}" for p in exc.problems), status=422
        )
    return _page(
        request, me, problems=(str(exc),), status=409 if isinstance(exc, Conflict) else 404
    )


@router.get("/admin")
def admin_page(request: Request, me: Admin) -> Response:
    return _page(request, me)


@router.post("/admin/users")
def add(
    request: Request,
    me: Admin,
    email: Email,
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            add_user(uow, email, password, role=role, actor=me.user.email, clock=s.clock)
    except (InputError, Conflict) as exc:
        return _refused(request, me, exc)
    return see_other("/admin", notice="user_added")


@router.post("/admin/users/role")
def change_role(
    request: Request, me: Admin, email: Email, role: Annotated[str, Form(max_length=20)]
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            set_role(uow, email, role, actor=me.user.email, clock=s.clock)
    except (InputError, Conflict, NotFound) as exc:
        return _refused(request, me, exc)
    return see_other("/admin", notice="user_changed")


@router.post("/admin/users/active")
def change_active(
    request: Request, me: Admin, email: Email, active: Annotated[str, Form(max_length=5)]
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            set_active(uow, email, active == "yes", actor=me.user.email, clock=s.clock)
    except (Conflict, NotFound) as exc:
        return _refused(request, me, exc)
    return see_other("/admin", notice="user_changed")


@router.post("/admin/users/password")
def change_password(
    request: Request,
    me: Admin,
    email: Email,
    password: Annotated[str, Form(max_length=MAX_PASSWORD)],
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            set_password(uow, email, password, actor=me.user.email, clock=s.clock)
    except (InputError, NotFound) as exc:
        return _refused(request, me, exc)
    return see_other("/admin", notice="password_changed")


@router.post("/admin/tokens")
def issue_token(
    request: Request,
    me: Admin,
    email: Email,
    label: Annotated[str, Form(max_length=100)] = "",
    days: Annotated[int, Form(ge=0, le=MAX_TOKEN_DAYS)] = 90,
) -> Response:
    """Issue a token; the page that answers shows it once (it is not stored)."""
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            token = new_api_token(
                uow,
                email,
                label=label,
                actor=me.user.email,
                clock=s.clock,
                expires_in=timedelta(days=days) if days else None,
            )
    except NotFound as exc:
        return _refused(request, me, exc)
    return _page(request, me, token=token, status=201)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, me: Admin, token_id: int) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            revoke_token(uow, token_id, actor=me.user.email, clock=s.clock)
    except NotFound as exc:
        return _refused(request, me, exc)
    return see_other("/admin", notice="token_revoked")
