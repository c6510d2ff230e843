"""The scheduler's render job: a batch that cannot be rendered is shown, and holds up no other."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import bootstrap
import jobs
from campaigns.appeal import load_appeal
from campaigns.store import create_campaign
from delivery.memory import MemoryTransport
from review.render_failures import ACTION, failing_batches
from settings import ROOT, Settings
from storage.tables import AuditEntry, Letter
from tests.helpers import APPEAL, load_examples, reach_milestone, set_signatures
from tests.markers import SQLITE_ONLY
from tests.web.steps import add_staff, log_in
from timeutil import Clock
from web.app import create_app

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

BROKEN = "broken-appeal"


@pytest.fixture
def two(settings: Settings, clock: Clock, tmp_path: Path) -> Iterator[bootstrap.Services]:
    """The example campaign's batch, and a second campaign's batch whose template set has a
    misspelt variable; both fired, neither rendered."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    broken = templates / "broken"
    shutil.copytree(templates / "letter", broken)
    page = broken / "letter.html.j2"
    page.write_text(page.read_text().replace("{{ line }}", "{{ lnie }}", 1))
    s = bootstrap.build(
        settings.model_copy(update={"templates_dir": templates}),
        clock=clock,
        transport=MemoryTransport(),
    )
    s.migrate()
    load_examples(s)
    with s.db.unit_of_work() as uow:
        appeal = load_appeal(APPEAL).model_copy(update={"key": BROKEN, "template": "broken"})
        create_campaign(uow, appeal, actor="test", clock=s.clock)
    set_signatures(s, 15_240, campaign=BROKEN)  # the broken campaign's batch comes first
    reach_milestone(s)
    try:
        yield s
    finally:
        s.close()


def _pending(s: bootstrap.Services) -> int:
    with s.db.unit_of_work(write=False) as uow:
        return int(uow.scalar(select(func.count()).where(Letter.status == "pending")) or 0)


def test_a_broken_batch_is_recorded_and_the_other_still_renders(two: bootstrap.Services) -> None:
    """The job renders the good campaign's 8 letters past the broken one and records the
    failure with the template and line; nothing of the broken batch is stored."""
    assert jobs.render_pending(two) == 8
    with two.db.unit_of_work(write=False) as uow:
        (failed,) = failing_batches(uow)
    assert failed.campaign_key == BROKEN
    assert failed.pending == 8
    assert "letter.html.j2:" in failed.message
    assert "'lnie' is undefined" in failed.message
    assert _pending(two) == 8  # the broken batch's letters only


def test_the_same_failure_is_recorded_once(two: bootstrap.Services) -> None:
    """Every scheduler pass retries; the audit log gets the failure once, not once a pass."""
    jobs.render_pending(two)
    jobs.render_pending(two)
    with two.db.unit_of_work(write=False) as uow:
        count = uow.scalar(select(func.count()).where(AuditEntry.action == ACTION))
    assert count == 1


def test_the_dashboard_shows_the_failing_batch(two: bootstrap.Services) -> None:
    """Staff see the batch, its campaign and the error on the dashboard."""
    jobs.render_pending(two)
    add_staff(two)
    with TestClient(create_app(two), base_url="http://testserver") as client:
        log_in(two, client, "viewer")
        page = client.get("/").text
    assert "Batches that could not be rendered" in page
    assert "&#39;lnie&#39; is undefined" in page
    assert f"/campaigns/{BROKEN}" in page
