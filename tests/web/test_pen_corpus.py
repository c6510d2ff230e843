"""The holding pen and answers pages on the pathological corpus: no page fails, every held
message can be assigned."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bootstrap import Services
from responses.pen import STATUSES, pen
from storage.tables import Response
from tests.helpers import load_examples, reach_milestone
from tests.markers import SQLITE_ONLY
from tests.responses.corpus import corpus
from tests.responses.replies import import_reply, letters_by_key
from tests.responses.test_mime_fuzz import MESSAGES
from tests.web.steps import log_in

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


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


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(raws=st.lists(MESSAGES, min_size=15, max_size=15))
def test_pages_and_assign_survive_generated_mime_trees(
    services: Services, client: TestClient, raws: list[bytes]
) -> None:
    """Generated MIME trees in the pen: every view answers 200 and each message assigns."""
    if not letters_by_key(services):
        load_examples(services)
        reach_milestone(services)
    letter = letters_by_key(services)["mfa-latvia"].id
    held = [import_reply(services, raw).held_id for raw in raws]
    csrf = log_in(services, client, "reviewer")
    for view in ("to-sort", "apart", "all"):
        assert client.get("/responses/pen", params={"view": view}).status_code == 200
    for message in {h for h in held if h is not None}:
        answer = client.post(
            f"/responses/pen/{message}/assign", data={"csrf": csrf, "letter": str(letter)}
        )
        assert answer.status_code in {200, 422}, answer.text  # 422: it already answers it
    assert client.get("/responses").status_code == 200
