"""Scale-out on PostgreSQL: two ``advocacy worker`` processes drain 10,000 outbox rows into one
real aiosmtpd server; every Message-ID arrives exactly once and no row is left ``sending``."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

import bootstrap
from storage.tables import Addressee, Approval, Delivery, Document, Letter
from tests.helpers import load_examples, reach_milestone
from tests.integration.test_smtp import free_port

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

ROWS = 10_000
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


class Sink:
    """Accepts every message and counts the Message-IDs it carries."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = MESSAGE_ID.search(envelope.content)
        self.received[found.group(1).decode() if found else "<none>"] += 1
        return "250 Accepted"


def queue_emails(s: bootstrap.Services, n: int) -> set[str]:
    """``n`` approved letters, each with its own small email on disk (carrying the letter's
    Message-ID) and a queued email delivery; return their Message-IDs. Bulk inserts, so
    setting up 10,000 rows takes seconds."""
    load_examples(s)
    batch_id, now = reach_milestone(s), s.clock.now()
    identities = [s.identities.new_identity() for _ in range(n)]
    emails = [
        f"From: office@org.example\r\nTo: desk-{i}@scale{i % 10}.example\r\n"
        f"Subject: Appeal\r\nMessage-ID: {identity.message_id}\r\n\r\nPlease read.\r\n".encode()
        for i, identity in enumerate(identities)
    ]
    folder = s.settings.documents_dir / "scale"
    folder.mkdir(parents=True)
    for i, content in enumerate(emails):
        (folder / f"{i}.eml").write_bytes(content)
    hashes = [hashlib.sha256(content).hexdigest() for content in emails]
    with s.db.unit_of_work() as uow:
        # Plain executemany (no RETURNING: psycopg sends it as one pipeline), then read the ids.
        uow.execute(
            insert(Addressee),
            [
                {
                    "key": f"scale-{i:05d}",
                    "name": f"Scale desk {i}",
                    "category": "government",
                    "email": f"desk-{i}@scale{i % 10}.example",
                    "updated_at": now,
                }
                for i in range(n)
            ],
        )
        addressees = uow.scalars(
            select(Addressee.id).where(Addressee.key.like("scale-%")).order_by(Addressee.key)
        ).all()
        uow.execute(
            insert(Letter),
            [
                {
                    "batch_id": batch_id,
                    "addressee_id": a,
                    "language": "en",
                    "status": "approved",
                    "message_id": identity.message_id,
                    "reply_token": identity.reply_token,
                    "rendered_at": now,
                }
                for a, identity in zip(addressees, identities, strict=True)
            ],
        )
        letters = dict(uow.execute(select(Letter.message_id, Letter.id)).all())
        uow.execute(
            insert(Document),
            [
                {
                    "letter_id": letters[identity.message_id],
                    "format": "email",
                    "path": f"scale/{i}.eml",
                    "media_type": "message/rfc822",
                    "sha256": hashes[i],
                    "size": len(emails[i]),
                    "created_at": now,
                }
                for i, identity in enumerate(identities)
            ],
        )
        documents = dict(uow.execute(select(Document.path, Document.id)).all())
        uow.execute(
            insert(Approval),
            [
                {
                    "document_id": documents[f"scale/{i}.eml"],
                    "sha256": hashes[i],
                    "decision": "approved",
                    "reviewer": "r",
                    "decided_at": now,
                }
                for i in range(n)
            ],
        )
        uow.execute(
            insert(Delivery),
            [
                {
                    "letter_id": letters[identity.message_id],
                    "document_id": documents[f"scale/{i}.eml"],
                    "channel": "email",
                    "recipient": f"desk-{i}@scale{i % 10}.example",
                    "state": "queued",
                    "next_attempt_at": now,
                    "message_id": identity.message_id,
                    "sha256": hashes[i],
                    "created_at": now,
                }
                for i, identity in enumerate(identities)
            ],
        )
    return {identity.message_id for identity in identities}


def start_worker(s: bootstrap.Services, port: int) -> subprocess.Popen[str]:
    """``advocacy worker`` in its own process, on the same PostgreSQL database and documents."""
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": s.settings.database_url,
        "ADVOCACY_DATA_DIR": str(s.settings.data_dir),
        "ADVOCACY_SMTP_URL": f"smtp://127.0.0.1:{port}?starttls=off",
        "ADVOCACY_SECRET_KEY": "test-secret",
        "ADVOCACY_WORKER_BATCH_SIZE": "50",
        "ADVOCACY_WORKER_CONCURRENCY": "8",
        "ADVOCACY_SMTP_POOL_SIZE": "4",
        "ADVOCACY_SMTP_DOMAIN_CONCURRENCY": "4",
    }
    command = [str(Path(sys.executable).parent / "advocacy"), "worker"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_worker_processes_deliver_each_row_once(services: bootstrap.Services) -> None:
    """Two worker processes share the 10,000 rows; each Message-ID reaches the server once."""
    expected = queue_emails(services, ROWS)
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        workers = [start_worker(services, port) for _ in range(2)]
        try:
            results = [worker.communicate(timeout=240) for worker in workers]
        finally:
            for worker in workers:
                if worker.poll() is None:  # the test failed: do not leave a worker running
                    worker.kill()
                    worker.communicate()
    finally:
        controller.stop()
    assert [worker.returncode for worker in workers] == [0, 0], [err for _, err in results]
    outputs = [out for out, _ in results]
    assert set(sink.received) == expected
    assert set(sink.received.values()) == {1}
    with services.db.unit_of_work(write=False) as uow:
        rows = uow.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
    states = dict(rows)
    assert states == {"sent": ROWS}
    shares = [int(m.group(1)) for m in (re.search(r"(\d+) sent", o) for o in outputs) if m]
    assert len(shares) == 2, outputs  # both processes took part
    assert sum(shares) == ROWS
