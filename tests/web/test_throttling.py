"""Login throttling: growing delays per account and per client, never a lock; the client is
the socket's address unless ADVOCACY_TRUSTED_PROXIES names the proxy."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from bootstrap import Services
from tests.web.steps import PASSWORD, add_staff
from timeutil import FixedClock
from web.app import create_app
from web.ratelimit import LoginLimiter


def _login(client: TestClient, password: str, *, headers: dict[str, str] | None = None) -> int:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    data = {"email": "admin@staff.example", "password": password, "csrf": token[1], "next": "/"}
    response = client.post("/login", data=data, headers=headers, follow_redirects=False)
    client.cookies.clear()
    return response.status_code


def test_delays_grow_and_stop_at_the_cap(clock: FixedClock) -> None:
    """After the free failures each one doubles the wait, up to the maximum delay."""
    limiter = LoginLimiter(
        clock, attempts=3, window=timedelta(hours=1), max_delay=timedelta(seconds=60)
    )
    waits = []
    for _ in range(12):
        limiter.failed("email:a")
        waits.append(limiter.wait("email:a"))
    assert waits[:2] == [0, 0]
    assert waits[2:6] == [1, 2, 4, 8]
    assert max(waits) == 60


def test_the_admin_gets_in_after_the_longest_delay(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """Twenty wrong passwords for the admin's email delay the admin, but once the maximum
    delay has passed the right password works: nobody can lock staff out."""
    for _ in range(20):
        _login(client, "wrong password!")
        clock.advance(timedelta(seconds=1))
    assert _login(client, PASSWORD) == 429
    clock.advance(timedelta(seconds=services.settings.login_max_delay_seconds))
    assert _login(client, PASSWORD) == 303


def test_forwarded_for_is_ignored_without_trusted_proxies(
    services: Services, client: TestClient
) -> None:
    """Rotating X-Forwarded-For does not escape the per-client delay when no proxy is trusted."""
    for n in range(services.settings.login_attempts + 1):
        status = _login(client, "wrong password!", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    assert status == 429


def test_forwarded_for_counts_from_a_trusted_proxy(services: Services) -> None:
    """With the test client trusted as the proxy, each forwarded address is its own client."""
    add_staff(services)
    services.settings.trusted_proxies = "testclient"
    with TestClient(create_app(services)) as client:
        seen = set()
        for n in range(services.settings.login_attempts + 2):
            # A new email each time, so only the per-client key could delay these attempts.
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            data = {"email": f"x{n}@staff.example", "password": "nope", "csrf": token[1]}
            headers = {"X-Forwarded-For": f"203.0.113.{n}"}
            seen.add(client.post("/login", data=data, headers=headers).status_code)
    assert seen == {401}


def test_forgotten_keys_are_dropped(clock: FixedClock) -> None:
    """Failures for many made-up emails older than the window do not pile up."""
    from web import ratelimit

    limiter = LoginLimiter(
        clock, attempts=3, window=timedelta(minutes=1), max_delay=timedelta(seconds=5)
    )
    for n in range(ratelimit.MAX_KEYS):
        limiter.failed(f"email:{n}")
    clock.advance(timedelta(minutes=2))
    limiter.failed("email:new")
    assert len(limiter._failures) == 1
