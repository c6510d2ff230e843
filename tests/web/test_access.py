"""Every route, found by walking the app's route table, refuses anonymous users, the wrong
roles and unsafe requests without the session's CSRF token; a new route is covered as soon as
it exists."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bootstrap import Services
from tests.markers import SQLITE_ONLY
from tests.web.steps import ROLES, log_in
from web.accounts import PERMISSIONS
from web.app import ROUTERS
from web.guard import PUBLIC_PATHS, UNSAFE

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

FILL = {"key": "derecognise-lukashenka", "page": "1"}


def _permission(dependant: Any) -> str | None:
    for sub in dependant.dependencies:
        found = getattr(sub.call, "permission", None) or _permission(sub)
        if found:
            return str(found)
    return None


def _route_table() -> list[tuple[str, str, str | None]]:
    return [
        (method, route.path, _permission(route.dependant))
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]


ROUTES = _route_table()
GUARDED = [(m, p, perm) for m, p, perm in ROUTES if perm is not None]


def _url(path: str) -> str:
    for name in (
        "key",
        "page",
        "letter_id",
        "batch_id",
        "delivery_id",
        "response_id",
        "message_id",
    ):
        path = path.replace(f"{{{name}}}", FILL.get(name, "1"))
    return path


def _send(client: TestClient, method: str, path: str, **kwargs: Any) -> Any:
    return client.request(method, _url(path), follow_redirects=False, **kwargs)


def test_every_route_is_guarded_or_public() -> None:
    """A route either requires a permission or is on the short list of public paths."""
    unguarded = {path for _, path, perm in ROUTES if perm is None}
    assert unguarded <= PUBLIC_PATHS
    assert len(GUARDED) > 20


@pytest.mark.parametrize(("method", "path", "permission"), GUARDED)
def test_anonymous_is_refused(client: TestClient, method: str, path: str, permission: str) -> None:
    """Without a session (or token) a page sends the visitor to log in and the API says 401."""
    response = _send(client, method, path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


WRONG_ROLES = [
    (method, path, permission, role)
    for method, path, permission in GUARDED
    for role in ROLES
    if permission not in PERMISSIONS[role]
]


@pytest.mark.parametrize(("method", "path", "permission", "role"), WRONG_ROLES)
def test_wrong_role_is_refused(
    services: Services, client: TestClient, method: str, path: str, permission: str, role: str
) -> None:
    """A logged-in user whose role lacks the route's permission gets 403, even with a valid
    CSRF token."""
    if path.startswith("/api/"):
        from tests.web.steps import api_token

        response = _send(client, method, path, headers=api_token(services, role), json={})
    else:
        csrf = log_in(services, client, role)
        response = _send(client, method, path, data={"csrf": csrf})
    assert response.status_code == 403


UNSAFE_PAGES = [(m, p) for m, p, _ in GUARDED if m in UNSAFE and not p.startswith("/api/")]


@pytest.mark.parametrize(("method", "path"), UNSAFE_PAGES)
def test_form_without_csrf_token_is_refused(
    services: Services, client: TestClient, method: str, path: str
) -> None:
    """An admin's unsafe request without the session's CSRF token is refused with 403."""
    log_in(services, client, "admin")
    assert _send(client, method, path, data={"comment": "x"}).status_code == 403


@pytest.mark.parametrize(("method", "path"), UNSAFE_PAGES)
def test_form_with_another_sessions_csrf_token_is_refused(
    services: Services, client: TestClient, method: str, path: str
) -> None:
    """A token from another session does not pass for this one."""
    stolen = log_in(services, client, "viewer")
    log_in(services, client, "admin")
    assert _send(client, method, path, data={"csrf": stolen}).status_code == 403
