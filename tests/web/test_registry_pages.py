"""The registry pages: import with the CLI's validation, search, edit with history."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bootstrap import Services
from storage.tables import Addressee
from tests.helpers import EXAMPLES, load_examples
from tests.web.steps import log_in

GOOD = (EXAMPLES / "addressees-demo.csv").read_bytes()


def _count(services: Services) -> int:
    with services.db.unit_of_work(write=False) as uow:
        return int(uow.scalar(select(func.count(Addressee.id))) or 0)


def test_bad_file_is_refused_with_its_line(services: Services, client: TestClient) -> None:
    """A row with a bad country is reported as FILE:LINE: field and nothing is written."""
    bad = GOOD.replace(b",LT,", b",XX,", 1)
    csrf = log_in(services, client, "campaigner")
    response = client.post(
        "/registry", data={"csrf": csrf}, files={"file": ("mine.csv", bad, "text/csv")}
    )
    assert response.status_code == 422
    assert "mine.csv:" in response.text
    assert "country" in response.text
    assert _count(services) == 0


def test_dry_run_writes_nothing(services: Services, client: TestClient) -> None:
    """With only-check ticked the file is validated and counted, not imported."""
    csrf = log_in(services, client, "campaigner")
    response = client.post(
        "/registry",
        data={"csrf": csrf, "dry_run": "on"},
        files={"file": ("demo.csv", GOOD, "text/csv")},
    )
    assert "would be new" in response.text
    assert _count(services) == 0


def test_import_adds_the_addressees(services: Services, client: TestClient) -> None:
    """Without only-check the file's addressees are stored."""
    csrf = log_in(services, client, "campaigner")
    client.post("/registry", data={"csrf": csrf}, files={"file": ("demo.csv", GOOD, "text/csv")})
    assert _count(services) == 8


def test_search_finds_by_name(services: Services, client: TestClient) -> None:
    """Searching 'lithuania' lists that ministry and not the others."""
    load_examples(services)
    log_in(services, client, "viewer")
    page = client.get("/registry", params={"q": "lithuania"}).text
    assert "mfa-lithuania" in page
    assert "mfa-latvia" not in page


def test_edit_is_kept_in_the_history(services: Services, client: TestClient) -> None:
    """Changing a salutation stores it and shows before and after in the history."""
    load_examples(services)
    csrf = log_in(services, client, "campaigner")
    form = client.get("/registry/mfa-lithuania").text
    assert 'name="salutation"' in form
    with services.db.unit_of_work(write=False) as uow:
        row = uow.scalars(select(Addressee).where(Addressee.key == "mfa-lithuania")).one()
        data = {
            "csrf": csrf,
            "name": row.name,
            "category": row.category,
            "country": row.country,
            "languages": row.languages,
            "email": row.email,
            "postal_address": row.postal_address,
            "official_name": row.official_name,
            "salutation": "Dear Minister Landsbergis,",
        }
    page = client.post("/registry/mfa-lithuania", data=data).text
    assert "Dear Minister Landsbergis," in page
    assert "<del>" in page
