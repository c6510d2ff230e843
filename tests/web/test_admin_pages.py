"""The admin page (accounts and tokens) and the appeal upload, through the web app."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from storage.tables import AuditEntry, Campaign, User
from tests.helpers import APPEAL
from tests.markers import SQLITE_ONLY
from tests.web.steps import log_in

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


def _user(services: Services, email: str) -> User:
    with services.db.unit_of_work(write=False) as uow:
        return uow.scalars(select(User).where(User.email == email)).one()


def test_only_admins_see_the_admin_page(services: Services, client: TestClient) -> None:
    """A campaigner is refused the admin page (403); an admin sees every account."""
    log_in(services, client, "campaigner")
    assert client.get("/admin").status_code == 403
    log_in(services, client, "admin")
    page = client.get("/admin").text
    assert "viewer@staff.example" in page


def test_an_admin_deactivates_and_changes_a_role(services: Services, client: TestClient) -> None:
    """Deactivate and set-role forms change the account and are audited."""
    csrf = log_in(services, client, "admin")
    client.post(
        "/admin/users/active", data={"csrf": csrf, "email": "viewer@staff.example", "active": "no"}
    )
    client.post(
        "/admin/users/role",
        data={"csrf": csrf, "email": "reviewer@staff.example", "role": "campaigner"},
    )
    assert not _user(services, "viewer@staff.example").active
    assert _user(services, "reviewer@staff.example").role == "campaigner"
    with services.db.unit_of_work(write=False) as uow:
        actions = set(uow.scalars(select(AuditEntry.action)))
    assert {"user.deactivate", "user.role"} <= actions


def test_a_weak_password_is_shown_refused(services: Services, client: TestClient) -> None:
    """Adding an account with a common password answers 422 with the reason on the page."""
    csrf = log_in(services, client, "admin")
    response = client.post(
        "/admin/users",
        data={
            "csrf": csrf,
            "email": "new@staff.example",
            "role": "viewer",
            "password": "password1234",
        },
    )
    assert response.status_code == 422
    assert "well-known password" in response.text


def test_a_token_is_shown_once_and_revoked(services: Services, client: TestClient) -> None:
    """Issuing shows the token once; revoking marks it revoked and the API refuses it."""
    csrf = log_in(services, client, "admin")
    issued = client.post(
        "/admin/tokens",
        data={"csrf": csrf, "email": "viewer@staff.example", "label": "ci", "days": "90"},
    )
    token = issued.text.split('<code id="new-token">')[1].split("<")[0]
    assert token.startswith("adv_")
    assert token not in client.get("/admin").text
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/campaigns", headers=bearer).status_code == 200
    client.post("/admin/tokens/1/revoke", data={"csrf": csrf})
    assert client.get("/api/campaigns", headers=bearer).status_code == 401


def test_uploading_an_appeal_creates_then_updates(services: Services, client: TestClient) -> None:
    """An uploaded appeal file creates the campaign; an edited one becomes version 2."""
    csrf = log_in(services, client, "campaigner")
    text = APPEAL.read_bytes()
    files = {"file": ("appeal.yaml", text, "application/yaml")}
    created = client.post(
        "/appeals/upload", data={"csrf": csrf}, files=files, follow_redirects=False
    )
    assert created.headers["location"].startswith(
        "/campaigns/derecognise-lukashenka?notice=appeal_created"
    )
    edited = text.replace(b"De-recognise Lukashenka", b"De-recognise Lukashenka now", 1)
    files = {"file": ("appeal.yaml", edited, "application/yaml")}
    client.post("/appeals/upload", data={"csrf": csrf}, files=files)
    with services.db.unit_of_work(write=False) as uow:
        assert uow.scalars(select(Campaign.version)).one() == 2


def test_a_bad_appeal_names_file_line_and_field(services: Services, client: TestClient) -> None:
    """An appeal with a bad field is refused with the CLI's FILE:LINE: field: message."""
    csrf = log_in(services, client, "campaigner")
    bad = APPEAL.read_bytes().replace(b"default_language: en", b"default_language: xx", 1)
    files = {"file": ("mine.yaml", bad, "application/yaml")}
    response = client.post("/appeals/upload", data={"csrf": csrf}, files=files)
    assert response.status_code == 422
    assert "mine.yaml:" in response.text
    assert "default_language" in response.text
