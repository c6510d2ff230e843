"""import_message: a reply finds its letter by token, by In-Reply-To, or by its sender."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bootstrap import Services
from recipients import registry
from responses.pen import pen
from storage.tables import Letter, Response
from tests.helpers import EXAMPLES, reach_milestone
from tests.responses.replies import import_reply, letters_by_key, reply

FCDO = "correspondence@fcdo.example"


def stored(s: Services) -> int:
    with s.db.unit_of_work(write=False) as uow:
        return uow.scalar(select(func.count()).select_from(Response)) or 0


def reply_address(s: Services, letter: Letter) -> str:
    return s.identities.reply_to(letter.reply_token)


def test_token_in_to_finds_the_letter(services: Services, letters: dict[str, Letter]) -> None:
    """A reply sent to the letter's reply+token address is matched to that letter."""
    result = import_reply(services, reply(to=reply_address(services, letters["mfa-poland"])))
    assert result.outcome == "stored"
    assert result.response is not None
    assert (result.response.letter_id, result.response.matched_by) == (
        letters["mfa-poland"].id,
        "token",
    )


def test_token_wins_over_in_reply_to(services: Services, letters: dict[str, Letter]) -> None:
    """When token and In-Reply-To disagree, the token decides."""
    raw = reply(
        to=reply_address(services, letters["mfa-poland"]),
        headers={"In-Reply-To": letters["mfa-latvia"].message_id},
    )
    result = import_reply(services, raw)
    assert result.response is not None
    assert result.response.letter_id == letters["mfa-poland"].id


def test_in_reply_to_finds_the_letter(services: Services, letters: dict[str, Letter]) -> None:
    """A reply naming our Message-ID in In-Reply-To is matched to that letter."""
    raw = reply(headers={"In-Reply-To": letters["mfa-latvia"].message_id})
    result = import_reply(services, raw)
    assert result.response is not None
    assert (result.response.letter_id, result.response.matched_by) == (
        letters["mfa-latvia"].id,
        "in-reply-to",
    )


def test_in_reply_to_wins_over_the_sender(services: Services, letters: dict[str, Letter]) -> None:
    """A known sender replying in another letter's thread is matched by the thread."""
    raw = reply(sender=FCDO, headers={"In-Reply-To": letters["mfa-latvia"].message_id})
    result = import_reply(services, raw)
    assert result.response is not None
    assert result.response.letter_id == letters["mfa-latvia"].id


def test_known_sender_finds_their_latest_letter(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A reply from an address in the registry goes to the newest letter to that addressee."""
    reach_milestone(services, 50_100)
    newest = letters_by_key(services)["uk-fcdo"]
    assert newest.id != letters["uk-fcdo"].id
    result = import_reply(services, reply(sender=f"FCDO Correspondence <{FCDO}>"))
    assert result.response is not None
    assert (result.response.letter_id, result.response.matched_by) == (newest.id, "sender")


def test_sender_matches_a_registry_address_with_capitals(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A registry address with capitals in its local part still recognises its sender."""
    [record] = [
        r for r in registry.read_file(EXAMPLES / "addressees-demo.csv") if r.key == "uk-fcdo"
    ]
    changed = type(record).model_validate(
        record.model_dump() | {"email": "Correspondence@fcdo.example"}
    )
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow, [changed], source_name="t", update=True, actor="t", clock=services.clock
        )
    result = import_reply(services, reply(sender="Correspondence@fcdo.example"))
    assert result.response is not None
    assert result.response.letter_id == letters["uk-fcdo"].id


