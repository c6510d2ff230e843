"""The outbox page: failures with their reasons, retry now, cancel; email only in the
worker's sections, hand-carried rows cancelled from their own."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.memory import MemoryTransport
from delivery.outbox import enqueue
from storage.tables import Addressee, ChannelCheck, Delivery
from tests.markers import SQLITE_ONLY
from tests.web.steps import CAMPAIGN, log_in, rendered
from tests.web.test_outbox_handwork import FORM, printed, queued, row

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)


def _failed_delivery(services: Services, transport: MemoryTransport) -> int:
    batch = rendered(services)
    with services.db.unit_of_work() as uow:
        services.approvals.approve_batch(uow, batch, reviewer="r")
        enqueue(uow, get_campaign(uow, CAMPAIGN), actor="t", clock=services.clock)
        address = uow.scalars(select(Delivery.recipient)).first()
    assert address is not None
    transport.fail_permanently.add(address)
    services.worker().drain_sync()
    with services.db.unit_of_work(write=False) as uow:
        return int(uow.scalars(select(Delivery.id).where(Delivery.state == "failed")).one())


def test_failure_is_listed_with_its_reason(
    services: Services, client: TestClient, transport: MemoryTransport
) -> None:
    """A permanently refused delivery is listed with the server's answer."""
    _failed_delivery(services, transport)
    log_in(services, client, "viewer")
    assert "550 rehearsed permanent failure" in client.get("/outbox").text


def test_retry_queues_the_delivery_again(
    services: Services, client: TestClient, transport: MemoryTransport
) -> None:
    """Retry now puts the failed row back in the queue; the worker then sends it."""
    delivery = _failed_delivery(services, transport)
    transport.fail_permanently.clear()
    csrf = log_in(services, client, "campaigner")
    client.post(f"/outbox/{delivery}/retry", data={"csrf": csrf})
    services.worker().drain_sync()
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(Delivery, delivery).state == "sent"


def test_cancel_stops_a_delivery(
    services: Services, client: TestClient, transport: MemoryTransport
) -> None:
    """A cancelled delivery is not retried."""
    delivery = _failed_delivery(services, transport)
    csrf = log_in(services, client, "campaigner")
    client.post(f"/outbox/{delivery}/cancel", data={"csrf": csrf})
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(Delivery, delivery).state == "cancelled"


def test_a_sent_delivery_cannot_be_cancelled(
    services: Services, client: TestClient, transport: MemoryTransport
) -> None:
    """Cancelling what already went out is refused with 409."""
    _failed_delivery(services, transport)
    with services.db.unit_of_work(write=False) as uow:
        sent = uow.scalars(select(Delivery.id).where(Delivery.state == "sent")).first()
    csrf = log_in(services, client, "campaigner")
    assert client.post(f"/outbox/{sent}/cancel", data={"csrf": csrf}).status_code == 409


def test_deliver_button_skips_a_bounced_address_and_says_so(
    services: Services, client: TestClient
) -> None:
    """As `advocacy deliver`: every channel in order, a flagged email skipped, and the
    notice tells staff some letters had no usable channel."""
    batch = rendered(services)
    with services.db.unit_of_work() as uow:
        services.approvals.approve_batch(uow, batch, reviewer="r")
        addressee = uow.scalars(select(Addressee).where(Addressee.key == "uk-fcdo")).one()
        addressee.postal_address = ""  # nothing to fall back on
        now = services.clock.now()
        uow.add(ChannelCheck(addressee_id=addressee.id, channel="email", flagged_at=now))
    csrf = log_in(services, client, "campaigner")
    page = client.post(f"/campaigns/{CAMPAIGN}/deliver", data={"csrf": csrf})
    assert "waits for staff to check it" in page.text
    with services.db.unit_of_work(write=False) as uow:
        channels = dict(uow.execute(select(Delivery.recipient, Delivery.channel)).all())
    assert "postal" in channels.values()  # the European Parliament, by post
    assert not any("fcdo" in recipient for recipient in channels)


