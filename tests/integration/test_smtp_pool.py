"""SMTP transport against a real aiosmtpd server: reused connections, per-domain limits,
reconnecting after a dropped connection, and the overall timeout per send."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from delivery.envelope import DeliveryResult, Envelope
from delivery.pacing import DomainLimits
from delivery.smtp import SmtpConfig, SmtpTransport
from tests.integration.test_smtp import free_port

pytestmark = pytest.mark.integration


@dataclass
class Sink:
    """Accepts everything after ``delay`` seconds; records which connection carried each message
    and the most messages in flight at once per recipient domain."""

    delay: float = 0.0
    by_connection: Counter[int] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        domain = envelope.rcpt_tos[0].rpartition("@")[2]
        self.in_flight[domain] += 1
        self.peak[domain] = max(self.peak[domain], self.in_flight[domain])
        await asyncio.sleep(self.delay)
        self.in_flight[domain] -= 1
        self.by_connection[id(session)] += 1
        return "250 OK"


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def port(sink: Sink) -> Iterator[int]:
    chosen = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=chosen)
    controller.start()
    yield chosen
    controller.stop()


def transport(
    port: int, *, pool: int = 2, limits: DomainLimits | None = None, timeout: float = 10.0
) -> SmtpTransport:
    config = SmtpConfig.from_url(f"smtp://127.0.0.1:{port}?starttls=off", timeout=timeout)
    return SmtpTransport(config, pool_size=pool, limits=limits or DomainLimits(concurrency=8))


def envelope(n: int, to: str) -> Envelope:
    content = f"From: a@org.example\r\nTo: {to}\r\nMessage-ID: <{n}@t>\r\n\r\nhello\r\n".encode()
    return Envelope(n, f"bounce+{n}@r.example", (to,), content, f"<{n}@t>")


async def send_all(smtp: SmtpTransport, envelopes: list[Envelope]) -> list[DeliveryResult]:
    try:
        return list(await asyncio.gather(*(smtp.send(e) for e in envelopes)))
    finally:
        await smtp.aclose()


def test_connections_are_reused(port: int, sink: Sink) -> None:
    """Twenty messages through a pool of two travel over at most two SMTP connections."""
    smtp = transport(port, pool=2)
    mails = [envelope(i, f"desk{i}@d{i % 5}.example") for i in range(20)]
    results = asyncio.run(send_all(smtp, mails))
    assert all(r.ok for r in results)
    assert sum(sink.by_connection.values()) == 20
    assert len(sink.by_connection) <= 2
    assert smtp.pool.connects <= 2


def test_domain_concurrency_is_respected(port: int, sink: Sink) -> None:
    """With a limit of one per domain, one domain never sees two messages in flight at once."""
    sink.delay = 0.05
    smtp = transport(port, pool=6, limits=DomainLimits(concurrency=1))
    mails = [envelope(i, f"desk{i}@{'gov' if i % 2 else 'mfa'}.example") for i in range(12)]
    assert all(r.ok for r in asyncio.run(send_all(smtp, mails)))
    assert sink.peak == Counter({"gov.example": 1, "mfa.example": 1})


def test_domain_rate_spaces_the_sends(port: int, sink: Sink) -> None:
    """At 600 per minute to one domain, five sends take at least four tenths of a second."""
    smtp = transport(port, pool=4, limits=DomainLimits(concurrency=4, per_minute=600))
    began = time.monotonic()
    results = asyncio.run(send_all(smtp, [envelope(i, f"d{i}@gov.example") for i in range(5)]))
    assert all(r.ok for r in results)
    assert time.monotonic() - began >= 0.4


def test_reconnects_after_the_server_dropped_the_connection(sink: Sink) -> None:
    """A pooled connection the server closed is replaced, and the message still goes out."""
    chosen = free_port()
    smtp = transport(chosen, pool=1)

    async def scenario() -> list[DeliveryResult]:
        first = Controller(sink, hostname="127.0.0.1", port=chosen)
        first.start()
        one = await smtp.send(envelope(1, "a@gov.example"))
        first.stop()  # drops the idle pooled connection
        second = Controller(sink, hostname="127.0.0.1", port=chosen)
        second.start()
        try:
            return [one, await smtp.send(envelope(2, "b@gov.example"))]
        finally:
            await smtp.aclose()
            second.stop()

    assert all(r.ok for r in asyncio.run(scenario()))
    assert smtp.pool.connects == 2
    assert sum(sink.by_connection.values()) == 2


def test_slow_server_times_out_as_temporary(port: int, sink: Sink) -> None:
    """A send that outlasts the overall timeout is a temporary failure naming the timeout."""
    sink.delay = 2.0
    smtp = transport(port, pool=1, timeout=0.3)
    [result] = asyncio.run(send_all(smtp, [envelope(1, "a@gov.example")]))
    assert [r for r, _ in result.temporary] == ["a@gov.example"]
    assert "TimeoutError" in result.temporary[0][1]
