"""Rendering a letter again from the review desk: offered for rejected and stale letters, a new
revision awaiting approval, refusals shown on the letter page; and what the page says about
where the current revision came from."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

import bootstrap
from campaigns.appeal import Appeal, load_appeal
from campaigns.store import get_campaign, update_campaign
from delivery.memory import MemoryTransport
from delivery.outbox import enqueue
from review import queue
from review.stale import current_revision
from settings import ROOT, Settings
from storage.tables import Letter
from tests.helpers import APPEAL, set_signatures
from tests.markers import SQLITE_ONLY
from tests.web.steps import CAMPAIGN, add_staff, log_in, rendered
from timeutil import Clock
from web.app import create_app

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

FORM = re.compile(r'action="/review/letters/\d+/rerender"')


def _letter(s: bootstrap.Services) -> int:
    batch = rendered(s)
    with s.db.unit_of_work(write=False) as uow:
        return int(uow.scalars(select(Letter.id).where(Letter.batch_id == batch)).first() or 0)


def _reject(s: bootstrap.Services, letter: int, comment: str = "wrong salutation") -> None:
    with s.db.unit_of_work() as uow:
        queue.reject(uow, [letter], reviewer="viewer@staff.example", comment=comment, clock=s.clock)


def _new_appeal_version(s: bootstrap.Services) -> None:
    data = load_appeal(APPEAL).model_dump()
    data["texts"]["en"]["demands"][-1] = "A demand reworded after review."
    with s.db.unit_of_work() as uow:
        update_campaign(uow, Appeal.model_validate(data), actor="t", clock=s.clock)


def _status(s: bootstrap.Services, letter: int) -> tuple[str, int]:
    with s.db.unit_of_work(write=False) as uow:
        return uow.get_one(Letter, letter).status, current_revision(uow, letter)


def test_a_fresh_letter_is_not_offered_for_rendering_again(
    services: bootstrap.Services, client: TestClient
) -> None:
    """A letter just rendered and awaiting review shows no Render again form."""
    letter = _letter(services)
    log_in(services, client, "reviewer")
    assert not FORM.search(client.get(f"/review/letters/{letter}").text)


def test_a_rejected_letter_shows_why_and_offers_rendering_again(
    services: bootstrap.Services, client: TestClient
) -> None:
    """After a rejection the letter page quotes the comment and offers revision 2."""
    letter = _letter(services)
    _reject(services, letter)
    log_in(services, client, "reviewer")
    html = client.get(f"/review/letters/{letter}").text
    assert "Revision 1 was rejected by viewer@staff.example" in html
    assert "wrong salutation" in html
    assert FORM.search(html)
    assert "Render again as revision 2" in html


def test_rendering_again_makes_a_new_revision_awaiting_approval(
    services: bootstrap.Services, client: TestClient
) -> None:
    """The form renders revision 2 as the logged-in reviewer and lands on the letter again."""
    letter = _letter(services)
    _reject(services, letter)
    csrf = log_in(services, client, "reviewer")
    response = client.post(f"/review/letters/{letter}/rerender", data={"csrf": csrf})
    assert response.status_code == 200
    assert str(response.url).startswith(f"http://testserver/review/letters/{letter}?")
    assert "Rendered again as revision 2; it awaits approval." in response.text
    assert "by reviewer@staff.example" in response.text
    assert "revision 2 · awaiting review" in response.text
    assert _status(services, letter) == ("review", 2)


def test_a_stale_letter_says_which_appeal_version_it_was_rendered_from(
    services: bootstrap.Services, client: TestClient
) -> None:
    """After the appeal changes, the page names both versions and offers rendering again."""
    letter = _letter(services)
    _new_appeal_version(services)
    log_in(services, client, "reviewer")
    html = client.get(f"/review/letters/{letter}").text
    assert "rendered from appeal version 1; the appeal is now version 2" in html
    assert "It was rendered from appeal version 1 and quotes 15,240 signatures." in html
    assert FORM.search(html)


def test_rendering_a_letter_of_an_older_appeal_again_makes_it_current(
    services: bootstrap.Services, client: TestClient
) -> None:
    """Revision 2 is rendered from appeal version 2: the page no longer calls it stale."""
    letter = _letter(services)
    _new_appeal_version(services)
    csrf = log_in(services, client, "reviewer")
    html = client.post(f"/review/letters/{letter}/rerender", data={"csrf": csrf}).text
    assert "It was rendered from appeal version 2" in html
    assert "This letter is stale" not in html
    assert not FORM.search(html)


def test_a_letter_stale_only_by_the_count_is_not_offered(
    services: bootstrap.Services, client: TestClient
) -> None:
    """Rendering again keeps the batch's count, so the page says so instead of a form."""
    letter = _letter(services)
    set_signatures(services, 19_800)
    log_in(services, client, "reviewer")
    html = client.get(f"/review/letters/{letter}").text
    assert "quotes 15,240 signatures; the newest count is 19,800" in html
    assert "would quote this batch&#39;s count (15,240) again" in html
    assert not FORM.search(html)


def test_a_viewer_is_not_offered_the_form(services: bootstrap.Services, client: TestClient) -> None:
    """Only reviewers see Render again; a viewer sees why the letter is stale, nothing more."""
    letter = _letter(services)
    _new_appeal_version(services)
    log_in(services, client, "viewer")
    html = client.get(f"/review/letters/{letter}").text
    assert "the appeal is now version 2" in html
    assert not FORM.search(html)
    assert "would quote this batch" not in html


def test_a_letter_in_the_outbox_is_refused_on_its_page(
    services: bootstrap.Services, client: TestClient
) -> None:
    """A queued letter keeps its bytes: 409 on the letter page, which no longer offers the form."""
    letter = _letter(services)
    with services.db.unit_of_work() as uow:
        services.approvals.approve(uow, [letter], reviewer="viewer@staff.example")
        enqueue(uow, get_campaign(uow, CAMPAIGN), actor="t", clock=services.clock)
    _new_appeal_version(services)
    csrf = log_in(services, client, "reviewer")
    response = client.post(f"/review/letters/{letter}/rerender", data={"csrf": csrf})
    assert response.status_code == 409
    assert "already in the outbox; it cannot be re-rendered" in response.text
    assert not FORM.search(response.text)
    assert _status(services, letter) == ("approved", 1)


def _broken_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    page = folder / "letter" / "letter.html.j2"
    page.write_text(page.read_text().replace("{{ line }}", "{{ lnie }}", 1))
    return folder


def test_a_template_error_is_shown_on_the_letter_page(
    services: bootstrap.Services, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    """A broken template gives 422 on the letter page naming the template and the error, not
    a 500; the letter is left unrendered with its old revision."""
    letter = _letter(services)
    _reject(services, letter)
    broken = settings.model_copy(update={"templates_dir": _broken_templates(tmp_path)})
    other = bootstrap.build(broken, clock=clock, transport=MemoryTransport())
    try:
        add_staff(other)
        with TestClient(create_app(other), base_url="http://testserver") as client:
            csrf = log_in(other, client, "reviewer")
            response = client.post(f"/review/letters/{letter}/rerender", data={"csrf": csrf})
    finally:
        other.close()
    assert response.status_code == 422
    assert re.search(
        r"could not be rendered again: letter.html.j2:\d+: &#39;lnie&#39; is undefined",
        response.text,
    )
    assert FORM.search(response.text)  # to try again once the template is fixed
    assert _status(services, letter) == ("pending", 1)