def _section(html: str, name: str) -> str:
    """The part of the outbox page under the heading ``<name>-h``, up to its section's end."""
    start = html.index(f'id="{name}-h"')
    return html[start : html.index("</section>", start)]


def _ids(s: Services, channel: str) -> list[int]:
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Delivery.id).where(Delivery.channel == channel)))


def test_queued_lists_email_only_and_hand_rows_in_their_sections(
    services: Services, client: TestClient
) -> None:
    """ "Queued and sending" lists the queued email rows, not the postal letter or the web-form
    task: those appear only in their own sections."""
    queued(services)
    postal = _ids(services, "postal")
    log_in(services, client, "campaigner")
    page = client.get("/outbox").text
    waiting = _section(page, "waiting")
    assert all(f"<td>{d}</td>" in waiting for d in _ids(services, "email"))
    assert f"<td>{postal[0]}</td>" not in waiting
    assert f"<td>{postal[0]}</td>" in _section(page, "postal")


def test_web_form_task_is_not_in_queued_and_sending(services: Services, client: TestClient) -> None:
    """A web-form task is listed under "Web-form tasks" only."""
    queued(services, web_form=FORM)
    log_in(services, client, "viewer")
    page = client.get("/outbox").text
    task = row(services, "manual").id
    assert f"<td>{task}</td>" not in _section(page, "waiting")
    assert f"<td>{task}</td>" in _section(page, "forms")


def test_a_queued_postal_letter_is_cancelled_from_its_batch(
    services: Services, client: TestClient
) -> None:
    """Cancel on a not yet printed postal letter stops it; it leaves the print list."""
    queued(services)
    csrf = log_in(services, client, "campaigner")
    letter = row(services, "postal").id
    assert f'action="/outbox/{letter}/cancel"' in _section(client.get("/outbox").text, "postal")
    page = client.post(f"/outbox/{letter}/cancel", data={"csrf": csrf}).text
    assert row(services, "postal").state == "cancelled"
    assert f"<td>{letter}</td>" not in _section(page, "postal")


def test_a_printed_postal_letter_can_still_be_cancelled(
    services: Services, client: TestClient
) -> None:
    """A printed letter has not gone out until it is marked posted: Cancel still stops it."""
    csrf = printed(services, client, queued(services))
    letter = row(services, "postal").id
    assert f'action="/outbox/{letter}/cancel"' in _section(client.get("/outbox").text, "postal")
    client.post(f"/outbox/{letter}/cancel", data={"csrf": csrf})
    assert row(services, "postal").state == "cancelled"


def test_a_web_form_task_is_cancelled_by_a_campaigner_only(
    services: Services, client: TestClient
) -> None:
    """A campaigner sees Cancel on a web-form task and it stops the task; a viewer does not."""
    queued(services, web_form=FORM)
    task = row(services, "manual").id
    log_in(services, client, "viewer")
    assert f'action="/outbox/{task}/cancel"' not in client.get("/outbox").text
    csrf = log_in(services, client, "campaigner")
    assert f'action="/outbox/{task}/cancel"' in _section(client.get("/outbox").text, "forms")
    client.post(f"/outbox/{task}/cancel", data={"csrf": csrf})
    assert row(services, "manual").state == "cancelled"


def test_a_held_row_is_listed_with_retry_and_cancel(services: Services, client: TestClient) -> None:
    """A row held after repeated claims is in the "Held for staff" list, with both actions."""
    from datetime import timedelta

    from delivery.claims import claim_due
    from tests.delivery.builders import email_rows

    [delivery] = email_rows(services, ["desk@mfa.example"])
    clock = services.clock
    for _ in range(4):  # three claims whose worker died, then the one that holds it
        claim_due(services.db, limit=5, now=clock.now(), lease=timedelta(minutes=5))
        clock.advance(timedelta(minutes=6))  # type: ignore[attr-defined]
    log_in(services, client, "campaigner")
    page = client.get("/outbox").text
    held = page.split('id="held-h"')[1].split("</section>")[0]
    assert "claimed 3 times without an outcome" in held
    assert f"/outbox/{delivery}/retry" in held
    assert f"/outbox/{delivery}/cancel" in held
