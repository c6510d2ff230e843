"""The outbox's hand-carried channels and bounce checks at the desk: print batches and their
downloads, marking letters posted, web-form tasks, clearing a channel check."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from storage import audit
from storage.tables import Addressee, ChannelCheck, Delivery
from tests.markers import SQLITE_ONLY
from tests.web.steps import CAMPAIGN, log_in, rendered

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

PARLIAMENT = "european-parliament"  # the example addressee with a postal address and no email
FORM = "https://www.europarl.example/contact"


def queued(s: Services, *, web_form: str = "") -> int:
    """The example batch approved and queued on every channel, the Parliament by post (or
    only through ``web_form``); return the batch id."""
    batch = rendered(s)
    with s.db.unit_of_work() as uow:
        if web_form:
            parliament = uow.scalars(select(Addressee).where(Addressee.key == PARLIAMENT)).one()
            parliament.postal_address, parliament.web_form = "", web_form
        s.approvals.approve_batch(uow, batch, reviewer="r")
        enqueue(uow, get_campaign(uow, CAMPAIGN), actor="t", clock=s.clock, channels=CHANNELS)
    return batch


def row(s: Services, channel: str) -> Delivery:
    with s.db.unit_of_work(write=False) as uow:
        return uow.scalars(select(Delivery).where(Delivery.channel == channel)).one()


def actors(s: Services, subject: str) -> list[tuple[str, str]]:
    with s.db.unit_of_work(write=False) as uow:
        return [(e.action, e.actor) for e in audit.entries(uow, subjects=[subject])]


def printed(s: Services, client: TestClient, batch: int) -> str:
    """Print the batch as a campaigner; return the CSRF token."""
    csrf = log_in(s, client, "campaigner")
    page = client.post(f"/outbox/batches/{batch}/print", data={"csrf": csrf})
    assert "The print batch is made (letters in it: 1)" in page.text
    return csrf


def test_postal_letter_is_listed_under_its_batch(services: Services, client: TestClient) -> None:
    """A queued postal letter appears under its batch with a print button, not yet postable."""
    batch = queued(services)
    log_in(services, client, "campaigner")
    page = client.get("/outbox").text
    assert f"Print batch {batch}" in page
    assert "Not printed yet." in page
    assert f'action="/outbox/{row(services, "postal").id}/posted"' not in page


def test_print_batch_offers_the_pdf_and_manifest(services: Services, client: TestClient) -> None:
    """Printing makes the rows printed and serves the merged PDF and the CSV manifest, audited
    with the logged-in user."""
    batch = queued(services)
    printed(services, client, batch)
    assert row(services, "postal").state == "printed"
    pdf = client.get(f"/outbox/batches/{batch}/post.pdf")
    assert pdf.headers["cache-control"] == "no-store"
    assert "attachment" in pdf.headers["content-disposition"]
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    manifest = list(
        csv.DictReader(io.StringIO(client.get(f"/outbox/batches/{batch}/post.csv").text))
    )
    assert [m["addressee"] for m in manifest] == [PARLIAMENT]
    assert ("delivery.printed", "campaigner@staff.example") in actors(services, f"batch:{batch}")


def test_download_before_printing_is_not_found(services: Services, client: TestClient) -> None:
    """A batch never printed has no PDF to download: 404 with a message, not a crash."""
    batch = queued(services)
    log_in(services, client, "viewer")
    response = client.get(f"/outbox/batches/{batch}/post.pdf")
    assert response.status_code == 404
    assert "print it first" in response.text


def test_mark_posted_sends_the_letter(services: Services, client: TestClient) -> None:
    """Mark posted with a date and tracking number makes the printed letter sent, audited."""
    csrf = printed(services, client, queued(services))
    delivery = row(services, "postal").id
    page = client.post(
        f"/outbox/{delivery}/posted",
        data={"csrf": csrf, "posted_on": "2024-03-04", "tracking": "RR123456785BE"},
    )
    assert "Marked posted" in page.text
    done = row(services, "postal")
    assert (done.state, done.reference) == ("sent", "RR123456785BE")
    assert done.finished_at is not None
    assert done.finished_at.date().isoformat() == "2024-03-04"
    assert ("delivery.sent", "campaigner@staff.example") in actors(services, f"delivery:{delivery}")


def test_posted_offers_today_as_the_date(services: Services, client: TestClient) -> None:
    """The posted form's date field is filled with today's date."""
    printed(services, client, queued(services))
    today = services.clock.now().date().isoformat()
    assert f'type="date" value="{today}"' in client.get("/outbox").text


def test_posted_with_a_bad_date_says_so(services: Services, client: TestClient) -> None:
    """A date that is not YYYY-MM-DD is refused on the page (422); nothing changes."""
    csrf = printed(services, client, queued(services))
    delivery = row(services, "postal").id
    page = client.post(f"/outbox/{delivery}/posted", data={"csrf": csrf, "posted_on": "4/3/24"})
    assert page.status_code == 422
    assert "is not a date; give it as YYYY-MM-DD" in page.text
    assert row(services, "postal").state == "printed"


def test_posted_before_printing_is_a_conflict_on_the_page(
    services: Services, client: TestClient
) -> None:
    """Marking a letter posted that was never printed is refused with 409 and the reason."""
    queued(services)
    csrf = log_in(services, client, "campaigner")
    delivery = row(services, "postal").id
    page = client.post(f"/outbox/{delivery}/posted", data={"csrf": csrf, "posted_on": "2024-03-04"})
    assert page.status_code == 409
    assert "only printed can be marked" in page.text
    assert 'class="problem"' in page.text


def test_web_form_task_shows_the_form_and_the_text(services: Services, client: TestClient) -> None:
    """The task page links the form in a new tab without referrer and shows the letter's
    approved text read-only."""
    queued(services, web_form=FORM)
    log_in(services, client, "viewer")
    delivery = row(services, "manual").id
    assert f'href="/outbox/{delivery}/task"' in client.get("/outbox").text
    page = client.get(f"/outbox/{delivery}/task").text
    assert f'<a href="{FORM}" target="_blank" rel="noopener noreferrer">' in page
    assert "readonly" in page
    assert "Stand-in letter" in page  # the text read back from the approved (stand-in) PDF
    assert "/done" not in page  # a viewer may look, not mark done


def test_task_for_a_non_web_address_is_not_a_link(services: Services, client: TestClient) -> None:
    """A form address that is not http(s) is shown as text with a warning, never as a link."""
    queued(services, web_form="javascript:alert(1)")
    log_in(services, client, "viewer")
    page = client.get(f"/outbox/{row(services, 'manual').id}/task").text
    assert 'href="javascript' not in page
    assert "not a web link" in page


def test_done_marks_the_task_sent_with_its_receipt(services: Services, client: TestClient) -> None:
    """Done with a receipt makes the manual delivery sent, audited with the user."""
    queued(services, web_form=FORM)
    csrf = log_in(services, client, "campaigner")
    delivery = row(services, "manual").id
    page = client.post(f"/outbox/{delivery}/done", data={"csrf": csrf, "receipt": "#4711"})
    assert "Marked done" in page.text
    assert (row(services, "manual").state, row(services, "manual").reference) == ("sent", "#4711")
    assert ("delivery.sent", "campaigner@staff.example") in actors(services, f"delivery:{delivery}")


def test_done_twice_is_a_conflict_on_the_task_page(services: Services, client: TestClient) -> None:
    """A task already done cannot be done again: 409 on the task page with the reason."""
    queued(services, web_form=FORM)
    csrf = log_in(services, client, "campaigner")
    delivery = row(services, "manual").id
    client.post(f"/outbox/{delivery}/done", data={"csrf": csrf})
    page = client.post(f"/outbox/{delivery}/done", data={"csrf": csrf})
    assert page.status_code == 409
    assert f"delivery {delivery} is sent" in page.text
    assert "This task is done" in page.text


def flagged(s: Services) -> None:
    """The FCDO's email channel flagged by a (rehearsed) permanent bounce."""
    rendered(s)
    with s.db.unit_of_work() as uow:
        fcdo = uow.scalars(select(Addressee).where(Addressee.key == "uk-fcdo")).one()
        uow.add(
            ChannelCheck(
                addressee_id=fcdo.id,
                channel="email",
                flagged_at=s.clock.now(),
                reason="550 no such mailbox",
            )
        )


