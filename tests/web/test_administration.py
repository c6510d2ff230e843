"""Administering staff accounts and API tokens (``web.administration``), and the password
rules every way of setting one shares (``web.passwords``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from errors import Conflict, InputError
from storage.tables import AuditEntry, WebSession
from tests.web.steps import api_token, log_in
from timeutil import FixedClock
from web.accounts import new_api_token
from web.administration import list_tokens, revoke_token, set_active, set_password, set_role
from web.passwords import MAX_PASSWORD, password_problem


@pytest.mark.parametrize(
    "password",
    ["password12", " " * 12, "Password2024!", "qwertyuiop123", "aaaaaaaaaaaaaa", "x" * 300],
)
def test_weak_passwords_are_refused(password: str) -> None:
    """Short, blank, common (after case and trailing digits), repetitive or over-long
    passwords are refused with a reason."""
    assert password_problem(password) is not None


def test_a_long_uncommon_phrase_is_accepted() -> None:
    """A phrase of several uncommon words passes."""
    assert password_problem("lentils under a Minsk moon") is None


def test_the_login_form_accepts_the_longest_password(
    services: Services, client: TestClient
) -> None:
    """A password of MAX_PASSWORD characters can be set and then used to log in."""
    password = ("a long phrase, " * 30)[:MAX_PASSWORD]
    with services.db.unit_of_work() as uow:
        set_password(uow, "viewer@staff.example", password, actor="t", clock=services.clock)
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    data = {"email": "viewer@staff.example", "password": password, "csrf": csrf, "next": "/"}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_deactivating_ends_sessions_and_tokens(services: Services, client: TestClient) -> None:
    """A deactivated user's session no longer opens pages and its token is refused."""
    log_in(services, client, "viewer")
    headers = api_token(services, "viewer")
    with services.db.unit_of_work() as uow:
        set_active(uow, "viewer@staff.example", False, actor="admin", clock=services.clock)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/campaigns", headers=headers).status_code == 401


def test_the_last_admin_cannot_be_deactivated_or_demoted(
    services: Services, client: TestClient
) -> None:
    """The only active admin can be neither deactivated nor given another role."""
    with services.db.unit_of_work() as uow, pytest.raises(Conflict):
        set_active(uow, "admin@staff.example", False, actor="t", clock=services.clock)
    with services.db.unit_of_work() as uow, pytest.raises(Conflict):
        set_role(uow, "admin@staff.example", "viewer", actor="t", clock=services.clock)


def test_a_new_password_ends_sessions_and_is_audited(
    services: Services, client: TestClient
) -> None:
    """Changing a password deletes the user's sessions and records ``user.password``."""
    log_in(services, client, "reviewer")
    with services.db.unit_of_work() as uow:
        user = set_password(
            uow,
            "reviewer@staff.example",
            "a fresh long phrase",
            actor="admin",
            clock=services.clock,
        )
        assert not uow.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()
        actions = uow.scalars(select(AuditEntry.action)).all()
    assert "user.password" in actions


def test_a_weak_new_password_is_refused(services: Services, client: TestClient) -> None:
    """``set_password`` refuses a common password naming the field."""
    with services.db.unit_of_work() as uow, pytest.raises(InputError, match="password"):
        set_password(uow, "viewer@staff.example", "password1234", actor="t", clock=services.clock)


def test_a_revoked_token_stops_working(services: Services, client: TestClient) -> None:
    """After ``revoke_token`` the token is 401 and listed as revoked."""
    headers = api_token(services, "viewer")
    with services.db.unit_of_work() as uow:
        [row] = list_tokens(uow, "viewer@staff.example")
        revoke_token(uow, row.id, actor="admin", clock=services.clock)
    assert client.get("/api/campaigns", headers=headers).status_code == 401
    with services.db.unit_of_work(write=False) as uow:
        assert list_tokens(uow, "viewer@staff.example")[0].state(services.clock.now()) == "revoked"


def test_a_token_expires(services: Services, client: TestClient, clock: FixedClock) -> None:
    """A token issued for 90 days works on day 89 and is refused on day 91."""
    with services.db.unit_of_work() as uow:
        token = new_api_token(
            uow,
            "viewer@staff.example",
            label="ci",
            actor="t",
            clock=clock,
            expires_in=timedelta(days=90),
        )
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(timedelta(days=89))
    assert client.get("/api/campaigns", headers=headers).status_code == 200
    clock.advance(timedelta(days=2))
    assert client.get("/api/campaigns", headers=headers).status_code == 401


def test_a_used_token_says_when(services: Services, client: TestClient) -> None:
    """An API call notes the token's last use, shown by ``list_tokens``."""
    headers = api_token(services, "viewer")
    client.get("/api/campaigns", headers=headers)
    with services.db.unit_of_work(write=False) as uow:
        [row] = list_tokens(uow, "viewer@staff.example")
    assert row.last_used_at == services.clock.now()
