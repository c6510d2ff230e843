"""The SMTP transport against a real aiosmtpd server on a loopback port, with injected faults."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy import select

import bootstrap
from campaigns.store import appeal_of, get_campaign
from review.queue import current_documents
from settings import Settings
from storage.tables import Addressee, Delivery, Letter
from tests.delivery.steps import deliveries, queued_batch
from tests.helpers import CAMPAIGN
from timeutil import FixedClock

pytestmark = pytest.mark.integration


def free_port() -> int:
    """A loopback port nobody listens on right now (aiosmtpd cannot be given port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts; set a reply to refuse at RCPT or DATA."""

    rcpt_reply: str | None = None
    data_reply: str | None = None
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def smtp_port(recorder: Recorder) -> Iterator[int]:
    """A real SMTP server on a free loopback port, stopped when the test ends."""
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def smtp_services(settings: Settings, clock: FixedClock, port: int) -> bootstrap.Services:
    url = SecretStr(f"smtp://127.0.0.1:{port}?starttls=off")
    configured = settings.model_copy(update={"smtp_url": url, "smtp_timeout_seconds": 10.0})
    built = bootstrap.build(configured, clock=clock)
    built.migrate()
    return built


@pytest.fixture
def services(settings: Settings, clock: FixedClock, smtp_port: int) -> Iterator[bootstrap.Services]:
    """Services wired by the composition root to send through the test SMTP server."""
    built = smtp_services(settings, clock, smtp_port)
    yield built
    built.close()


@pytest.fixture
def delivered(services: bootstrap.Services, recorder: Recorder) -> dict[str, Received]:
    """Every approved letter sent through the server once, by envelope recipient."""
    queued_batch(services)
    assert services.worker().drain_sync().done == {"sent": 7}
    return {r.rcpt_tos[0]: r for r in recorder.received}


def letters_by_email(s: bootstrap.Services) -> dict[str, tuple[Letter, Delivery]]:
    with s.db.unit_of_work(write=False) as uow:
        rows = uow.execute(
            select(Addressee.email, Letter, Delivery)
            .join(Letter, Letter.addressee_id == Addressee.id)
            .join(Delivery, Delivery.letter_id == Letter.id)
        ).all()
    return {email: (letter, delivery) for email, letter, delivery in rows}


def test_server_receives_each_letter_once_from_its_verp_address(
    services: bootstrap.Services, delivered: dict[str, Received], recorder: Recorder
) -> None:
    """Each delivery arrives once, to its addressee, from its signed bounce address."""
    rows = letters_by_email(services)
    assert len(recorder.received) == len(rows) == 7
    assert sorted(delivered) == sorted(rows)
    domain = services.settings.reply_domain
    for email, (_, delivery) in rows.items():
        assert delivered[email].rcpt_tos == [email]
        assert delivered[email].mail_from == services.identities.bounce_address(delivery.id)
        assert delivered[email].mail_from.endswith(f"@{domain}")
        assert delivery.state == "sent"


def test_headers_name_the_letter(
    services: bootstrap.Services, delivered: dict[str, Received]
) -> None:
    """From, To, Subject, Message-ID and the reply+token Reply-To are those of the letter."""
    with services.db.unit_of_work(write=False) as uow:
        appeal = appeal_of(get_campaign(uow, CAMPAIGN))
    for email, (letter, delivery) in letters_by_email(services).items():
        message = delivered[email].message
        assert message["From"].addresses[0].addr_spec == appeal.sender.email
        assert message["To"].addresses[0].addr_spec == email
        assert message["Subject"] == appeal.texts[letter.language].subject
        assert message["Message-ID"] == letter.message_id == delivery.message_id
        reply_to = services.identities.reply_to(letter.reply_token)
        assert message["Reply-To"].addresses[0].addr_spec == reply_to


def test_attachment_is_the_approved_pdf(
    services: bootstrap.Services, delivered: dict[str, Received]
) -> None:
    """The attached PDF is byte for byte the PDF the reviewer approved."""
    for email, (letter, _) in letters_by_email(services).items():
        with services.db.unit_of_work(write=False) as uow:
            pdf = current_documents(uow, letter.id)["pdf"]
        approved = (services.settings.documents_dir / pdf.path).read_bytes()
        [attachment] = list(delivered[email].message.iter_attachments())
        content = attachment.get_content()
        assert content.startswith(b"%PDF")
        assert content == approved


def test_text_part_states_the_demands(
    services: bootstrap.Services, delivered: dict[str, Received]
) -> None:
    """The plain-text part carries every demand in the letter's language."""
    with services.db.unit_of_work(write=False) as uow:
        appeal = appeal_of(get_campaign(uow, CAMPAIGN))
    for email, (letter, _) in letters_by_email(services).items():
        body = delivered[email].message.get_body(preferencelist=("plain",))
        assert body is not None
        text = " ".join(body.get_content().split())
        for demand in appeal.texts[letter.language].demands:
            assert " ".join(demand.split()) in text


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_451_waits_for_a_retry(
    services: bootstrap.Services, recorder: Recorder, clock: FixedClock, stage: str
) -> None:
    """A 451 answer leaves every delivery in retry_wait with its next attempt in the future."""
    setattr(recorder, f"{stage}_reply", "451 4.3.0 Try again later")
    queued_batch(services)
    assert services.worker().drain_sync().done == {"retry_wait": 7}
    for row in deliveries(services):
        assert row.state == "retry_wait"
        assert row.next_attempt_at > clock.now()
        assert "451" in row.last_error
    assert recorder.received == []


def test_retry_after_451_resends_the_same_message_id(
    services: bootstrap.Services, recorder: Recorder, clock: FixedClock
) -> None:
    """Once the backoff has passed, the retry carries the same Message-ID and ends sent."""
    recorder.data_reply = "451 4.3.0 Try again later"
    queued_batch(services)
    services.worker().drain_sync()
    recorder.data_reply = None
    clock.advance(timedelta(minutes=6))  # the first backoff: 5 minutes ± 20 % jitter
    assert services.worker().drain_sync().done == {"sent": 7}
    ids = {r.message["Message-ID"] for r in recorder.received}
    assert ids == {row.message_id for row in deliveries(services)}
    assert {(row.state, row.attempts) for row in deliveries(services)} == {("sent", 2)}


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_550_fails_with_the_servers_reason(
    services: bootstrap.Services, recorder: Recorder, stage: str
) -> None:
    """A 550 answer fails the delivery at once and keeps the server's text as the error."""
    setattr(recorder, f"{stage}_reply", "550 5.1.1 Mailbox unavailable")
    queued_batch(services)
    assert services.worker().drain_sync().done == {"failed": 7}
    for row in deliveries(services):
        assert row.state == "failed"
        assert "550 5.1.1 Mailbox unavailable" in row.last_error


def test_refused_connection_waits_for_a_retry(settings: Settings, clock: FixedClock) -> None:
    """When nothing listens on the SMTP port, deliveries wait for a retry instead of failing."""
    built = smtp_services(settings, clock, free_port())
    try:
        queued_batch(built)
        assert built.worker().drain_sync().done == {"retry_wait": 7}
        for row in deliveries(built):
            assert row.next_attempt_at > clock.now()
            assert "SMTPConnectError" in row.last_error
    finally:
        built.close()
