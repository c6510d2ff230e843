"""The review queue in the browser's terms: the PDF preview, decisions, bulk approval."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from review.queue import current_documents
from storage.tables import Letter
from tests.helpers import set_signatures
from tests.markers import SQLITE_ONLY
from tests.web.steps import log_in, rendered

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


def _first_letter(services: Services, batch: int) -> int:
    with services.db.unit_of_work(write=False) as uow:
        return int(uow.scalars(select(Letter.id).where(Letter.batch_id == batch)).first() or 0)


def test_pdf_preview_serves_the_rendered_bytes(services: Services, client: TestClient) -> None:
    """The preview PDF is served inline as application/pdf, byte for byte the rendered file."""
    letter = _first_letter(services, rendered(services))
    log_in(services, client, "viewer")
    response = client.get(f"/review/letters/{letter}/pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    with services.db.unit_of_work(write=False) as uow:
        pdf = current_documents(uow, letter)["pdf"]
    assert response.content == (services.settings.documents_dir / pdf.path).read_bytes()


def test_page_image_is_a_png(services: Services, client: TestClient) -> None:
    """Page 1 of the letter is served as a PNG made from the PDF."""
    letter = _first_letter(services, rendered(services))
    log_in(services, client, "viewer")
    response = client.get(f"/review/letters/{letter}/pages/1.png")
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_changed_pdf_is_not_shown(services: Services, client: TestClient) -> None:
    """A PDF altered on disk after rendering is refused (409), never previewed."""
    letter = _first_letter(services, rendered(services))
    with services.db.unit_of_work(write=False) as uow:
        path = services.settings.documents_dir / current_documents(uow, letter)["pdf"].path
    path.write_bytes(path.read_bytes() + b"%tampered")
    log_in(services, client, "viewer")
    assert client.get(f"/review/letters/{letter}/pdf").status_code == 409


def test_bulk_approval_approves_the_batch(services: Services, client: TestClient) -> None:
    """A reviewer approves all eight letters of the batch in one action."""
    batch = rendered(services)
    csrf = log_in(services, client, "reviewer")
    response = client.post(
        f"/review/batches/{batch}/approve", data={"csrf": csrf, "despite_findings": "yes"}
    )
    assert "Approved 8 letters" in response.text
    with services.db.unit_of_work(write=False) as uow:
        statuses = set(uow.scalars(select(Letter.status).where(Letter.batch_id == batch)))
    assert statuses == {"approved"}


def test_rejection_needs_a_comment(services: Services, client: TestClient) -> None:
    """Rejecting without saying what to fix is refused (409) and the letter still waits."""
    letter = _first_letter(services, rendered(services))
    csrf = log_in(services, client, "reviewer")
    response = client.post(f"/review/letters/{letter}/reject", data={"csrf": csrf})
    assert response.status_code == 409
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(Letter, letter).status == "review"


def test_approving_a_letter_opens_the_next(services: Services, client: TestClient) -> None:
    """After a decision the reviewer lands on the next letter waiting in the batch."""
    letter = _first_letter(services, rendered(services))
    csrf = log_in(services, client, "reviewer")
    response = client.post(
        f"/review/letters/{letter}/approve", data={"csrf": csrf}, follow_redirects=False
    )
    assert response.headers["location"].startswith("/review/letters/")
    assert not response.headers["location"].startswith(f"/review/letters/{letter}?")


def test_queue_marks_stale_letters(services: Services, client: TestClient) -> None:
    """Once the count has grown past the setting, every letter in the list is marked stale."""
    batch = rendered(services)
    set_signatures(services, 19_800)
    log_in(services, client, "viewer")
    html = client.get(f"/review?batch={batch}").text
    assert html.count('class="state state-due"') == 8
    assert "8 letters on this page are stale" in html
    assert "quotes 15,240 signatures; the newest count is 19,800" in html


def test_approving_a_batch_of_stale_letters_asks_again(
    services: Services, client: TestClient
) -> None:
    """The batch's Approve all asks the reviewer to confirm that stale letters go out."""
    batch = rendered(services)
    log_in(services, client, "reviewer")
    assert "are stale" not in client.get(f"/review?batch={batch}").text
    set_signatures(services, 19_800)
    html = client.get(f"/review?batch={batch}").text
    assert "8 of these letters are stale" in html  # the form's data-confirm question


def test_queue_lists_rejected_letters_with_the_comment(
    services: Services, client: TestClient
) -> None:
    """A rejected letter leaves the waiting list but stays reachable, with what must change."""
    letter = _first_letter(services, rendered(services))
    csrf = log_in(services, client, "reviewer")
    client.post(
        f"/review/letters/{letter}/reject", data={"csrf": csrf, "comment": "wrong salutation"}
    )
    html = client.get("/review").text
    assert "Rejected letters" in html
    assert f'href="/review/letters/{letter}"' in html
    assert "wrong salutation" in html
