"""The per-addressee history page and answer classification, over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bootstrap import Services
from responses.manual_entry import Answer, log_answer
from storage.tables import Response
from tests.web.steps import CAMPAIGN, log_in, rendered

PAGE = f"/campaigns/{CAMPAIGN}/addressees/mfa-lithuania"


def _answered(s: Services) -> None:
    rendered(s)
    with s.db.unit_of_work() as uow:
        log_answer(uow, Answer(CAMPAIGN, "mfa-lithuania"), actor="t", clock=s.clock)


def test_a_viewer_reads_the_thread(services: Services, client: TestClient) -> None:
    """A viewer sees the letter and the answer, and no classification form."""
    _answered(services)
    log_in(services, client, "viewer")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "event-letter" in page.text
    assert "event-answer" in page.text
    assert "/classify" not in page.text


def test_an_addressee_never_written_to_is_404(services: Services, client: TestClient) -> None:
    """The history of a pair the campaign never wrote to is 404, not an empty page."""
    rendered(services)
    log_in(services, client, "viewer")
    assert client.get(f"/campaigns/{CAMPAIGN}/addressees/nobody").status_code == 404


def test_a_campaigner_classifies_and_returns_to_the_page(
    services: Services, client: TestClient
) -> None:
    """Classifying returns to the history page (a local path only) with the new kind stored."""
    _answered(services)
    csrf = log_in(services, client, "campaigner")
    form = {"csrf": csrf, "stance": "opposed", "kind": "acknowledgement", "back": PAGE}
    done = client.post("/responses/1/classify", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith(PAGE)
    form["back"] = "//evil.example/"
    elsewhere = client.post("/responses/1/classify", data=form, follow_redirects=False)
    assert elsewhere.headers["location"].startswith("/responses")
    with services.db.unit_of_work(write=False) as uow:
        stored = uow.get_one(Response, 1)
        assert (stored.kind, stored.stance) == ("acknowledgement", "opposed")


def test_a_bad_stance_is_refused(services: Services, client: TestClient) -> None:
    """A stance outside the list is refused, nothing changed."""
    _answered(services)
    csrf = log_in(services, client, "campaigner")
    form = {"csrf": csrf, "stance": "delighted"}
    assert client.post("/responses/1/classify", data=form).status_code == 422
