"""Bounces to the signed VERP address: permanent → bounced and channel flagged; temporary →
noted only (sent stays sent); forged or unverifiable ones change nothing; out-of-office answers
are not bounces."""

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
            identities=services.identities,
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
    handler = bounce_handler(identities=services.identities, clock=services.clock)
    with services.db.unit_of_work() as uow:
        assert handler(uow, dsn(services, row, status="5.1.1", action="failed"))
        check = uow.scalars(select(ChannelCheck)).one()
    assert (check.channel, check.delivery_id, check.cleared_at) == ("email", row.id, None)


def test_delayed_dsn_leaves_a_sent_delivery_sent(services: Services, clock: FixedClock) -> None:
    """A 4.x.x 'delayed' report is noted on the row but never turns sent back into retry_wait."""
    row = sent(services)
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(
            uow,
            dsn(services, row, status="4.2.2", action="delayed"),
            identities=services.identities,
            clock=clock,
        )
        assert uow.scalars(select(ChannelCheck)).all() == []
    assert outcome is not None
    assert not outcome.permanent
    again = deliveries(services)[0]
    assert (again.state, again.attempts) == ("sent", 1)
    assert again.last_error.startswith("bounce: ")


def forged(s: Services, raw: bytes, clock: FixedClock) -> None:
    """Hand ``raw`` to the bounce handler and check it changed nothing at all."""
    before = [(r.id, r.state, r.last_error, r.next_attempt_at) for r in deliveries(s)]
    with s.db.unit_of_work() as uow:
        assert handle_bounce(uow, raw, identities=s.identities, clock=clock) is None
        assert uow.scalars(select(ChannelCheck)).all() == []
    assert [(r.id, r.state, r.last_error, r.next_attempt_at) for r in deliveries(s)] == before


def test_unsigned_verp_address_changes_nothing(services: Services, clock: FixedClock) -> None:
    """A 5.1.1 report to the old unsigned bounce+<id>@ address is unverified: nothing changes."""
    row = sent(services)
    raw = dsn(services, row, status="5.1.1", action="failed").replace(
        services.identities.bounce_address(row.id).encode(),
        f"bounce+{row.id}@{services.settings.reply_domain}".encode(),
    )
    forged(services, raw, clock)


def test_wrong_mac_changes_nothing(services: Services, clock: FixedClock) -> None:
    """A delayed report to another delivery's MAC with this one's id is refused."""
    rows = sent(services), deliveries(services)[1]
    other = services.identities.bounce_address(rows[1].id)
    raw = dsn(services, rows[0], status="4.2.2", action="delayed").replace(
        services.identities.bounce_address(rows[0].id).encode(),
        other.replace(f"+{rows[1].id}-", f"+{rows[0].id}-").encode(),
    )
    forged(services, raw, clock)


def test_wrong_message_id_changes_nothing(services: Services, clock: FixedClock) -> None:
    """A genuine bounce address with a report quoting another message's Message-ID is refused."""
    row = sent(services)
    raw = dsn(services, row, status="5.1.1", action="failed").replace(
        row.message_id.encode(), b"<someone-else@elsewhere.example>"
    )
    forged(services, raw, clock)


def test_message_id_alone_is_not_enough(services: Services, clock: FixedClock) -> None:
    """A report quoting our Message-ID but sent to no signed bounce address stays unverified."""
    row = sent(services)
    raw = dsn(services, row, status="5.1.1", action="failed").replace(
        services.identities.bounce_address(row.id).encode(), b"postmaster@org.example"
    )
    forged(services, raw, clock)


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
        outcome = handle_bounce(uow, raw, identities=services.identities, clock=services.clock)
    assert outcome is not None
    assert outcome.permanent


def test_exim_failure_marked_auto_replied_is_a_bounce(services: Services) -> None:
    """Exim's permanent failure (Auto-Submitted: auto-replied, X-Failed-Recipients) bounces."""
    row = sent(services)
    raw = (
        "From: Mail Delivery System <Mailer-Daemon@mx.gov.example>\r\n"
        f"To: {services.identities.bounce_address(row.id)}\r\n"
        "Subject: Mail delivery failed: returning message to sender\r\n"
        f"Auto-Submitted: auto-replied\r\nX-Failed-Recipients: {row.recipient}\r\n\r\n"
        "This message was created automatically by mail delivery software.\r\n\r\n"
        "A message that you sent could not be delivered to one or more of its\r\n"
        "recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
        f"  {row.recipient}\r\n    550 5.1.1 User unknown\r\n"
    ).encode()
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(uow, raw, identities=services.identities, clock=services.clock)
    assert outcome is not None
    assert outcome.permanent
    assert deliveries(services)[0].state == "bounced"


def test_out_of_office_is_not_a_bounce(services: Services) -> None:
    """An auto-reply to the VERP address is left alone: None, and the delivery stays sent."""
    row = sent(services)
    raw = (
        f"From: {row.recipient}\r\nTo: {services.identities.bounce_address(row.id)}\r\n"
        "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n"
        "I am away until Monday and will not be able to deliver your request.\r\n"
    ).encode()
    with services.db.unit_of_work() as uow:
        outcome = handle_bounce(uow, raw, identities=services.identities, clock=services.clock)
    assert outcome is None
    assert deliveries(services)[0].state == "sent"
