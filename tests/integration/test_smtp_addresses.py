"""Real SMTP (aiosmtpd) against the address and connection faults real mail systems produce:
IDN domains, non-ASCII local parts with and without SMTPUTF8, 550 at RCPT, a connection lost
after DATA."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

import bootstrap
from settings import Settings
from storage.tables import ChannelCheck
from tests.delivery.builders import email_rows
from tests.delivery.steps import deliveries
from tests.integration.test_smtp import Received, free_port, smtp_services
from timeutil import FixedClock

pytestmark = pytest.mark.integration

IDN = "mfa@münchen-mfa.example"
IDN_ASCII = "mfa@xn--mnchen-mfa-9db.example"
UTF8_LOCAL = "андрей@мид.example"


class Faults:
    """Accepts mail; refuses ``-x@`` at RCPT with 550; drops the first DATA of ``drop-@``."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.data_commands = 0
        self.dropped = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if "-x@" in address:
            return "550 5.1.1 No such desk here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_commands += 1
        if envelope.rcpt_tos[0].startswith("drop-") and not self.dropped:
            self.dropped = True
            server.transport.close()  # the message is in; our "250" never reaches the sender
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Accepted"


def start(handler: Faults, *, smtputf8: bool) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return controller, port


@pytest.fixture(params=[False, True], ids=["plain-server", "smtputf8-server"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[Faults, int, bool]]:
    handler = Faults()
    controller, port = start(handler, smtputf8=request.param)
    try:
        yield handler, port, request.param
    finally:
        controller.stop()


@pytest.fixture
def smtp(
    settings: Settings, clock: FixedClock, server: tuple[Faults, int, bool]
) -> Iterator[bootstrap.Services]:
    built = smtp_services(settings, clock, server[1])
    yield built
    built.close()


def test_idn_and_non_ascii_rows_are_each_settled_in_one_pass(
    smtp: bootstrap.Services, server: tuple[Faults, int, bool]
) -> None:
    """IDN domains go out as xn--; a non-ASCII local part is sent only over SMTPUTF8, else it
    fails alone with a clear reason; the plain row is sent either way; nothing stays sending."""
    handler, _, smtputf8 = server
    email_rows(smtp, ["desk@mfa.example", IDN, IDN_ASCII, UTF8_LOCAL])
    smtp.worker().drain_sync()
    rows = {r.recipient: r for r in deliveries(smtp)}
    assert {rows[a].state for a in ("desk@mfa.example", IDN, IDN_ASCII)} == {"sent"}
    envelopes = [r.rcpt_tos[0] for r in handler.received]
    assert envelopes.count(IDN_ASCII) == 2
    if smtputf8:
        assert rows[UTF8_LOCAL].state == "sent"
        assert "андрей@xn--d1ahl.example" in envelopes
    else:
        assert rows[UTF8_LOCAL].state == "failed"
        assert "does not offer SMTPUTF8" in rows[UTF8_LOCAL].last_error
    assert handler.data_commands == len(handler.received) == (4 if smtputf8 else 3)


def test_an_idn_address_in_the_to_header_is_ascii(
    smtp: bootstrap.Services, server: tuple[Faults, int, bool]
) -> None:
    """The To header carries the A-label, not an RFC 2047 word inside the address."""
    email_rows(smtp, [IDN])
    smtp.worker().drain_sync()
    [received] = server[0].received
    message = message_from_bytes(received.content, policy=default)
    assert message["To"].addresses[0].domain == "xn--mnchen-mfa-9db.example"
    assert b"=?utf-8?" not in received.content.split(b"\r\n\r\n")[0].split(b"To:")[1][:80]


def test_550_at_rcpt_opens_a_channel_check(
    smtp: bootstrap.Services, server: tuple[Faults, int, bool]
) -> None:
    """A recipient refused with 5xx fails and its addressee's email channel is flagged."""
    [refused, _] = email_rows(smtp, ["desk-x@mfa.example", "desk@mfa.example"])
    assert smtp.worker().drain_sync().done == {"failed": 1, "sent": 1}
    with smtp.db.unit_of_work(write=False) as uow:
        [check] = uow.scalars(select(ChannelCheck)).all()
    assert (check.delivery_id, check.channel) == (refused, "email")
    assert "550 5.1.1 No such desk here" in check.reason


def test_a_connection_lost_after_data_is_retried_after_the_backoff_only(
    smtp: bootstrap.Services, server: tuple[Faults, int, bool], clock: FixedClock
) -> None:
    """Lost after DATA: no second DATA in the same attempt; retry_wait as an unknown outcome,
    then sent again after the backoff with the same Message-ID."""
    handler = server[0]
    email_rows(smtp, ["drop-desk@mfa.example"])
    assert smtp.worker().drain_sync().done == {"retry_wait": 1}
    assert handler.data_commands == 1
    [row] = deliveries(smtp)
    assert row.last_error.startswith("drop-desk@mfa.example: outcome unknown")
    clock.advance(timedelta(minutes=7))
    assert smtp.worker().drain_sync().done == {"sent": 1}
    ids = {message_from_bytes(r.content)["Message-ID"] for r in handler.received}
    assert (handler.data_commands, ids) == (2, {row.message_id})
