"""A test-only channel: an institution's contact-form API, sent by the worker.

It shows what a new channel takes: this one module (its ``ChannelSpec`` and transport) and
one ``register`` line in the composition root (here, in the test that uses it).
"""

from __future__ import annotations

from delivery.channels import ChannelSpec
from delivery.memory import MemoryTransport

POSTED = MemoryTransport(name="form-api")  # what the API "received"

FORM_API = ChannelSpec(
    name="form-api",
    document="email",
    recipient=lambda addressee: addressee.web_form or "",
    automatic=True,
    sent_means="accepted by the institution's contact-form API",
    transport=lambda settings: POSTED,
)
