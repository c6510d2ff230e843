"""The default transport when no SMTP server is configured: write each message to a Maildir.

Rule: a message written here has NOT been sent. Its outbox row ends in state ``written`` and
every report says "written to outbox"; only a real transport can mark a delivery ``sent``.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from pathlib import Path

from delivery.envelope import DeliveryResult, Envelope


@dataclass
class MaildirTransport:
    path: Path
    name: str = "maildir"
    final_state: str = "written"

    async def send(self, envelope: Envelope) -> DeliveryResult:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.path, create=True)
        # Maildir delivery is atomic: the file is written in tmp/ and renamed into new/.
        header = (
            f"Return-Path: <{envelope.sender}>\r\nX-Advocacy-Delivery: {envelope.delivery_id}\r\n"
        ).encode()
        box.add(header + envelope.content)
        return DeliveryResult()