def test_unknown_message_is_penned_not_stored(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A message with no token, no known thread and an unknown sender goes to the pen only."""
    assert import_reply(services, reply()).outcome == "unmatched"
    assert stored(services) == 0
    with services.db.unit_of_work(write=False) as uow:
        assert [m.status for m in pen(uow)] == ["unmatched"]


def test_mistyped_token_is_matched_as_a_guess(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A token one character off its letter's is matched, and recorded as a guess."""
    token = letters["mfa-poland"].reply_token
    typo = services.identities.reply_to(token[:-1] + ("0" if token[-1] != "0" else "1"))
    result = import_reply(services, reply(to=typo))
    assert result.response is not None
    assert (result.response.letter_id, result.response.matched_by) == (
        letters["mfa-poland"].id,
        "guess",
    )


def test_forged_token_far_from_every_letter_is_penned(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A token-shaped address near no stored token matches nothing."""
    forged = services.identities.reply_to("0123456789abcdef-0123456789")
    assert import_reply(services, reply(to=forged)).outcome == "unmatched"


def test_same_message_twice_is_a_duplicate(services: Services, letters: dict[str, Letter]) -> None:
    """Importing a message again changes nothing and says 'duplicate'."""
    raw = reply(to=reply_address(services, letters["mfa-poland"]))
    assert import_reply(services, raw).outcome == "stored"
    assert import_reply(services, raw).outcome == "duplicate"
    assert stored(services) == 1


def test_raw_message_is_kept(services: Services, letters: dict[str, Letter]) -> None:
    """The exact bytes of a stored reply are kept on disk beside the response."""
    raw = reply(to=reply_address(services, letters["mfa-poland"]))
    result = import_reply(services, raw)
    assert result.response is not None
    with open(result.response.raw_path, "rb") as kept:
        assert kept.read() == raw


@pytest.mark.parametrize(
    "header", [("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes")], ids=lambda h: h[0]
)
def test_auto_reply_is_an_acknowledgement(
    services: Services, letters: dict[str, Letter], header: tuple[str, str]
) -> None:
    """An automatic answer is stored as an acknowledgement, not as a response."""
    raw = reply(to=reply_address(services, letters["mfa-poland"]), headers=dict([header]))
    result = import_reply(services, raw)
    assert result.response is not None
    assert result.response.kind == "acknowledgement"


def test_human_reply_is_a_response(services: Services, letters: dict[str, Letter]) -> None:
    """A reply marked Auto-Submitted: no is a person's answer."""
    raw = reply(to=reply_address(services, letters["mfa-poland"]), headers={"Auto-Submitted": "no"})
    result = import_reply(services, raw)
    assert result.response is not None
    assert result.response.kind == "response"


def test_unreadable_date_is_stored_at_import_time(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A reply whose Date header cannot be parsed is still stored, dated when imported."""
    # Set as raw bytes: the email package will not write a Date it cannot parse.
    raw = b"Date: sometime next week\n" + reply(
        to=reply_address(services, letters["mfa-poland"]), date=None
    )
    result = import_reply(services, raw)
    assert result.response is not None
    assert result.response.received_at == services.clock.now()


def test_sender_with_an_empty_address_is_unmatched(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A From without an address is not taken for an addressee who has no email."""
    assert import_reply(services, reply(sender="Mail Delivery System <>")).outcome == "unmatched"


def test_a_date_in_the_future_is_not_believed(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A reply dated 2031 keeps its import time as received and the import says why."""
    to = reply_address(services, letters["mfa-poland"])
    result = import_reply(services, reply(to=to, date="Mon, 01 Dec 2031 10:00:00 +0000"))
    assert result.response is not None
    assert result.response.received_at == services.clock.now()
    assert any("lies in the future" in note for note in result.notes)


def test_a_date_before_the_letter_is_not_believed(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A reply dated before its letter was made keeps its import time and is flagged."""
    letter = letters["mfa-poland"]
    with services.db.unit_of_work() as uow:
        uow.get_one(Letter, letter.id).rendered_at = services.clock.now()
    to = reply_address(services, letter)
    result = import_reply(services, reply(to=to, date="Tue, 01 Jan 2008 10:00:00 +0000"))
    assert result.response is not None
    assert result.response.received_at == services.clock.now()
    assert any("before the letter it answers" in note for note in result.notes)
