"""The outbox against raw pooled aiosmtplib, both sending to an aiosmtpd sink in another process.

Rule: both send the same bytes (an email carrying a 100 KB PDF) over the same number of
connections; the raw contender does nothing else, the outbox does claim, hash check, send
and finish per delivery through the real ``Worker`` and ``SmtpTransport``. ``smtp_turns``
alternates them and counts wall and sender-side CPU seconds for each.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from delivery.pacing import DomainLimits
from delivery.smtp import SmtpConfig, SmtpTransport
from delivery.worker import Worker
from letters.documents import RenderedDocument

CONNECTIONS = 4
TURN = 1_000  # messages per turn when raw sends and the outbox alternate


def big_email(pdf: bytes, size: int = 100_000) -> RenderedDocument:
    """An email whose attachment is ``pdf`` padded (with a PDF comment) to ``size`` bytes."""
    padded = pdf + b"\n%" + b"x" * max(0, size - len(pdf) - 2)
    message = EmailMessage()
    message["From"] = "office@org.example"
    message["To"] = "desk@bench.example"
    message["Subject"] = "Appeal"
    message["Message-ID"] = "<bench@org.example>"
    message.set_content("Please find our appeal attached.")
    message.add_attachment(padded, maintype="application", subtype="pdf", filename="appeal.pdf")
    return RenderedDocument(message.as_bytes(), "message/rfc822", "eml")


@contextmanager
def sink() -> Iterator[int]:
    """The sink process on a free loopback port; stopped (and its count checked) on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError("the SMTP sink did not start")
    try:
        yield port
    finally:
        process.stdin.close()
        process.wait(timeout=30)


async def raw_pooled(port: int, content: bytes, n: int) -> float:
    """Seconds for ``n`` sends over CONNECTIONS reused aiosmtplib clients, nothing else."""

    async def one_client(count: int) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for i in range(count):
            await client.sendmail(f"bounce+{i}@r.example", [f"desk-{i}@bench.example"], content)
        await client.quit()

    began = time.perf_counter()
    share = [n // CONNECTIONS + (i < n % CONNECTIONS) for i in range(CONNECTIONS)]
    await asyncio.gather(*(one_client(k) for k in share))
    return time.perf_counter() - began


def outbox_transport(port: int) -> SmtpTransport:
    config = SmtpConfig.from_url(f"smtp://127.0.0.1:{port}?starttls=off", timeout=60)
    # Every bench recipient shares one domain: let it use every connection.
    limits = DomainLimits(concurrency=CONNECTIONS)
    return SmtpTransport(config, pool_size=CONNECTIONS, limits=limits)


@dataclass
class Turns:
    """Wall and CPU seconds (this process, all threads; not the sink) per SMTP contender."""

    wall: dict[str, float] = field(default_factory=lambda: {"raw": 0.0, "outbox": 0.0})
    cpu: dict[str, float] = field(default_factory=lambda: {"raw": 0.0, "outbox": 0.0})
    sent: int = 0


async def smtp_turns(
    worker: Worker, transport: SmtpTransport, port: int, content: bytes, *, n: int
) -> Turns:
    """``n`` raw pooled sends and ``n`` outbox deliveries, in alternating turns of TURN
    messages (so load from other processes falls on both alike)."""
    turns = Turns()
    try:
        for turn in range(n // TURN):
            for contender in ("raw", "outbox") if turn % 2 == 0 else ("outbox", "raw"):
                began, cpu = time.perf_counter(), time.process_time()
                if contender == "raw":
                    await raw_pooled(port, content, TURN)
                else:
                    turns.sent += (await worker.drain(limit=TURN)).done.get("sent", 0)
                turns.wall[contender] += time.perf_counter() - began
                turns.cpu[contender] += time.process_time() - cpu
    finally:
        await transport.aclose()
    return turns
