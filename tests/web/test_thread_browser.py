"""The per-addressee history page in a real browser: from the campaign page to one addressee's
thread (letters, deliveries, the answer and the batch it is credited to), then classifying that
answer as only an acknowledgement."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from bootstrap import Services
from responses.manual_entry import Answer, log_answer
from tests.delivery.steps import approve_and_enqueue
from tests.web.steps import CAMPAIGN, PASSWORD
from tests.web.test_browser import browser, page, pytestmark, served  # noqa: F401  (shared fixtures)


def _delivered_and_answered(s: Services) -> None:
    approve_and_enqueue(s, 1)
    s.worker().drain_sync()
    s.clock.advance(timedelta(days=2))
    with s.db.unit_of_work() as uow:
        answer = Answer(CAMPAIGN, "mfa-lithuania", summary="We will reply in due course.")
        log_answer(uow, answer, actor="test", clock=s.clock)


def test_history_page_shows_the_thread_and_classifies(page: object, services: Services) -> None:  # noqa: F811
    """Staff open an addressee's history from the campaign page and reclassify its answer."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    # In a thread of its own: Playwright's loop runs in this one, and the drain runs its own.
    setup = threading.Thread(target=_delivered_and_answered, args=(services,))
    setup.start()
    setup.join(timeout=60)
    page.goto("/login")
    page.get_by_label("Email").fill("admin@staff.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/campaigns/{CAMPAIGN}")
    row = page.get_by_role("row").filter(has_text="Lithuania")
    row.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{CAMPAIGN}/addressees/mfa-lithuania$"))
    table = page.locator("#thread")
    expect(table.locator("tr.event-letter")).to_have_count(1)
    expect(table.locator("tr.event-delivery")).to_contain_text("sent")
    expect(table.locator("tr.event-answer")).to_contain_text("answers batch 1")
    expect(page.locator("#standing")).to_contain_text("responded")
    page.get_by_label("Answer or acknowledgement").select_option("acknowledgement")
    page.get_by_role("button", name="Classify").click()
    expect(page.get_by_role("status")).to_have_text("The answer is classified.")
    expect(page.locator("#standing")).to_contain_text("acknowledged")
    expect(page.locator("#thread tr.event-acknowledgement")).to_have_count(1)
