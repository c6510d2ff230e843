"""The holding pen and answers pages on the pathological corpus: no page fails, every held
message can be assigned."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from responses.pen import STATUSES, pen
from storage.tables import Response
from tests.helpers import load_examples, reach_milestone
from tests.responses.corpus import corpus
from tests.responses.replies import import_reply, letters_by_key
from tests.web.steps import log_in


def test_pen_assign_and_pages_survive_the_corpus(services: Services, client: TestClient) -> None:
    """After the whole corpus: the pen and answers pages answer 200 and every held message
    can be assigned to a letter."""
    load_examples(services)
    reach_milestone(services)
    letters = letters_by_key(services)
    target = letters["mfa-poland"]
    to = services.identities.reply_to(target.reply_token)
    for case in corpus(to, target.message_id or ""):
        import_reply(services, case.raw)
    csrf = log_in(services, client, "reviewer")
    for view in ("to-sort", "apart", "done", "all"):
        assert client.get("/responses/pen", params={"view": view}).status_code == 200
    assert client.get("/responses").status_code == 200
    with services.db.unit_of_work(write=False) as uow:
        held = [m.id for m in pen(uow, status=("unmatched", "quarantined", "auto-reply", "bounce"))]
    letter = letters["mfa-latvia"].id
    for message in held:
        answer = client.post(
            f"/responses/pen/{message}/assign",
            data={"csrf": csrf, "letter": str(letter)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    with services.db.unit_of_work(write=False) as uow:
        assert len(uow.scalars(select(Response).where(Response.letter_id == letter)).all()) == len(
            held
        )
        assert {m.status for m in pen(uow, status=None)} <= set(STATUSES)
