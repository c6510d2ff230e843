"""The campaign page for campaigners: recording a signature count as ``advocacy signatures set``
does, refusing bad counts on the page, and paging through the addressees."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from storage.tables import AuditEntry, Batch, Letter, SignatureCount
from tests.helpers import load_examples, reach_milestone, set_signatures
from tests.web.steps import CAMPAIGN, log_in
from web.pages import campaigns, reports

URL = f"/campaigns/{CAMPAIGN}"


def _post(client: TestClient, csrf: str, **fields: str) -> Any:
    return client.post(f"{URL}/signatures", data={"csrf": csrf, **fields}, follow_redirects=False)


def _counts(services: Services) -> list[int]:
    with services.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(SignatureCount.count).order_by(SignatureCount.id)))


def _audit(services: Services, action: str) -> AuditEntry:
    with services.db.unit_of_work(write=False) as uow:
        return uow.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()


def test_count_past_a_milestone_creates_a_batch(services: Services, client: TestClient) -> None:
    """A count past 15,000 fires the milestone: a batch of pending letters, and the notice names
    it and says the letters appear in review once rendered."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    response = _post(client, csrf, count="15,240")
    assert response.status_code == 303
    with services.db.unit_of_work(write=False) as uow:
        batch = uow.scalars(select(Batch)).one()
        statuses = set(uow.scalars(select(Letter.status).where(Letter.batch_id == batch.id)))
    assert statuses == {"pending"}
    assert batch.created_by == "campaigner@staff.example"
    page = client.get(response.headers["location"]).text
    assert f"batch #{batch.id} was created" in page
    assert "will appear in review once the scheduler has rendered them" in page
    assert _counts(services) == [15_240]


def test_count_below_a_milestone_says_none_was_reached(
    services: Services, client: TestClient
) -> None:
    """A count that reaches no milestone is recorded, as of the time given, and says so."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    response = _post(client, csrf, count="1200", as_of="2021-09-01T10:30")
    page = client.get(response.headers["location"]).text
    assert "Recorded 1,200 signatures; no milestone was reached." in page
    with services.db.unit_of_work(write=False) as uow:
        row = uow.scalars(select(SignatureCount)).one()
    assert (row.count, row.source) == (1200, "manual")
    assert row.as_of.replace(tzinfo=UTC) == datetime(2021, 9, 1, 10, 30, tzinfo=UTC)
    assert _audit(services, "signatures.set").actor == "campaigner@staff.example"


def test_lower_count_is_refused_on_the_page(services: Services, client: TestClient) -> None:
    """Without the correction box a lower count is shown back with the reason, nothing stored."""
    load_examples(services)
    set_signatures(services, 5_000)
    csrf = log_in(services, client, "campaigner")
    response = _post(client, csrf, count="4000")
    assert response.status_code == 422
    assert "4,000 is below the recorded count" in response.text
    assert 'name="count" inputmode="numeric"' in response.text
    assert 'value="4000"' in response.text
    assert _counts(services) == [5_000]


def test_correction_needs_a_reason(services: Services, client: TestClient) -> None:
    """A correction without a reason is refused on the page; with one it lowers the count,
    audited with the reason."""
    load_examples(services)
    set_signatures(services, 5_000)
    csrf = log_in(services, client, "campaigner")
    refused = _post(client, csrf, count="4000", correct="on", reason="  ")
    assert refused.status_code == 422
    assert "a correction needs a reason" in refused.text
    assert _counts(services) == [5_000]
    done = _post(client, csrf, count="4000", correct="on", reason="counted a test signer twice")
    page = client.get(done.headers["location"]).text
    assert "Corrected the count to 4,000 signatures" in page
    assert _counts(services) == [5_000, 4_000]
    entry = _audit(services, "signatures.correct")
    assert entry.details["reason"] == "counted a test signer twice"
    assert entry.details["source"] == "correction"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"count": "lots"}, "“lots” is not a whole number"),
        ({"count": "-5"}, "“-5” is not a whole number"),
        ({"count": "99999999999"}, "at most 1,000,000,000"),
        ({"count": "10", "as_of": "yesterday"}, "“yesterday” is not a date and time"),
    ],
)
def test_bad_form_is_shown_back(
    services: Services, client: TestClient, fields: dict[str, str], message: str
) -> None:
    """A count that is not a number, or a bad as-of time, comes back as a message, not a 500."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    response = _post(client, csrf, **fields)
    assert response.status_code == 422
    assert message in response.text
    assert _counts(services) == []


def test_same_count_again_changes_nothing(services: Services, client: TestClient) -> None:
    """Recording the count already recorded says so and stores no second snapshot."""
    load_examples(services)
    set_signatures(services, 900)
    csrf = log_in(services, client, "campaigner")
    page = client.get(_post(client, csrf, count="900").headers["location"]).text
    assert "The count was already 900; nothing changed." in page
    assert _counts(services) == [900]


def test_viewer_sees_no_count_form(services: Services, client: TestClient) -> None:
    """The form is only on the page for those who may record counts."""
    load_examples(services)
    log_in(services, client, "viewer")
    assert f'action="{URL}/signatures"' not in client.get(URL).text


def test_addressees_are_paged_as_the_report(
    services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With three a page, each page of the campaign's addressees is that page of the report."""
    monkeypatch.setattr(campaigns, "PAGE_SIZE", 3)
    monkeypatch.setattr(reports, "PAGE_SIZE", 3)
    load_examples(services)
    reach_milestone(services)
    log_in(services, client, "viewer")
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"{URL}?page={page}").text
        assert f"Page {page} of 3" in html
        names = html.count('<tr><td><a href="/registry/')
        seen.append(names)
        report = client.get(f"/reports/{CAMPAIGN}?page={page}").text
        first = html.split('<tr><td><a href="/registry/', 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert f"<tr><td>{first}</td>" in report
    assert seen == [3, 3, 2]
    assert f'href="{URL}?page=2#addressees-h"' in client.get(URL).text
