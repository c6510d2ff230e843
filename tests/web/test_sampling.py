"""No side effects on GET: reading a letter records nothing; "mark sampled" (a POST with the
CSRF token) is what bulk approval reports as the sample."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from storage.tables import AuditEntry, Letter
from tests.web.steps import log_in, rendered


def _letters(services: Services, batch: int) -> list[int]:
    with services.db.unit_of_work(write=False) as uow:
        return list(
            uow.scalars(select(Letter.id).where(Letter.batch_id == batch).order_by(Letter.id))
        )


def _audit(services: Services, action: str) -> list[AuditEntry]:
    with services.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_opening_a_letter_records_nothing(services: Services, client: TestClient) -> None:
    """A reviewer's GET of a letter page writes no ``letter.shown`` entry."""
    letter = _letters(services, rendered(services))[0]
    log_in(services, client, "reviewer")
    assert client.get(f"/review/letters/{letter}").status_code == 200
    assert _audit(services, "letter.shown") == []


def test_marking_sampled_is_reported_by_bulk_approval(
    services: Services, client: TestClient
) -> None:
    """A letter marked sampled is the one bulk approval lists as ``sampled``."""
    batch = rendered(services)
    letter = _letters(services, batch)[1]
    csrf = log_in(services, client, "reviewer")
    marked = client.post(f"/review/letters/{letter}/sampled", data={"csrf": csrf})
    assert marked.status_code == 200  # followed to the letter page
    # The example appeal has findings (placeholder petition.example): approved despite them.
    decided = client.post(
        f"/review/batches/{batch}/approve", data={"csrf": csrf, "despite_findings": "yes"}
    )
    assert decided.status_code == 200, decided.text
    [approved] = _audit(services, "batch.approved")
    assert approved.details["sampled"] == [letter]


def test_marking_sampled_needs_the_csrf_token(services: Services, client: TestClient) -> None:
    """A cross-site POST without the form's token is refused and records nothing."""
    letter = _letters(services, rendered(services))[0]
    log_in(services, client, "reviewer")
    assert client.post(f"/review/letters/{letter}/sampled").status_code == 403
    assert _audit(services, "letter.shown") == []
