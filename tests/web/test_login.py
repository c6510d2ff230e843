"""Logging in and out: cookies, the login form's CSRF cookie, rate limiting, safe redirects."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bootstrap import Services
from tests.web.steps import PASSWORD, log_in
from web.app import create_app
from web.guard import SESSION_COOKIE


def _login(client: TestClient, password: str, *, next_path: str = "/") -> object:
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    data = {
        "email": "admin@staff.example",
        "password": password,
        "csrf": token[1],
        "next": next_path,
    }
    return client.post("/login", data=data, follow_redirects=False)


def test_login_sets_a_protected_session_cookie(client: TestClient) -> None:
    """The right password sets an HttpOnly, SameSite=Lax session cookie and redirects."""
    response = _login(client, PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie


def test_cookie_is_secure_behind_https(services: Services) -> None:
    """With ADVOCACY_BASE_URL on https the session cookie is marked Secure."""
    from tests.web.steps import add_staff

    add_staff(services)
    services.settings.base_url = "https://desk.example.org"
    with TestClient(create_app(services), base_url="https://testserver") as client:
        response = _login(client, PASSWORD)
    assert "Secure" in response.headers["set-cookie"]  # type: ignore[attr-defined]


def test_wrong_password_is_refused(client: TestClient) -> None:
    """A wrong password is 401 and sets no session."""
    response = _login(client, "wrong password!")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies


def test_login_without_its_csrf_cookie_is_refused(client: TestClient) -> None:
    """A login posted from elsewhere (no matching CSRF cookie) is refused with 403."""
    data = {"email": "admin@staff.example", "password": PASSWORD, "csrf": "forged"}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 403


def test_repeated_failures_delay_the_next_attempt(client: TestClient, services: Services) -> None:
    """Right after ADVOCACY_LOGIN_ATTEMPTS failures even the right password must wait (429);
    ``test_throttling`` shows the wait ends."""
    for _ in range(services.settings.login_attempts):
        _login(client, "wrong password!")
    assert _login(client, PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_next_never_leaves_the_site(client: TestClient) -> None:
    """A ``next`` of another host sends the user to the dashboard instead."""
    response = _login(client, PASSWORD, next_path="//evil.example/")
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]


def test_logout_ends_the_session(services: Services, client: TestClient) -> None:
    """After logging out, the old cookie no longer opens pages."""
    csrf = log_in(services, client, "viewer")
    old = client.cookies[SESSION_COOKIE]
    client.post("/logout", data={"csrf": csrf})
    client.cookies.set(SESSION_COOKIE, old)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_are_not_cached_and_carry_security_headers(
    services: Services, client: TestClient
) -> None:
    """Staff pages say no-store and send a content security policy."""
    log_in(services, client, "viewer")
    response = client.get("/")
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
