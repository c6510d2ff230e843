"""The delivery channels in fallback order, and the email channel's transport from the settings.

Rule: a new channel is one module with its ``ChannelSpec`` and one line in ``register_channels``
(``delivery.channels``). The transports' modules (SMTP, DKIM, Maildir) load when a transport is
first built, never on import: ``advocacy outbox list`` reads the channels without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from delivery.channels import REGISTRY, Channels, ChannelSpec
from delivery.hand_carried import POSTAL, WEB_FORM
from settings import Settings

if TYPE_CHECKING:
    from delivery.worker import Transport


def make_transport(settings: Settings) -> Transport:
    """SMTP when ``ADVOCACY_SMTP_URL`` is set, else the Maildir outbox (written, not sent)."""
    from delivery.dkim_sign import DkimSigner
    from delivery.maildir import MaildirTransport
    from delivery.pacing import DomainLimits
    from delivery.smtp import SmtpConfig, SmtpTransport

    if settings.smtp_url is None:
        return MaildirTransport(settings.outbox_dir)
    config = SmtpConfig.from_url(
        settings.smtp_url.get_secret_value(), timeout=settings.smtp_timeout_seconds
    )
    limits = DomainLimits(
        concurrency=settings.smtp_domain_concurrency, per_minute=settings.smtp_domain_per_minute
    )
    dkim = (
        DkimSigner.from_file(
            settings.dkim_key_file, selector=settings.dkim_selector, domain=settings.dkim_domain
        )
        if settings.dkim_key_file
        else None
    )
    return SmtpTransport(config, pool_size=settings.smtp_pool_size, limits=limits, dkim=dkim)


EMAIL = ChannelSpec(
    name="email",
    document="email",
    recipient=lambda a: a.email or "",
    automatic=True,
    sent_means="accepted by the receiving mail server (Maildir: written to the outbox, not sent)",
    transport=make_transport,
)


def register_channels(channels: Channels) -> Channels:
    """The delivery channels, in fallback order: one line per channel (``delivery.channels``)."""
    channels.register(EMAIL)
    channels.register(POSTAL)
    channels.register(WEB_FORM)
    return channels


CHANNELS = register_channels(REGISTRY)


def channel_transports(settings: Settings) -> dict[str, Transport]:
    """A transport for each automatic channel but email (whose is ``Services.transport``),
    built from its spec."""
    return {
        name: spec.transport(settings)
        for name in CHANNELS.automatic()
        if name != "email" and (spec := CHANNELS.spec(name)).transport is not None
    }
