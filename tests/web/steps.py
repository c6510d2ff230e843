"""Steps the web tests share: staff users of each role, a logged-in client, a rendered batch."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from bootstrap import Services
from storage.tables import User
from tests.documents import stand_in_render
from tests.helpers import load_examples, reach_milestone
from web.accounts import new_api_token, open_session
from web.guard import SESSION_COOKIE

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "campaigner", "reviewer", "viewer")
CAMPAIGN = "derecognise-lukashenka"


@cache
def password_hash() -> str:
    """One argon2 hash for every test user: hashing per user would cost 50 ms each."""
    return PasswordHasher().hash(PASSWORD)


def add_staff(s: Services) -> None:
    """One user per role, ``<role>@staff.example`` with ``PASSWORD``."""
    with s.db.unit_of_work() as uow:
        for role in ROLES:
            uow.add(
                User(
                    email=f"{role}@staff.example",
                    password_hash=password_hash(),
                    role=role,
                    created_at=s.clock.now(),
                )
            )


def log_in(s: Services, client: TestClient, role: str) -> str:
    """Give the client a session as ``<role>@staff.example``; return its CSRF token."""
    with s.db.unit_of_work() as uow:
        user = uow.query(User).filter_by(email=f"{role}@staff.example").one()
        token = open_session(uow, user, clock=s.clock, lifetime=timedelta(hours=1))
    client.cookies.set(SESSION_COOKIE, token)
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found[1]


def api_token(s: Services, role: str) -> dict[str, str]:
    with s.db.unit_of_work() as uow:
        token = new_api_token(uow, f"{role}@staff.example", label="test", actor="t", clock=s.clock)
    return {"Authorization": f"Bearer {token}"}


def rendered(s: Services) -> int:
    """The example registry and appeal, the 15,000 milestone fired, its letters rendered
    (stand-in PDFs: ``tests.documents``); return the batch id (8 letters awaiting review)."""
    load_examples(s)
    batch = reach_milestone(s)
    stand_in_render(s, batch)
    return batch
