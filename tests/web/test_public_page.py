"""The public accountability page: off by default, then only what may be published."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bootstrap import Services
from responses.manual_entry import Answer, log_answer
from tests.web.steps import CAMPAIGN, rendered
from web.publishing import set_public_page


def _publish(services: Services) -> None:
    rendered(services)
    with services.db.unit_of_work() as uow:
        log_answer(
            uow,
            Answer(
                CAMPAIGN,
                "mfa-lithuania",
                summary="Internal: call back in May",
                public_summary="Supports de-recognition.",
            ),
            actor="t",
            clock=services.clock,
        )
        set_public_page(uow, CAMPAIGN, True, actor="t", clock=services.clock)


def test_public_page_is_off_by_default(services: Services, client: TestClient) -> None:
    """A campaign nobody published answers 404 to anonymous visitors."""
    rendered(services)
    assert client.get(f"/public/{CAMPAIGN}").status_code == 404


def test_public_page_shows_the_public_summary_only(services: Services, client: TestClient) -> None:
    """Switched on, the page shows the public summary and none of the internal notes."""
    _publish(services)
    page = client.get(f"/public/{CAMPAIGN}")
    assert page.status_code == 200
    assert "Supports de-recognition." in page.text
    assert "call back in May" not in page.text
    assert "@" not in page.text.split("<main", 1)[1]  # no email addresses


def test_public_page_may_be_cached(services: Services, client: TestClient) -> None:
    """The page says how long shared caches may keep it."""
    _publish(services)
    cache = client.get(f"/public/{CAMPAIGN}").headers["cache-control"]
    assert cache == f"public, max-age={services.settings.public_cache_seconds}"
