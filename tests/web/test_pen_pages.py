"""The holding pen page: unmatched mail listed with its text, assigned to an addressee's letter
or a letter number, or ignored; by reviewers and campaigners, not viewers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from storage.tables import InboundMessage, Letter
from storage.tables import Response as Reply
from tests.helpers import load_examples, reach_milestone
from tests.markers import SQLITE_ONLY
from tests.responses.replies import import_reply, reply
from tests.web.steps import CAMPAIGN, log_in

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


@pytest.fixture
def penned(services: Services) -> int:
    """The example campaign's letters exist; one reply nobody can match waits in the pen."""
    load_examples(services)
    reach_milestone(services)
    body = "Dear colleagues, the Ministry has received your appeal and supports it."
    import_reply(services, reply(body=body))
    with services.db.unit_of_work(write=False) as uow:
        held = uow.scalars(select(InboundMessage)).one()
        assert held.status == "unmatched"
        return held.id


def _assign(client: TestClient, csrf: str, message: int, **form: str) -> object:
    return client.post(
        f"/responses/pen/{message}/assign", data={"csrf": csrf, **form}, follow_redirects=False
    )


def test_pen_lists_the_unmatched_message_with_its_text(
    services: Services, client: TestClient, penned: int
) -> None:
    """A viewer sees sender, subject and the start of the text, but no assign form."""
    log_in(services, client, "viewer")
    page = client.get("/responses/pen")
    assert page.status_code == 200
    assert "desk@elsewhere.example" in page.text
    assert "supports it" in page.text
    assert f"/responses/pen/{penned}/assign" not in page.text


@pytest.mark.parametrize("role", ["reviewer", "campaigner"])
def test_assign_by_addressee_makes_a_staff_matched_answer(
    services: Services, client: TestClient, penned: int, role: str
) -> None:
    """Reviewers and campaigners assign a message to the newest letter of an addressee."""
    csrf = log_in(services, client, role)
    assert f"/responses/pen/{penned}/assign" in client.get("/responses/pen").text
    response = _assign(client, csrf, penned, campaign=CAMPAIGN, addressee="mfa-poland")
    assert response.status_code == 303  # type: ignore[attr-defined]
    with services.db.unit_of_work(write=False) as uow:
        held = uow.get_one(InboundMessage, penned)
        answer = uow.get_one(Reply, held.response_id)
        assert (held.status, answer.matched_by) == ("assigned", "staff")
    assert "The holding pen is empty." in client.get("/responses/pen").text


def test_assign_by_letter_number(services: Services, client: TestClient, penned: int) -> None:
    """A letter number names the letter directly."""
    csrf = log_in(services, client, "reviewer")
    with services.db.unit_of_work(write=False) as uow:
        letter = uow.scalars(select(Letter).order_by(Letter.id.desc())).first()
        assert letter is not None
    assert _assign(client, csrf, penned, letter=str(letter.id)).status_code == 303  # type: ignore[attr-defined]
    with services.db.unit_of_work(write=False) as uow:
        answer = uow.scalars(select(Reply)).one()
        assert answer.letter_id == letter.id


def test_unknown_addressee_is_shown_and_nothing_stored(
    services: Services, client: TestClient, penned: int
) -> None:
    """A campaign with no letter to the addressee is refused on the page; the message stays."""
    csrf = log_in(services, client, "campaigner")
    response = _assign(client, csrf, penned, campaign=CAMPAIGN, addressee="nobody-at-all")
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert "nobody-at-all" in response.text  # type: ignore[attr-defined]
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(InboundMessage, penned).status == "unmatched"
        assert uow.scalars(select(Reply)).first() is None


def test_neither_letter_nor_addressee_is_refused(
    services: Services, client: TestClient, penned: int
) -> None:
    """Without a letter number or an addressee the form is shown again with the problem."""
    csrf = log_in(services, client, "reviewer")
    assert _assign(client, csrf, penned, campaign=CAMPAIGN).status_code == 422  # type: ignore[attr-defined]


def test_ignore_sets_the_message_aside(services: Services, client: TestClient, penned: int) -> None:
    """Ignored mail leaves the default list and shows under 'all'."""
    csrf = log_in(services, client, "campaigner")
    response = client.post(
        f"/responses/pen/{penned}/ignore", data={"csrf": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "The holding pen is empty." in client.get("/responses/pen").text
    assert "desk@elsewhere.example" in client.get("/responses/pen?all=true").text
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(InboundMessage, penned).status == "ignored"


def test_one_message_is_assigned_to_several_letters_from_the_form(
    services: Services, client: TestClient, penned: int
) -> None:
    """Two letter numbers in the field make one staff-matched response on each letter."""
    csrf = log_in(services, client, "reviewer")
    with services.db.unit_of_work(write=False) as uow:
        a, b = uow.scalars(select(Letter.id).order_by(Letter.id).limit(2)).all()
    assert _assign(client, csrf, penned, letter=f"{a}, {b}").status_code == 303  # type: ignore[attr-defined]
    with services.db.unit_of_work(write=False) as uow:
        made = uow.scalars(select(Reply).where(Reply.matched_by == "staff")).all()
        assert sorted(r.letter_id or 0 for r in made) == [a, b]


def test_a_word_in_the_letter_field_is_refused(
    services: Services, client: TestClient, penned: int
) -> None:
    """A letter field that is not numbers is shown back as a problem, nothing stored."""
    csrf = log_in(services, client, "reviewer")
    answer = _assign(client, csrf, penned, letter="12, twelve")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "is not a number" in answer.text  # type: ignore[attr-defined]
