"""The addressee page: contacts with their provenance, unconfirmed and failing ones marked,
confirming them; the review page names a letter's unconfirmed contacts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from recipients.failing import flag_contact
from storage.tables import Addressee
from tests.helpers import load_examples
from tests.web.steps import log_in, rendered

KEY = "mfa-lithuania"  # an example addressee with an email and a postal address


def addressee(s: Services) -> Addressee:
    with s.db.unit_of_work(write=False) as uow:
        return uow.scalars(select(Addressee).where(Addressee.key == KEY)).one()


def test_contacts_are_marked_unconfirmed(services: Services, client: TestClient) -> None:
    """A contact nobody has confirmed is labelled so on the addressee page."""
    load_examples(services)
    log_in(services, client, "viewer")
    page = client.get(f"/registry/{KEY}").text
    assert "unconfirmed" in page
    assert "confirmed 20" not in page


def test_verify_form_confirms_the_contacts(services: Services, client: TestClient) -> None:
    """Posting the confirm form dates every contact and the page shows them confirmed."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    response = client.post(
        f"/registry/{KEY}/verify", data={"csrf": csrf, "by": "Alesia", "note": "phoned"}
    )
    assert response.status_code == 200
    assert addressee(services).email_verified_on == services.clock.now().date()
    assert "unconfirmed" not in client.get(f"/registry/{KEY}").text


def test_failing_contact_is_shown(services: Services, client: TestClient) -> None:
    """A contact flagged as failing is listed on the page with its reason and the fix."""
    load_examples(services)
    with services.db.unit_of_work() as uow:
        flag_contact(uow, KEY, "email", reason="550 mailbox gone", actor="t", clock=services.clock)
    log_in(services, client, "viewer")
    page = client.get(f"/registry/{KEY}").text
    assert "550 mailbox gone" in page
    assert f"advocacy recipients set {KEY} email=" in page


def test_editing_the_email_drops_its_old_confirmation(
    services: Services, client: TestClient
) -> None:
    """Changing only the email in the edit form clears that email's confirmation date, and
    leaves the other fields as they were."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    client.post(f"/registry/{KEY}/verify", data={"csrf": csrf, "by": "Alesia"})
    row = addressee(services)
    form = {name: getattr(row, name) or "" for name in ("name", "category", "languages", "tags")}
    form |= {
        "csrf": csrf,
        "email": "new@urm.example",
        "postal_address": row.postal_address,
        "country": row.country,
        "postal_address_verified_on": str(row.postal_address_verified_on or ""),
        "verified_on": str(row.verified_on or ""),
        "source": row.source,
    }
    client.post(f"/registry/{KEY}", data=form)
    after = addressee(services)
    assert (after.email, after.email_verified_on) == ("new@urm.example", None)
    assert after.verified_on == row.verified_on == services.clock.now().date()


def test_review_page_names_unconfirmed_contacts(services: Services, client: TestClient) -> None:
    """The letter's review page says its addressee's contacts are unconfirmed."""
    rendered(services)
    log_in(services, client, "reviewer")
    page = client.get("/review/letters/1").text
    assert "goes to a contact nobody has confirmed" in page


def test_import_dry_run_lists_each_changed_field(services: Services, client: TestClient) -> None:
    """A key,email update file checked in the browser lists the email's old and new value."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    old = addressee(services).email
    page = client.post(
        "/registry",
        data={"csrf": csrf, "dry_run": "on", "update": "on"},
        files={"file": ("u.csv", f"key,email\n{KEY},new@urm.example\n".encode(), "text/csv")},
    ).text
    assert f"email: <del>{old}</del> → <ins>new@urm.example</ins>" in page
    assert addressee(services).email == old
