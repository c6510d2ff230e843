"""The SMTP transport (aiosmtplib): pooled connections, STARTTLS or implicit TLS, auth,
per-recipient outcomes, per-domain limits and an overall timeout per send.

Rule: 4xx replies and lost connections are temporary (retried later); 5xx are permanent.
The exact approved bytes are sent with ``sendmail``; the envelope sender carries the delivery
id (VERP) so a bounce names the delivery it belongs to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

import aiosmtplib

from delivery.dkim_sign import DkimSigner
from delivery.envelope import DeliveryResult, Envelope
from delivery.pacing import DomainLimits
from delivery.smtp_pool import SmtpPool
from errors import AdvocacyError


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    start_tls: bool | None
    timeout: float

    @classmethod
    def from_url(cls, url: str, *, timeout: float) -> SmtpConfig:
        """smtp://[user:pass@]host[:port] (STARTTLS if offered; ?starttls=required|off) or
        smtps://…:465 (implicit TLS)."""
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise AdvocacyError(
                "ADVOCACY_SMTP_URL must look like smtp://user:pass@host:587 "
                "or smtps://user:pass@host:465"
            )
        implicit = parts.scheme == "smtps"
        mode = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("starttls")
        if mode not in {None, "required", "off"}:
            # A typo must not quietly mean "STARTTLS if offered", i.e. plaintext if it is not.
            raise AdvocacyError(
                f"ADVOCACY_SMTP_URL: starttls must be required or off, not {mode!r}"
            )
        start_tls = {"required": True, "off": False}.get(mode or "")
        port = parts.port or (465 if implicit else 587)
        if port == 587 and start_tls is None:
            start_tls = True  # submission port: never fall back to plaintext
        return cls(
            parts.hostname,
            port,
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
            implicit,
            False if implicit else start_tls,
            timeout,
        )


class SmtpTransport:
    """Sends through a pool of reused connections, within per-domain limits and a timeout."""

    name = "smtp"
    final_state = "sent"

    def __init__(
        self,
        config: SmtpConfig,
        *,
        pool_size: int = 4,
        limits: DomainLimits | None = None,
        dkim: DkimSigner | None = None,
    ) -> None:
        self.config = config
        self.pool = SmtpPool(config, size=pool_size)
        self.limits = limits or DomainLimits()
        self.dkim = dkim

    async def send(self, envelope: Envelope) -> DeliveryResult:
        if self.dkim is not None:
            envelope = replace(envelope, content=self.dkim.sign(envelope.content))
        async with self.limits.slot(envelope.recipients[0]):
            try:
                async with asyncio.timeout(self.config.timeout):
                    return await self._send(envelope)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                # Connection lost or never made before DATA: every recipient is temporary.
                return DeliveryResult(
                    temporary=[(r, f"{type(exc).__name__}: {exc}") for r in envelope.recipients]
                )

    async def aclose(self) -> None:
        """QUIT the pooled connections (end of a drain; the next one connects again)."""
        await self.pool.close()

    async def _send(self, envelope: Envelope) -> DeliveryResult:
        for last_try in (False, True):
            reused = False
            try:
                async with self.pool.client() as (client, reused):
                    return await _transaction(client, envelope)
            except aiosmtplib.SMTPServerDisconnected:
                # A pooled connection the server closed while it sat idle: once more, fresh.
                if last_try or not reused:
                    raise
        raise AssertionError("unreachable")


async def _transaction(client: aiosmtplib.SMTP, envelope: Envelope) -> DeliveryResult:
    """One MAIL/RCPT/DATA of the exact bytes; server answers become per-recipient outcomes."""
    try:
        refused, _ = await client.sendmail(
            envelope.sender, list(envelope.recipients), envelope.content
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        # Raised only when every recipient was refused; classify each by its code.
        return _classify({e.recipient: (e.code, e.message) for e in exc.recipients})
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code == 421:
            client.close()  # the server is closing the channel; reconnect next time
        reason = f"{exc.code} {exc.message}"
        failed = [(r, reason) for r in envelope.recipients]
        return (
            DeliveryResult(permanent=failed)
            if exc.code >= 500
            else DeliveryResult(temporary=failed)
        )
    return _classify(refused)


def _classify(refused: Mapping[str, object]) -> DeliveryResult:
    result = DeliveryResult()
    for recipient, response in refused.items():
        code, message = (
            response
            if isinstance(response, tuple)
            else (getattr(response, "code", 450), getattr(response, "message", str(response)))
        )
        target = result.permanent if int(code) >= 500 else result.temporary
        target.append((recipient, f"{code} {message}"))
    return result
