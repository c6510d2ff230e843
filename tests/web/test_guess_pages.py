"""The answers page says how each reply was matched and asks staff to confirm guesses."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from storage.tables import InboundMessage
from storage.tables import Response as Reply
from tests.helpers import load_examples, reach_milestone
from tests.responses.replies import import_reply, letters_by_key, reply
from tests.web.steps import log_in


@pytest.fixture
def guessed(services: Services) -> int:
    """A reply to a mistyped token, matched by a guess; its response id."""
    load_examples(services)
    reach_milestone(services)
    token = letters_by_key(services)["mfa-poland"].reply_token
    result = import_reply(services, reply(to=f"reply+{token[:5] + token[6:]}@x.example"))
    assert result.matched_by == "guess"
    return result.responses[0].id


def test_answers_page_marks_a_guess_and_offers_to_confirm_it(
    services: Services, client: TestClient, guessed: int
) -> None:
    """A reviewer sees 'guess: please confirm' and the confirm and reject buttons."""
    log_in(services, client, "reviewer")
    page = client.get("/responses").text
    assert "guess: please confirm" in page
    assert f"/responses/{guessed}/confirm" in page
    assert f"/responses/{guessed}/reject" in page


def test_confirming_a_guess_records_it(
    services: Services, client: TestClient, guessed: int
) -> None:
    """Confirm turns the match into 'confirmed'; the page then shows it as such."""
    csrf = log_in(services, client, "reviewer")
    answer = client.post(
        f"/responses/{guessed}/confirm", data={"csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(Reply, guessed).matched_by == "confirmed"
    assert "guess confirmed by staff" in client.get("/responses").text


def test_rejecting_a_guess_puts_the_message_back_in_the_pen(
    services: Services, client: TestClient, guessed: int
) -> None:
    """Reject removes the response and lists the message in the pen again."""
    csrf = log_in(services, client, "reviewer")
    answer = client.post(
        f"/responses/{guessed}/reject", data={"csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get(Reply, guessed) is None
        assert uow.scalars(select(InboundMessage.status)).all() == ["unmatched"]


def test_confirming_what_was_no_guess_is_refused_on_the_page(
    services: Services, client: TestClient, guessed: int
) -> None:
    """A second confirm (no longer a guess) answers 422 with the reason, nothing changed."""
    csrf = log_in(services, client, "reviewer")
    client.post(f"/responses/{guessed}/confirm", data={"csrf": csrf})
    again = client.post(f"/responses/{guessed}/confirm", data={"csrf": csrf})
    assert again.status_code == 422
    assert "not guessed" in again.text


def test_viewers_cannot_confirm(services: Services, client: TestClient, guessed: int) -> None:
    """Confirming needs the triage permission."""
    csrf = log_in(services, client, "viewer")
    answer = client.post(f"/responses/{guessed}/confirm", data={"csrf": csrf})
    assert answer.status_code == 403
