"""schemathesis generates requests from the OpenAPI document: no input makes the API fail with
a server error, and every refusal has the one error body."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

from bootstrap import Services
from tests.helpers import load_examples
from tests.web.steps import add_staff, api_token
from web.app import create_app

EXAMPLES_PER_OPERATION = 25


def _check(strategy: SearchStrategy[object], headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: object) -> None:
        response = case.call(headers=headers)  # type: ignore[attr-defined]
        assert response.status_code < 500, (case, response.text[:500])
        if response.status_code >= 400:
            assert set(response.json()["error"]) >= {"code", "message"}

    call()


def test_generated_requests_cause_no_server_error(services: Services) -> None:
    """Every operation, with generated paths, queries and bodies, answers below 500."""
    load_examples(services)
    add_staff(services)
    headers = api_token(services, "admin")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(services))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:
        _check(operation.as_strategy(), headers)
