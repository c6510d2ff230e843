"""The two channels staff carry out by hand, as registry specs: post and the web-form task.

Rule: this module only says what the channels are (cheap to import, so the composition root
registers them without loading the print-batch code); the work — print batches, marking
rows posted or done — is in ``delivery.postal``.
"""

from __future__ import annotations

from delivery.channels import ChannelSpec

POSTAL = ChannelSpec(
    name="postal",
    document="pdf",
    recipient=lambda a: a.name if a.postal_address.strip() else "",
    automatic=False,
    sent_means="posted by staff (the date and tracking number are recorded)",
)
WEB_FORM = ChannelSpec(
    name="manual",
    document="pdf",
    recipient=lambda a: a.web_form or "",
    automatic=False,
    sent_means="submitted through the addressee's web form by staff",
)
