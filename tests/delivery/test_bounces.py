"""Bounces to the VERP address: permanent → bounced and channel flagged; temporary → retry;
out-of-office answers are not bounces."""

from __future__ import annotations

from sqlalchemy import select

from bootstrap import Services
from delivery.bounces import bounce_handler, handle_bounce
from storage.tables import ChannelCheck, Delivery
from tests.delivery.steps import deliveries, queued_batch
from timeutil import FixedClock


def sent(s: Services) -> Delivery:
    """The example batch delivered; its first row."""
    queued_batch(s)
    s.worker().drain_sync()
    return deliveries(s)[0]


def dsn(s: Services, row: Delivery, *, status: str, action: str) -> bytes:
    """An RFC 3464 report to the row's VERP address, quoting the original's headers."""
    return (
        "From: MAILER-DAEMON@mx.gov.example\r\n"
        f"To: {s.identities.bounce_address(row.id)}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.gov.example>\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.gov.example\r\n\r\n"
        f"Final-Recipient: rfc822; {row.recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; {status} mailbox {row.recipient} unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {row.message_id}\r\nSubject: Appeal\r\n\r\n--B--\r\n"
    ).encode()


def test_permanent_dsn_bounces_the_delivery(services: Services) -> None:
    """A 5.1.1 report makes the delivery bounced, with the server's diagnostic as the reason."""
    row = sent(services)
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow,
            dsn(services, row, status="5.1.1", action="failed"),
            domain=services.settings.reply_domain,
            clock=services.clock,
        )
    assert outcome is not None
    assert (outcome.delivery_id, outcome.permanent) == (row.id, True)
    bounced = deliveries(services)[0]
    assert bounced.state == "bounced"
    assert "5.1.1 mailbox" in bounced.last_error


def test_permanent_dsn_flags_the_channel(services: Services) -> None:
    """The addressee's email channel is flagged for checking, naming the delivery."""
    row = sent(services)
    handler = bounce_handler(domain=services.settings.reply_domain, clock=services.clock)
    with services.db.unit_of_work() as uow:
        assert handler(uow, dsn(services, row, status="5.1.1", action="failed"))
        check = uow.scalars(select(ChannelCheck)).one()
    assert (check.channel, check.delivery_id, check.cleared_at) == ("email", row.id, None)


def test_delayed_dsn_puts_the_delivery_back_to_retry(services: Services, clock: FixedClock) -> None:
    """A 4.x.x 'delayed' report sends the delivery back to retry_wait, no channel flagged."""
    row = sent(services)
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow,
            dsn(services, row, status="4.2.2", action="delayed"),
            domain=services.settings.reply_domain,
            clock=clock,
        )
        assert uow.scalars(select(ChannelCheck)).all() == []
    assert outcome is not None
    assert not outcome.permanent
    again = deliveries(services)[0]
    assert again.state == "retry_wait"
    assert again.next_attempt_at > clock.now()


def test_found_by_message_id_without_verp(services: Services) -> None:
    """A report sent to some other address still finds the delivery by the quoted Message-ID."""
    row = sent(services)
    raw = dsn(services, row, status="5.1.1", action="failed").replace(
        services.identities.bounce_address(row.id).encode(), b"postmaster@org.example"
    )
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow, raw, domain=services.settings.reply_domain, clock=services.clock
        )
    assert outcome is not None
    assert outcome.delivery_id == row.id


def test_qmail_style_bounce_is_recognised(services: Services) -> None:
    """A non-standard qmail failure report is read by flufl.bounce as permanent."""
    row = sent(services)
    raw = (
        "From: MAILER-DAEMON@mx.gov.example\r\n"
        f"To: {services.identities.bounce_address(row.id)}\r\n"
        "Subject: failure notice\r\n\r\n"
        "Hi. This is the qmail-send program at mx.gov.example.\r\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n"
        f"<{row.recipient}>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
        "--- Below this line is a copy of the message.\r\n"
    ).encode()
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow, raw, domain=services.settings.reply_domain, clock=services.clock
        )
    assert outcome is not None
    assert outcome.permanent


def test_out_of_office_is_not_a_bounce(services: Services) -> None:
    """An auto-reply to the VERP address is left alone: None, and the delivery stays sent."""
    row = sent(services)
    raw = (
        f"From: {row.recipient}\r\nTo: {services.identities.bounce_address(row.id)}\r\n"
        "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n"
        "I am away until Monday and will not be able to deliver your request.\r\n"
    ).encode()
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow, raw, domain=services.settings.reply_domain, clock=services.clock
        )
    assert outcome is None
    assert deliveries(services)[0].state == "sent"
