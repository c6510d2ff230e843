"""End to end in a real browser (Debian's Chromium driven by Playwright) against the app served
by uvicorn on a loopback port, with the delivery worker running beside it as under
``advocacy serve``: log in, review with the PDF preview, approve the batch, deliver, see the
deliveries, log an answer, download the report (CSV and PDF); and sort the holding pen.
"""

from __future__ import annotations

import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bootstrap import Services
from tests.markers import SQLITE_ONLY
from tests.web.steps import CAMPAIGN, PASSWORD, add_staff, rendered
from web import background
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.integration,
    SQLITE_ONLY,  # the pages do not depend on the database (tests.helpers)
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium: apt-get install chromium "
        "(scripts/system-deps.sh test installs it)",
    ),
]
SHOTS = Path(tempfile.gettempdir()) / "advocacy-screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(services: Services) -> Iterator[str]:
    """The app on a free loopback port (uvicorn in a thread) and the worker loop; its URL."""
    add_staff(services)
    rendered(services)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning")
    )
    stopping = threading.Event()
    threads = [
        threading.Thread(target=server.run, daemon=True),
        threading.Thread(
            target=background.worker_loop, args=(services, stopping, 0.2), daemon=True
        ),
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    stopping.set()
    for thread in threads:
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for the module's tests (a launch costs about a second of CPU); each test
    gets its own context, so no cookie or page state passes from one test to the next."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, served: str) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_review_approve_deliver_answer_and_report(page: object, services: Services) -> None:
    """A reviewer-and-campaigner day in the browser, from login to the downloaded report."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    page.get_by_label("Email").fill("admin@staff.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_role("link", name="Letter").first.click()
    preview = page.get_by_role("img", name="Page 1 of")
    expect(preview).to_be_visible()
    # The PNG is made by pdftoppm on first request: wait until the browser has decoded it.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 300", arg=preview.element_handle()
    )
    pdf = page.request.get(page.url + "/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.screenshot(path=str(SHOTS / "letter.png"), full_page=True)

    page.get_by_role("link", name="← Batch").click()
    # The example campaign has placeholder findings: the second confirmation is required.
    page.get_by_label("I have read the findings").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve all").click()
    expect(page.get_by_role("status")).to_contain_text("Approved 8 letters")

    page.goto(f"/campaigns/{CAMPAIGN}")
    page.get_by_role("button", name="Deliver approved letters").click()
    # As `advocacy deliver`: the European Parliament, without an email address, goes by post.
    expect(page.get_by_role("status")).to_have_text("Queued 8 approved letters for delivery.")
    deadline = time.monotonic() + 15
    while (
        time.monotonic() < deadline
        and page.get_by_role("cell", name="sent", exact=True).count() < 7
    ):
        time.sleep(0.3)
        page.reload()
    assert page.get_by_role("cell", name="sent", exact=True).count() >= 7
    page.screenshot(path=str(SHOTS / "campaign.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(SHOTS / "campaign-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Responses", exact=True).click()
    page.get_by_label("Addressee (registry key)").fill("mfa-lithuania")
    page.get_by_label("Stance").select_option("supportive")
    page.get_by_label("Summary (internal)").fill("Minister's letter: supports the call.")
    page.get_by_role("button", name="Log the answer").click()
    expect(page.get_by_role("status")).to_contain_text("The answer is logged")
    page.screenshot(path=str(SHOTS / "responses.png"), full_page=True)

    page.get_by_role("link", name="Reports", exact=True).click()
    page.locator(f"a[href='/reports/{CAMPAIGN}']").click()
    expect(page.get_by_role("cell", name="answered", exact=True)).to_have_count(1)
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text()
    assert "mfa-lithuania" in text
    assert "responded" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_holding_pen_assign_in_the_browser(page: object, services: Services) -> None:
    """A reviewer reads an unmatched reply in the pen and assigns it to an addressee."""
    from playwright.sync_api import Page, expect

    from tests.responses.replies import import_reply, reply

    assert isinstance(page, Page)
    import_reply(services, reply(body="The Ministry of Foreign Affairs supports the appeal."))
    page.goto("/login?next=/responses/pen")
    page.get_by_label("Email").fill("reviewer@staff.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Holding pen", level=1)).to_be_visible()
    page.get_by_text("Text of the message").click()
    expect(page.get_by_text("supports the appeal")).to_be_visible()
    page.screenshot(path=str(SHOTS / "pen.png"), full_page=True)
    page.get_by_label("Addressee (registry key)").fill("mfa-poland")
    page.get_by_role("button", name="Assign as the answer").click()
    expect(page.get_by_role("status")).to_contain_text("now an answer")
    expect(page.get_by_text("The holding pen is empty.")).to_be_visible()
