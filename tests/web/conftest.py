"""Fixtures for the web tests: the app on the test database, a client, staff of every role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bootstrap import Services
from tests.web.steps import add_staff
from web.app import create_app


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """A client of the app serving ``services``, with one user per role in the database."""
    add_staff(services)
    with TestClient(create_app(services), base_url="http://testserver") as test_client:
        yield test_client
