"""The review page shows letters that could not be rendered and the campaign's findings, and
a batch with findings is approved only with the second confirmation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.store import update_campaign
from recipients.provenance import set_fields
from storage.tables import Addressee, Letter
from tests.helpers import APPEAL, load_examples, reach_milestone, render
from tests.markers import SQLITE_ONLY
from tests.web.steps import log_in, rendered

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


def test_a_failed_letter_is_listed_with_its_reason(services: Services, client: TestClient) -> None:
    """The queue lists the letter that failed, with the field and the code points."""
    load_examples(services)
    with services.db.unit_of_work() as uow:
        uow.execute(
            update(Addressee).where(Addressee.key == "uk-fcdo").values(postal_address="東京")
        )
    render(services, reach_milestone(services))
    log_in(services, client, "viewer")
    page = client.get("/review").text
    assert "Letters that could not be rendered" in page
    assert "U+6771" in page


def test_findings_are_shown_before_approval(services: Services, client: TestClient) -> None:
    """The example's placeholders are listed above the bulk approval."""
    rendered(services)
    log_in(services, client, "reviewer")
    page = client.get("/review").text
    assert "finding(s)" in page
    assert "(example)" in page


def test_a_registry_change_shows_on_the_next_view(services: Services, client: TestClient) -> None:
    """After ``recipients set`` gives an addressee an office the wording lacks, the very next
    view of the page lists that finding (nothing is kept from the view before)."""
    rendered(services)
    log_in(services, client, "reviewer")  # findings are shown beside the bulk approval
    assert "addressee mfa-poland: unknown office" not in client.get("/review").text
    with services.db.unit_of_work() as uow:
        set_fields(uow, "mfa-poland", {"office": "duke"}, actor="t", clock=services.clock)
    assert "addressee mfa-poland: unknown office" in client.get("/review").text


def test_an_appeal_change_shows_on_the_next_view(services: Services, client: TestClient) -> None:
    """After the campaign's appeal drops its placeholder petition URL, the next view no longer
    lists that finding."""
    rendered(services)
    log_in(services, client, "reviewer")  # findings are shown beside the bulk approval
    assert "appeal: petition_url: placeholder domain" in client.get("/review").text
    fixed = load_appeal(APPEAL).model_copy(update={"petition_url": "https://petitions.org.by/x"})
    with services.db.unit_of_work() as uow:
        update_campaign(uow, fixed, actor="t", clock=services.clock)
    assert "appeal: petition_url: placeholder domain" not in client.get("/review").text


def test_bulk_approval_without_the_confirmation_is_refused(
    services: Services, client: TestClient
) -> None:
    """Without despite_findings nothing is approved and the reason names the findings."""
    batch = rendered(services)
    csrf = log_in(services, client, "reviewer")
    response = client.post(f"/review/batches/{batch}/approve", data={"csrf": csrf})
    assert response.status_code == 409
    assert "despite-findings" in response.text
    with services.db.unit_of_work(write=False) as uow:
        statuses = set(uow.scalars(select(Letter.status).where(Letter.batch_id == batch)))
    assert statuses == {"review"}
