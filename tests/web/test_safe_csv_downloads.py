"""The web's CSV downloads (report, post manifest) neutralise cells starting with '='."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from responses.manual_entry import Answer, log_answer
from storage.tables import Addressee
from tests.helpers import load_examples, reach_milestone
from tests.web.steps import CAMPAIGN, log_in
from tests.web.test_outbox_handwork import PARLIAMENT, printed, queued

FORMULA = '=HYPERLINK("http://attacker.example","click")'


def test_report_csv_neutralises_a_reply_summary(services: Services, client: TestClient) -> None:
    """/reports/<key>.csv writes a reply summary that starts with '=' as text."""
    load_examples(services)
    reach_milestone(services)
    with services.db.unit_of_work() as uow:
        answer = Answer(CAMPAIGN, "mfa-lithuania", "response", "letter", "supportive", FORMULA, "")
        log_answer(uow, answer, actor="test", clock=services.clock)
    log_in(services, client, "viewer")
    rows = list(csv.DictReader(io.StringIO(client.get(f"/reports/{CAMPAIGN}.csv").text)))
    (lithuania,) = [r for r in rows if r["addressee_key"] == "mfa-lithuania"]
    assert lithuania["summary"] == "'" + FORMULA


def test_post_manifest_neutralises_a_name(services: Services, client: TestClient) -> None:
    """The print batch's CSV manifest writes an addressee name starting with '=' as text."""
    batch = queued(services)
    with services.db.unit_of_work() as uow:
        uow.scalars(select(Addressee).where(Addressee.key == PARLIAMENT)).one().name = FORMULA
    printed(services, client, batch)
    manifest = csv.DictReader(io.StringIO(client.get(f"/outbox/batches/{batch}/post.csv").text))
    assert [m["name"] for m in manifest] == ["'" + FORMULA]