def test_open_checks_are_listed_with_their_reason(services: Services, client: TestClient) -> None:
    """An open check shows the channel, the address and the bounce reason, and says that
    delivery skips the channel until cleared."""
    flagged(services)
    log_in(services, client, "viewer")
    page = client.get("/outbox").text
    assert "550 no such mailbox" in page
    assert "Delivery skips that channel" in page
    assert 'action="/outbox/checks/uk-fcdo/clear"' not in page  # a viewer may not clear


def test_clear_needs_a_reason(services: Services, client: TestClient) -> None:
    """Clearing without saying why is refused (422) and the check stays open."""
    flagged(services)
    csrf = log_in(services, client, "campaigner")
    page = client.post("/outbox/checks/uk-fcdo/clear", data={"csrf": csrf, "channel": "email"})
    assert page.status_code == 422
    assert "say what was fixed or confirmed" in page.text
    with services.db.unit_of_work(write=False) as uow:
        assert uow.scalars(select(ChannelCheck.cleared_at)).one() is None


def test_clear_closes_the_check_audited(services: Services, client: TestClient) -> None:
    """Clearing with a reason closes the check and records who and why."""
    flagged(services)
    csrf = log_in(services, client, "campaigner")
    page = client.post(
        "/outbox/checks/uk-fcdo/clear",
        data={"csrf": csrf, "channel": "email", "reason": "address confirmed by phone"},
    )
    assert "Check cleared (1)" in page.text
    assert "550 no such mailbox" not in page.text
    with services.db.unit_of_work(write=False) as uow:
        [entry] = audit.entries(uow, subjects=["addressee:uk-fcdo"])
    assert (entry.action, entry.actor) == ("channel_check.clear", "campaigner@staff.example")


def test_clear_without_an_open_check_is_not_found(services: Services, client: TestClient) -> None:
    """Clearing a channel that is not flagged says so on the page (404)."""
    flagged(services)
    csrf = log_in(services, client, "campaigner")
    page = client.post(
        "/outbox/checks/uk-fcdo/clear", data={"csrf": csrf, "channel": "postal", "reason": "x"}
    )
    assert page.status_code == 404
    assert "has no open check on its postal channel" in page.text
