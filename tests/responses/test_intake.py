"""Idempotent imports, one reply for several letters, staff attaching and judging guesses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bootstrap import Services
from errors import InputError
from responses.guesses import confirm_guess, reject_guess
from responses.pen import assign, pen
from storage.tables import AuditEntry, ChannelCheck, Delivery, Document, InboundMessage, Letter
from storage.tables import Response as Reply
from tests.responses.replies import import_reply, reply
from tests.responses.samples import dsn_bounce


def _count(s: Services, model: type, *where: object) -> int:
    with s.db.unit_of_work(write=False) as uow:
        return int(uow.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _sent_delivery(s: Services, letter: Letter) -> int:
    """A delivery of ``letter`` already sent (rows only: nothing rendered)."""
    now = datetime(2021, 9, 10, tzinfo=UTC)
    with s.db.unit_of_work() as uow:
        document = Document(
            letter_id=letter.id,
            format="email",
            path="x.eml",
            media_type="message/rfc822",
            sha256="0" * 64,
            size=1,
            created_at=now,
        )
        uow.add(document)
        uow.flush()
        delivery = Delivery(
            letter_id=letter.id,
            document_id=document.id,
            channel="email",
            recipient="nobody@mfa.example",
            state="sent",
            next_attempt_at=now,
            message_id="<sent-1@advocacy.example>",
            sha256="0" * 64,
            created_at=now,
            finished_at=now,
        )
        uow.add(delivery)
        uow.flush()
        return delivery.id


def test_reimporting_a_bounce_changes_nothing(
    services: Services, letters: dict[str, Letter]
) -> None:
    """The same bounce twice: one channel check, one audit entry; the second is a duplicate."""
    delivery = _sent_delivery(services, letters["mfa-poland"])
    raw = dsn_bounce("nobody@mfa.example", "<sent-1@advocacy.example>").replace(
        b"bounce+1@replies.advocacy.example", services.identities.bounce_address(delivery).encode()
    )
    intake = services.intake()
    assert [intake(raw).outcome, intake(raw).outcome] == ["bounce", "duplicate"]
    assert _count(services, ChannelCheck) == 1
    assert _count(services, AuditEntry, AuditEntry.action == "delivery.bounced") == 1


def test_same_bytes_twice_are_one_message(services: Services, letters: dict[str, Letter]) -> None:
    """A message imported again (same Message-ID, same bytes) is a duplicate."""
    raw = reply()
    assert [import_reply(services, raw).outcome for _ in range(2)] == ["unmatched", "duplicate"]


def test_distinct_messages_sharing_a_message_id_are_both_kept(
    services: Services, letters: dict[str, Letter]
) -> None:
    """Two different messages under one Message-ID are two messages, not a duplicate."""
    first, second = (
        re.sub(rb"Message-ID: <[^>]+>", b"Message-ID: <shared@mfa.example>", reply(body=body))
        for body in ("First answer.", "Second answer.")
    )
    assert [import_reply(services, r).outcome for r in (first, second)] == ["unmatched"] * 2


def test_reply_quoting_three_tokens_answers_three_letters(
    services: Services, letters: dict[str, Letter]
) -> None:
    """One answer quoting the reply addresses of three letters is a response on each."""
    keys = ["mfa-poland", "mfa-latvia", "mfa-lithuania"]
    quoted = "\n".join(
        f"> Reply-To: {services.identities.reply_to(letters[k].reply_token)}" for k in keys
    )
    result = import_reply(services, reply(body=f"We answer all three appeals.\n\n{quoted}"))
    assert (result.outcome, result.matched_by, list(result.addressees)) == ("stored", "token", keys)


def test_staff_attach_one_message_to_several_letters(
    services: Services, letters: dict[str, Letter]
) -> None:
    """Assigning a penned message to two letters makes two staff-matched responses."""
    held = import_reply(services, reply()).held_id
    ids = [letters["mfa-poland"].id, letters["mfa-latvia"].id]
    with services.db.unit_of_work() as uow:
        made = assign(uow, held or 0, letter_ids=ids, actor="staff", clock=services.clock)
        assert [(r.letter_id, r.matched_by) for r in made] == [(i, "staff") for i in ids]


def test_attaching_a_message_twice_to_one_letter_is_refused(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A letter the message already answers is refused, nothing stored."""
    held = import_reply(services, reply()).held_id or 0
    letter = letters["mfa-poland"].id
    with services.db.unit_of_work() as uow:
        assign(uow, held, letter_ids=[letter], actor="staff", clock=services.clock)
    with (
        pytest.raises(InputError, match="already answers letter"),
        services.db.unit_of_work() as uow,
    ):
        assign(uow, held, letter_ids=[letter], actor="staff", clock=services.clock)


def _guessed(s: Services, letters: dict[str, Letter]) -> int:
    token = letters["mfa-poland"].reply_token
    result = import_reply(s, reply(to=f"reply+{token[:5] + token[6:]}@x.example"))
    assert result.matched_by == "guess"
    return result.responses[0].id


def test_confirmed_guess_says_so(services: Services, letters: dict[str, Letter]) -> None:
    """Staff confirming a guess turn ``guess`` into ``confirmed``."""
    response = _guessed(services, letters)
    with services.db.unit_of_work() as uow:
        confirm_guess(uow, response, actor="staff", clock=services.clock)
    assert _count(services, Reply, Reply.matched_by == "confirmed") == 1


def test_rejected_guess_goes_back_to_the_pen(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A rejected guess removes the response and puts its message back for staff to sort."""
    response = _guessed(services, letters)
    with services.db.unit_of_work() as uow:
        reject_guess(uow, response, actor="staff", clock=services.clock)
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get(Reply, response) is None
        assert [m.status for m in pen(uow)] == ["unmatched"]
    assert _count(services, InboundMessage) == 1


def test_second_copy_by_another_route_answers_its_letter_once(
    services: Services, letters: dict[str, Letter]
) -> None:
    """A copy with an extra Received line (other bytes, same Message-ID) is kept, not a
    second answer."""
    raw = reply(to=services.identities.reply_to(letters["mfa-poland"].reply_token))
    copy = b"Received: from relay.mfa.example by mx; Mon, 13 Sep 2021\r\n" + raw
    assert [import_reply(services, r).outcome for r in (raw, copy)] == ["stored", "duplicate"]
    assert (_count(services, Reply), _count(services, InboundMessage)) == (1, 2)


def test_crlf_copy_of_a_message_is_the_same_message(
    services: Services, letters: dict[str, Letter]
) -> None:
    """The same message with CRLF line ends (as IMAP returns it) is a duplicate."""
    raw = reply().replace(b"\r\n", b"\n")
    crlf = raw.replace(b"\n", b"\r\n")
    assert [import_reply(services, r).outcome for r in (raw, crlf)] == ["unmatched", "duplicate"]


def test_stored_reply_is_audited_with_its_rule(
    services: Services, letters: dict[str, Letter]
) -> None:
    """Each response an import makes has its audit entry: letter, rule and kind."""
    result = import_reply(
        services, reply(to=services.identities.reply_to(letters["mfa-poland"].reply_token))
    )
    with services.db.unit_of_work(write=False) as uow:
        [entry] = uow.scalars(
            select(AuditEntry).where(AuditEntry.subject == f"response:{result.responses[0].id}")
        ).all()
        assert (entry.action, entry.details["matched_by"], entry.details["kind"]) == (
            "response.import",
            "token",
            "response",
        )
        assert entry.details["letter"] == letters["mfa-poland"].id
