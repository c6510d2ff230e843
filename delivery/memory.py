"""A transport that keeps envelopes in a list: the test double, shipped with the package.

Rule: behave like a real transport from the worker's side, including failures: give it
``fail_temporarily``/``fail_permanently`` recipient sets to rehearse retries and bounces, or a
``handler`` that answers (or raises) for each envelope as the far side would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from delivery.envelope import DeliveryResult, Envelope


@dataclass
class MemoryTransport:
    name: str = "memory"
    final_state: str = "sent"
    sent: list[Envelope] = field(default_factory=list)
    fail_temporarily: set[str] = field(default_factory=set)
    fail_permanently: set[str] = field(default_factory=set)
    handler: Callable[[Envelope], DeliveryResult] | None = None

    async def send(self, envelope: Envelope) -> DeliveryResult:
        if self.handler is not None:
            result = self.handler(envelope)
            if result.ok:
                self.sent.append(envelope)
            return result
        temporary = [
            (r, "451 rehearsed temporary failure")
            for r in envelope.recipients
            if r in self.fail_temporarily
        ]
        permanent = [
            (r, "550 rehearsed permanent failure")
            for r in envelope.recipients
            if r in self.fail_permanently
        ]
        if not temporary and not permanent:
            self.sent.append(envelope)
        return DeliveryResult(temporary, permanent)
