"""The outbox page: failures with their reasons, retry now, cancel."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.memory import MemoryTransport
from delivery.outbox import enqueue
from review.queue import approve_batch
from storage.tables import Addressee, ChannelCheck, Delivery
from tests.web.steps import CAMPAIGN, log_in, rendered


def _failed_delivery(services: Services, transport: MemoryTransport) -> int:
    batch = rendered(services)
    with services.db.unit_of_work() as uow:
        approve_batch(uow, batch, reviewer="r", clock=services.clock)
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
        approve_batch(uow, batch, reviewer="r", clock=services.clock)
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
