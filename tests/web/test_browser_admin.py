"""The admin page in a real browser (Debian's Chromium driven by Playwright) against the app
served by uvicorn on a loopback port: an admin adds an account, changes its role, issues it
an expiring API token, revokes the token and deactivates the account."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bootstrap import Services
from tests.markers import SQLITE_ONLY
from tests.web.steps import PASSWORD, add_staff
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.integration,
    SQLITE_ONLY,  # the pages do not depend on the database (tests.helpers)
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium: apt-get install chromium",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(services: Services) -> Iterator[str]:
    """The app on a free loopback port (uvicorn in a thread); its URL."""
    add_staff(services)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_admin_manages_accounts_and_tokens(served: str, services: Services) -> None:
    """Add an account, make it a campaigner, issue and revoke its token, deactivate it."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(base_url=served).new_page()
        page.goto("/login")
        page.get_by_label("Email").fill("admin@staff.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Admin").click()
        expect(page.get_by_role("heading", name="Staff and API tokens")).to_be_visible()

        form = page.locator("#add-user")
        form.get_by_label("Email").fill("dana@staff.example")
        form.get_by_label("Role").select_option("viewer")
        form.get_by_label("Password").fill("a walk along the Svislach")
        form.get_by_role("button", name="Add").click()
        expect(page.get_by_role("status")).to_have_text("Account added.")

        row = page.locator('tr[data-email="dana@staff.example"]')
        row.get_by_label("Role").select_option("campaigner")
        row.get_by_role("button", name="Set role").click()
        expect(page.get_by_role("status")).to_have_text("Account changed.")

        issue = page.locator("#issue-token")
        issue.get_by_label("Email").select_option("dana@staff.example")
        issue.get_by_label("Label").fill("petition platform")
        issue.get_by_label("Expires in days (0: never)").fill("90")
        issue.get_by_role("button", name="Issue").click()
        expect(page.locator("#new-token")).to_have_text(re.compile(r"^adv_"))
        token = page.locator("#new-token").inner_text()
        api = page.request.get("/api/campaigns", headers={"Authorization": f"Bearer {token}"})
        assert api.status == 200

        token_row = page.locator("#tokens tr", has_text="petition platform")
        expect(token_row.locator(".state")).to_have_text("active")
        token_row.get_by_role("button", name="Revoke").click()
        expect(
            page.locator("#tokens tr", has_text="petition platform").locator(".state")
        ).to_have_text("revoked")
        api = page.request.get("/api/campaigns", headers={"Authorization": f"Bearer {token}"})
        assert api.status == 401

        page.locator('tr[data-email="dana@staff.example"]').get_by_role(
            "button", name="Deactivate"
        ).click()
        expect(page.locator('tr[data-email="dana@staff.example"]')).to_have_class("muted")
        browser.close()
