"""Every error answer, expected or not, has the one shape (JSON under /api, the error page
elsewhere) and the security headers; counts are bounded; a busy database is 503."""

from __future__ import annotations

import errno
import json
import re
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

import bootstrap
from bootstrap import Services
from campaigns.webhook import new_webhook_secret, sign
from tests.helpers import load_examples
from tests.web.steps import CAMPAIGN, add_staff, api_token, log_in
from timeutil import FixedClock
from web.app import HEADERS, ROUTERS, create_app

HUGE = str(2**70)


def _assert_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers.get(name) == value, f"{name} missing on {response}"


def _assert_api_shape(response: object) -> None:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "field", "problems"}


def _filled(path: str) -> str:
    """The route's path with every parameter out of range (ints) or unknown (keys)."""
    path = re.sub(r"\{(\w*id|page)\}", HUGE, path)
    return re.sub(r"\{\w+\}", "no-such-key", path)


def _routes() -> list[APIRoute]:
    """Every route of the app (walked through ``ROUTERS``: the app keeps included routers)."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


def _get_routes() -> list[str]:
    paths = sorted(r.path for r in _routes() if "GET" in r.methods and "{" in r.path)
    assert len(paths) > 10  # the walk must not be vacuous
    return paths


def test_every_get_route_with_a_bad_id_answers_in_the_shape(
    services: Services, client: TestClient
) -> None:
    """Each GET route given an out-of-range id or unknown key answers 4xx in the shape, with
    the headers: JSON under /api, the error page for pages (never a 500)."""
    token = api_token(services, "admin")
    log_in(services, client, "admin")
    for path in _get_routes():
        url = _filled(path)
        response = client.get(url, headers=token, follow_redirects=False)
        assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
        _assert_headers(response)
        if path.startswith("/api/"):
            _assert_api_shape(response)
        else:
            assert "text/html" in response.headers["content-type"], url


def test_a_page_id_beyond_the_database_is_404(services: Services, client: TestClient) -> None:
    """A letter id of 2**70 is 404 on the error page, not a plain 500."""
    log_in(services, client, "reviewer")
    response = client.get(f"/review/letters/{HUGE}")
    assert response.status_code == 404
    _assert_headers(response)


@pytest.fixture
def failing(services: Services) -> Iterator[TestClient]:
    """The app with two routes that fail like a bug would, served without re-raising."""
    add_staff(services)
    app = create_app(services)

    @app.get("/api/boom")
    def api_boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/boom")
    def page_boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/full")
    def disk_full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/var/documents/x.pdf")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_unexpected_api_failure_is_a_500_in_the_shape(failing: TestClient) -> None:
    """A bug under /api answers 500 ``internal`` in the JSON shape with the headers, and
    says nothing of the exception."""
    response = failing.get("/api/boom")
    assert response.status_code == 500
    _assert_api_shape(response)
    assert response.json()["error"]["code"] == "internal"
    assert "a bug" not in response.text
    _assert_headers(response)


def test_an_unexpected_page_failure_is_the_error_page(failing: TestClient) -> None:
    """A bug on a page answers the app's error page with status 500 and the headers."""
    response = failing.get("/boom")
    assert response.status_code == 500
    assert "text/html" in response.headers["content-type"]
    _assert_headers(response)


def test_a_full_disk_is_503_in_the_shape(failing: TestClient) -> None:
    """A write refused by a full disk answers 503 ``storage_unavailable`` with the headers."""
    response = failing.get("/api/full")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"
    _assert_headers(response)


def _api_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, r.path)
        for r in _routes()
        if r.path.startswith("/api/campaigns/{key}")
        for method in r.methods
    )


def test_every_api_route_refuses_in_the_shape(services: Services, client: TestClient) -> None:
    """Every API route and method, called without a token or for an unknown campaign, answers
    4xx in the JSON shape with the security headers."""
    token = api_token(services, "admin")
    routes = _api_routes()
    assert len(routes) >= 5
    for method, path in routes:
        url = _filled(path)
        for headers in ({}, token):
            response = client.request(method, url, headers=headers, content=b"{}")
            assert 400 <= response.status_code < 500, (method, url, response.status_code)
            _assert_api_shape(response)
            _assert_headers(response)


def test_a_wrong_method_is_405_in_the_shape(client: TestClient) -> None:
    """DELETE on a read-only API route is 405 in the JSON shape with the headers."""
    response = client.delete("/api/campaigns")
    assert response.status_code == 405
    _assert_api_shape(response)
    _assert_headers(response)


def _signed(secret: str, body: bytes, clock: FixedClock) -> dict[str, str]:
    stamp = str(int(clock.now().timestamp()))
    return {
        "Advocacy-Timestamp": stamp,
        "Advocacy-Signature": sign(secret, stamp, body),
        "Content-Type": "application/json",
    }


def _secret(services: Services) -> str:
    load_examples(services)
    with services.db.unit_of_work() as uow:
        return new_webhook_secret(uow, CAMPAIGN, actor="test", clock=services.clock)


@pytest.mark.parametrize("count", [10**30, 2**63, 2**31])
def test_webhook_count_out_of_range_is_422(
    services: Services, client: TestClient, clock: FixedClock, count: int
) -> None:
    """A webhook count beyond the bound is 422 naming ``count``; nothing fires."""
    body = json.dumps({"count": count}).encode()
    url = f"/api/campaigns/{CAMPAIGN}/signatures"
    response = client.post(url, content=body, headers=_signed(_secret(services), body, clock))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "count"
    _assert_headers(response)


def test_webhook_404_names_no_other_campaign(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """The webhook of an unknown campaign is 404 without listing the campaigns there are."""
    _secret(services)
    body = b'{"count": 1}'
    response = client.post(
        "/api/campaigns/nobody/signatures", content=body, headers=_signed("x", body, clock)
    )
    assert response.status_code == 404
    assert CAMPAIGN not in response.text


def test_webhook_says_which_milestone_fired_and_why(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """A count past 15,000 answers the milestone it fired and the count that met it."""
    body = json.dumps({"count": 15_240}).encode()
    url = f"/api/campaigns/{CAMPAIGN}/signatures"
    response = client.post(url, content=body, headers=_signed(_secret(services), body, clock))
    [fired] = response.json()["milestones"]
    assert fired["key"] == "goal-15000"
    assert fired["trigger"] == "count"
    assert "15,240" in fired["why"]


def test_a_locked_database_makes_the_webhook_503(services: Services, clock: FixedClock) -> None:
    """While another process holds SQLite's write lock past ADVOCACY_DB_BUSY_SECONDS, the
    webhook answers 503 ``busy`` with Retry-After, in the shape and with the headers."""
    if not services.db.is_sqlite:
        pytest.skip("SQLite's write lock")
    secret = _secret(services)
    impatient = bootstrap.build(
        services.settings.model_copy(update={"db_busy_seconds": 0.2}), clock=clock
    )
    body = b'{"count": 100}'
    blocker = sqlite3.connect(str(make_url(services.settings.database_url).database))
    blocker.isolation_level = None
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with TestClient(create_app(impatient)) as client:
            url = f"/api/campaigns/{CAMPAIGN}/signatures"
            response = client.post(url, content=body, headers=_signed(secret, body, clock))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        impatient.close()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "busy"
    assert response.headers["retry-after"]
    _assert_headers(response)
