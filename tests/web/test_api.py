"""The JSON API: token auth, the shapes it returns, its error bodies, and the webhook."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from bootstrap import Services
from campaigns.webhook import new_webhook_secret, sign
from tests.helpers import load_examples
from tests.web.steps import CAMPAIGN, api_token
from timeutil import FixedClock


def test_a_token_lists_campaigns(services: Services, client: TestClient) -> None:
    """A viewer's token reads the campaigns with their signature counts."""
    load_examples(services)
    response = client.get("/api/campaigns", headers=api_token(services, "viewer"))
    assert response.status_code == 200
    assert [c["key"] for c in response.json()] == [CAMPAIGN]
    assert response.json()[0]["signatures"] == 0


def test_a_bad_token_gets_the_error_body(client: TestClient) -> None:
    """An unknown token is 401 with the one error shape and a Bearer challenge."""
    response = client.get("/api/campaigns", headers={"Authorization": "Bearer adv_nope"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()["error"]) == {"code", "message"}


def test_an_unknown_campaign_is_404_with_code(services: Services, client: TestClient) -> None:
    """A campaign key nobody created answers 404 ``not_found``."""
    response = client.get("/api/campaigns/nothing-here", headers=api_token(services, "viewer"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_logging_a_response_returns_it(services: Services, client: TestClient) -> None:
    """A campaigner's token logs an answer; it is returned with 201 and listed afterwards."""
    load_examples(services)
    headers = api_token(services, "campaigner")
    body = {"addressee": "mfa-lithuania", "stance": "supportive", "summary": "Yes."}
    created = client.post(f"/api/campaigns/{CAMPAIGN}/responses", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json()["stance"] == "supportive"
    listed = client.get(f"/api/campaigns/{CAMPAIGN}/responses", headers=headers).json()
    assert [r["addressee"] for r in listed] == ["mfa-lithuania"]


def test_an_invalid_field_is_named(services: Services, client: TestClient) -> None:
    """A body with a stance outside the list is 422 naming ``stance``."""
    load_examples(services)
    body = {"addressee": "mfa-lithuania", "stance": "delighted"}
    response = client.post(
        f"/api/campaigns/{CAMPAIGN}/responses", json=body, headers=api_token(services, "admin")
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "stance"


def test_an_unknown_addressee_is_404(services: Services, client: TestClient) -> None:
    """Logging an answer from an addressee not in the registry is 404, nothing stored."""
    load_examples(services)
    response = client.post(
        f"/api/campaigns/{CAMPAIGN}/responses",
        json={"addressee": "nobody"},
        headers=api_token(services, "admin"),
    )
    assert response.status_code == 404


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


def test_webhook_count_fires_the_milestone(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """A correctly signed count past 15,000 is accepted and creates the delivery batch."""
    body = json.dumps({"count": 15_240}).encode()
    headers = _signed(_secret(services), body, clock)
    response = client.post(f"/api/campaigns/{CAMPAIGN}/signatures", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["current"] == 15_240
    assert response.json()["batch_id"] is not None


def test_webhook_bad_signature_is_401(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """A body signed with another secret is refused with 401 ``unauthenticated``."""
    _secret(services)
    body = json.dumps({"count": 15_240}).encode()
    response = client.post(
        f"/api/campaigns/{CAMPAIGN}/signatures", content=body, headers=_signed("x", body, clock)
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_webhook_too_big_is_413(services: Services, client: TestClient, clock: FixedClock) -> None:
    """A body over ADVOCACY_WEBHOOK_MAX_BYTES is refused with 413 before it is parsed."""
    secret = _secret(services)
    body = b'{"count": 1' + b" " * services.settings.webhook_max_bytes + b"}"
    response = client.post(
        f"/api/campaigns/{CAMPAIGN}/signatures", content=body, headers=_signed(secret, body, clock)
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_webhook_bad_field_is_422_naming_it(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """A signature without an email address is 422 naming the field in the OSDI body."""
    secret = _secret(services)
    body = json.dumps({"person": {"given_name": "Ann", "email_addresses": []}}).encode()
    response = client.post(
        f"/api/campaigns/{CAMPAIGN}/signatures", content=body, headers=_signed(secret, body, clock)
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "person.email_addresses"


def test_openapi_document_describes_the_api(client: TestClient) -> None:
    """The OpenAPI document lists the API routes (and no staff pages) with the error model."""
    document = client.get("/api/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/campaigns",
        "/api/campaigns/{key}",
        "/api/campaigns/{key}/deliveries",
        "/api/campaigns/{key}/responses",
        "/api/campaigns/{key}/signatures",
    }
    assert "ErrorBody" in document["components"]["schemas"]
