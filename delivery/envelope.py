"""What a transport is given and what it answers: plain data shared by worker and transports.

Rule: outcomes are data. ``DeliveryResult`` lists temporary and permanent failures per
recipient; only temporary ones are retried, and a recipient in neither list was delivered.
``refused`` names the permanent failures that were the receiving server refusing the
recipient itself (5xx at RCPT): the address is wrong, so its channel is flagged for staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Envelope:
    delivery_id: int
    sender: str
    recipients: tuple[str, ...]
    content: bytes
    message_id: str


@dataclass(frozen=True)
class DeliveryResult:
    temporary: list[tuple[str, str]] = field(default_factory=list)
    permanent: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.temporary and not self.permanent
