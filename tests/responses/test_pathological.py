"""Pathological inbound mail: every message imported without an exception, each where it belongs
(the web pages on the same corpus: tests/web/test_pen_corpus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap import Services
from responses.pen import assign, pen
from storage.tables import InboundMessage, Letter, Response
from tests.responses.corpus import Bad, corpus, huge
from tests.responses.replies import import_reply

NAMES = [case.name for case in corpus("reply+x@example.org", "<x@example.org>")]


def _corpus(s: Services, letters: dict[str, Letter]) -> list[Bad]:
    letter = letters["mfa-poland"]
    return corpus(s.identities.reply_to(letter.reply_token), letter.message_id or "")


@pytest.mark.parametrize("name", NAMES)
def test_pathological_message_lands_where_expected(
    services: Services, letters: dict[str, Letter], name: str
) -> None:
    """The message imports without an exception and lands as its case says."""
    [case] = [c for c in _corpus(services, letters) if c.name == name]
    result = import_reply(services, case.raw)
    assert result.outcome == case.outcome, result.describe()
    assert case.reason in result.reason, result.describe()
    if case.kind:
        assert [r.kind for r in result.responses] == [case.kind]
        assert [r.letter_id for r in result.responses] == [letters["mfa-poland"].id]


def test_charset_fallback_is_recorded(services: Services, letters: dict[str, Letter]) -> None:
    """An unknown charset is read as UTF-8 and the decision is kept with the message."""
    [case] = [c for c in _corpus(services, letters) if c.name == "unknown charset"]
    result = import_reply(services, case.raw)
    with services.db.unit_of_work(write=False) as uow:
        held = uow.get_one(InboundMessage, result.held_id)
        assert "unknown charset 'x-no-such-charset': read as UTF-8" in held.reason
        assert uow.get_one(Response, result.responses[0].id).summary == "Дзякуй"


def test_8bit_header_names_are_readable(services: Services, letters: dict[str, Letter]) -> None:
    """Raw UTF-8 and Latin-1 bytes in headers are shown as the names they are."""
    for case in _corpus(services, letters):
        if case.name.startswith("8-bit"):
            import_reply(services, case.raw)
    with services.db.unit_of_work(write=False) as uow:
        senders = {m.sender for m in pen(uow)}
    assert senders == {"Ірына Ціханоўская <i@x.example>", "Hélène <h@x.example>"}


def test_unmatched_auto_replies_are_kept_apart(
    services: Services, letters: dict[str, Letter]
) -> None:
    """Out-of-office notices nobody matched are not in the mail staff must sort."""
    for case in _corpus(services, letters):
        if case.name.startswith("unmatched ooo"):
            import_reply(services, case.raw)
    with services.db.unit_of_work(write=False) as uow:
        assert pen(uow) == []
        assert len(pen(uow, status="auto-reply")) == 12


def test_30mb_reply_is_kept_raw_quarantined_and_assignable(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A reply over the 25 MB limit is stored byte for byte, quarantined, and staff can assign
    it; it is never parsed."""
    letter = letters["mfa-poland"]
    raw = huge(services.identities.reply_to(letter.reply_token), 30)
    result = import_reply(services, raw)
    assert (result.outcome, result.reason.split(" (")[0]) == (
        "quarantined",
        "larger than the limit of 26,214,400 bytes",
    )
    with services.db.unit_of_work() as uow:
        held = uow.get_one(InboundMessage, result.held_id)
        assert Path(held.raw_path).stat().st_size == len(raw)
        [made] = assign(uow, held.id, letter_ids=[letter.id], actor="test", clock=services.clock)
        assert (made.letter_id, made.matched_by) == (letter.id, "staff")
