"""The report page: a page of addressees under totals for all of them, the charts, and the
CSV and PDF downloads."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from bootstrap import Services
from responses.manual_entry import Answer, log_answer
from tests.helpers import load_examples, reach_milestone
from tests.web.steps import CAMPAIGN, log_in
from web.pages import reports


@pytest.fixture
def written(services: Services) -> None:
    """The example campaign wrote to its eight addressees; Lithuania's ministry answered."""
    load_examples(services)
    reach_milestone(services)
    with services.db.unit_of_work() as uow:
        answer = Answer(CAMPAIGN, "mfa-lithuania", "response", "letter", "supportive", "Yes.", "")
        log_answer(uow, answer, actor="test", clock=services.clock)


def test_report_pages_through_addressees_with_totals_for_all(
    services: Services, client: TestClient, written: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With three a page, page 1 and page 3 show different addressees; both count all eight."""
    monkeypatch.setattr(reports, "PAGE_SIZE", 3)
    log_in(services, client, "viewer")
    first = client.get(f"/reports/{CAMPAIGN}").text
    last = client.get(f"/reports/{CAMPAIGN}?page=3").text
    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in last
    assert first.count("<tr><td>") == 3
    assert last.count("<tr><td>") == 2
    for page in (first, last):
        assert "8 addressees written to; 1 answered" in page


def test_report_shows_the_charts(services: Services, client: TestClient, written: None) -> None:
    """The timeline and the rate-by-category charts are inline SVG on the page."""
    log_in(services, client, "viewer")
    page = client.get(f"/reports/{CAMPAIGN}").text
    assert "Timeline: signatures, milestones, deliveries and answers" in page
    assert 'aria-label="Response rate by category"' in page


def test_pdf_download_is_the_report(services: Services, client: TestClient, written: None) -> None:
    """The PDF link downloads the report PDF naming the addressees and the answer."""
    log_in(services, client, "viewer")
    response = client.get(f"/reports/{CAMPAIGN}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "mfa-lithuania" in text or "Lithuania" in text
    assert "supportive" in text


def test_csv_download_has_every_addressee(
    services: Services, client: TestClient, written: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSV is not paged: all eight addressees, whatever the page size."""
    monkeypatch.setattr(reports, "PAGE_SIZE", 3)
    log_in(services, client, "viewer")
    lines = client.get(f"/reports/{CAMPAIGN}.csv").text.splitlines()
    assert len(lines) == 1 + 8
    assert any(line.startswith("mfa-lithuania,") and ",responded," in line for line in lines)


# A campaign page row whose answer is overdue; group 1 is the addressee key.
OVERDUE_ROW = r'<tr><td><a href="/registry/([^"]+)">(?:(?!</tr>).)*state-overdue"'


def _overdue_on_campaign_pages(client: TestClient) -> tuple[set[str], int]:
    """The addressee keys whose row says overdue on every page of the campaign page, and the
    number of pages read."""
    first = client.get(f"/campaigns/{CAMPAIGN}").text
    found = re.search(r"Page 1 of (\d+)", first)
    pages = int(found[1]) if found else 1
    overdue: set[str] = set()
    for page in range(1, pages + 1):
        html = first if page == 1 else client.get(f"/campaigns/{CAMPAIGN}?page={page}").text
        overdue |= set(re.findall(OVERDUE_ROW, html))
    return overdue, pages


def test_dashboard_counts_overdue_as_the_report(services: Services, client: TestClient) -> None:
    """The dashboard's overdue count for a campaign, and the overdue rows on every page of the
    campaign page, are the report's overdue rows."""
    from responses.report import response_report
    from storage.tables import Campaign
    from tests.responses.test_standing import written_world

    campaign_id = written_world(services)
    with services.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow,
            uow.get_one(Campaign, campaign_id),
            today=services.clock.now().date(),
            working_days=services.settings.answer_due_working_days,
        )
    overdue = {r.addressee_key for r in rows if r.status == "overdue"}
    assert overdue
    log_in(services, client, "viewer")
    page = client.get("/").text
    assert f'<dt>Overdue answers</dt><dd class="warn">{len(overdue)}</dd>' in page
    assert "No answer after 20 working days" in page
    shown, pages = _overdue_on_campaign_pages(client)
    assert pages > 1, "the set-up no longer spans pages: the test would not cover paging"
    assert shown == overdue
