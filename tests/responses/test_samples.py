"""Real-shaped messages (people, Outlook and Gmail out-of-office, a bounce) land right."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bootstrap import Services
from responses.inbound import import_message
from responses.pen import APART, TO_SORT, pen
from storage.tables import Letter
from tests.responses.replies import import_reply, raw_dir
from tests.responses.samples import Case, mailbag


def _check(s: Services, letters: dict[str, Letter], case: Case) -> None:
    result = import_reply(s, case.raw)
    assert result.outcome == case.outcome, case.name
    if case.outcome == "stored":
        assert result.response is not None
        keys = {letter.id: key for key, letter in letters.items()}
        assert (result.response.kind, result.response.matched_by) == (case.kind, case.matched_by)
        assert keys[result.response.letter_id or 0] == case.addressee, case.name


def test_each_shape_lands_where_it_belongs(services: Services, letters: dict[str, Letter]) -> None:
    """Every message of the mailbag is stored, acknowledged, bounced or penned as it should be."""
    for case in mailbag(services.identities, letters):
        _check(services, letters, case)


def test_pen_shows_the_unknown_sender_and_the_bounce(
    services: Services, letters: dict[str, Letter]
) -> None:
    """After the mailbag, the pen holds the unknown sender (unmatched) and the bounce apart."""
    for case in mailbag(services.identities, letters):
        import_reply(services, case.raw)
    with services.db.unit_of_work(write=False) as uow:
        held = [(m.status, m.sender) for m in pen(uow, status=TO_SORT + APART)]
    assert ("unmatched", "Someone <someone@unknown.example>") in held
    assert [status for status, _ in held].count("bounce") == 1
    assert len(held) == 2


def test_html_reply_summary_has_text_and_no_script(
    services: Services, letters: dict[str, Letter]
) -> None:
    """An HTML-only answer is summarised as its text, without style or script content."""
    [case] = [c for c in mailbag(services.identities, letters) if c.name == "html-only reply"]
    result = import_reply(services, case.raw)
    assert result.response is not None
    assert result.response.summary == "We share your concern. The minister will raise it."


def test_bounce_handler_takes_the_bounce(services: Services, letters: dict[str, Letter]) -> None:
    """A bounce the wired handler accepts is recorded as bounced, not left for staff."""
    [case] = [c for c in mailbag(services.identities, letters) if c.name == "dsn bounce"]
    handled: list[bytes] = []

    def handler(uow: Session, raw: bytes) -> bool:
        handled.append(raw)
        return True

    with services.db.unit_of_work() as uow:
        result = import_message(
            uow,
            case.raw,
            identities=services.identities,
            raw_dir=raw_dir(services),
            actor="test",
            clock=services.clock,
            bounces=handler,
        )
        assert (result.outcome, pen(uow, status=TO_SORT + APART)) == ("bounce", [])
        assert [m.status for m in pen(uow, status="bounced")] == ["bounced"]
    assert handled == [case.raw]
