"""The public accountability page: off by default, then only what may be published, with
answers overdue by the report's rule."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from bootstrap import Services
from campaigns.store import get_campaign
from responses.manual_entry import Answer, log_answer
from responses.report import response_report
from responses.status import set_status
from tests.delivery.steps import queued_batch
from tests.web.steps import CAMPAIGN, rendered
from timeutil import FixedClock
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


def _delivered_and_published(services: Services) -> None:
    """The example batch delivered by the worker, Lithuania's ministry answered, page on."""
    queued_batch(services)
    services.worker().drain_sync()
    with services.db.unit_of_work() as uow:
        log_answer(uow, Answer(CAMPAIGN, "mfa-lithuania"), actor="t", clock=services.clock)
        set_public_page(uow, CAMPAIGN, True, actor="t", clock=services.clock)


def _main(client: TestClient) -> str:
    return client.get(f"/public/{CAMPAIGN}").text.split("<main", 1)[1]


def test_silent_addressees_become_overdue(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """Before the due date the silent addressees show no answer yet; after it, overdue since
    the day after the report's due date; the one who answered stays answered."""
    _delivered_and_published(services)
    assert "overdue" not in _main(client)
    assert "no answer yet" in _main(client)
    clock.advance(timedelta(days=60))
    with services.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow,
            get_campaign(uow, CAMPAIGN),
            today=clock.now().date(),
            working_days=services.settings.answer_due_working_days,
        )
    overdue = [r for r in rows if r.status == "overdue"]
    assert overdue
    page = _main(client)
    for row in overdue:
        assert row.due_on is not None
        since = row.due_on + timedelta(days=1)
        assert f"no answer — overdue since {since.day} {since:%B %Y}" in page
    assert page.count("overdue since") == len(overdue)
    assert "answered" in page
    assert "@" not in page


def test_overdue_since_names_the_day(
    services: Services, client: TestClient, clock: FixedClock
) -> None:
    """Delivered on Wednesday 8 September 2021, an answer is due 20 working days later on
    6 October (no Latvian holiday between), so Latvia's ministry is overdue since 7 October."""
    _delivered_and_published(services)
    clock.advance(timedelta(days=60))
    row = (
        _main(client)
        .split("Ministry of Foreign Affairs of the Republic of Latvia", 1)[1]
        .split("</tr>", 1)[0]
    )
    assert "no answer — overdue since 7 October 2021" in row


def test_a_status_set_by_hand_has_public_words(services: Services, client: TestClient) -> None:
    """An addressee staff marked refused or needing no answer shows plain words, not an error."""
    _publish(services)
    with services.db.unit_of_work() as uow:
        for key, status in (("mfa-poland", "refused"), ("mfa-latvia", "no-response-needed")):
            set_status(uow, CAMPAIGN, key, status, actor="t", clock=services.clock)
    page = client.get(f"/public/{CAMPAIGN}")
    assert page.status_code == 200
    assert "declined" in page.text
    assert "no answer needed" in page.text
