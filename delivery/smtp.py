"""The SMTP transport (aiosmtplib): pooled connections, STARTTLS or implicit TLS, auth,
per-recipient outcomes, per-domain limits and an overall timeout per send.

Rule: 4xx replies and lost connections are temporary (retried later); 5xx are permanent, and
a 5xx at RCPT also flags the addressee's channel. A connection lost after DATA was sent is an
unknown outcome: retried after the backoff with the same Message-ID, never again within the
same attempt. The exact approved bytes are sent (MAIL, RCPT, DATA step by step, so the worker
knows which step failed); the envelope sender is the signed VERP address of the delivery.
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
from recipients.addresses import BadAddress, CheckedAddress, check_address


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
        try:
            recipients = [check_address(r) for r in envelope.recipients]
        except BadAddress as exc:
            return DeliveryResult(permanent=[(r, str(exc)) for r in envelope.recipients])
        progress = _Progress()
        async with self.limits.slot(recipients[0].ascii_domain):
            try:
                async with asyncio.timeout(self.config.timeout):
                    return await self._send(envelope, recipients, progress)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                why = f"{type(exc).__name__}: {exc}".rstrip(": ")
                if progress.data_sent:
                    # The server may have taken the message: the outcome is unknown. Never
                    # again in this attempt; after the backoff, with the same Message-ID.
                    why = f"outcome unknown, connection lost after DATA ({why})"
                # Lost before DATA: every recipient is temporary.
                return DeliveryResult(temporary=[(r, why) for r in envelope.recipients])

    async def aclose(self) -> None:
        """QUIT the pooled connections (end of a drain; the next one connects again)."""
        await self.pool.close()

    async def _send(
        self, envelope: Envelope, recipients: list[CheckedAddress], progress: _Progress
    ) -> DeliveryResult:
        for last_try in (False, True):
            reused = False
            try:
                async with self.pool.client() as (client, reused):
                    return await _transaction(client, envelope, recipients, progress)
            except aiosmtplib.SMTPServerDisconnected:
                # A pooled connection the server closed while it sat idle: once more, fresh —
                # but only if DATA was not yet sent (else the message may be there already).
                if last_try or not reused or progress.data_sent:
                    raise
        raise AssertionError("unreachable")


@dataclass
class _Progress:
    data_sent: bool = False


async def _transaction(
    client: aiosmtplib.SMTP,
    envelope: Envelope,
    recipients: list[CheckedAddress],
    progress: _Progress,
) -> DeliveryResult:
    """One MAIL/RCPT/DATA of the exact bytes; server answers become per-recipient outcomes.

    Domains go out IDNA-encoded; a non-ASCII local part only with SMTPUTF8, and to a server
    that does not offer it the row fails permanently, saying so.
    """
    await client.ehlo() if client.is_ehlo_or_helo_needed else None
    utf8 = any(r.smtputf8 for r in recipients)
    if utf8 and not client.supports_extension("smtputf8"):
        why = "the address's local part is not ASCII and the mail server does not offer SMTPUTF8"
        return DeliveryResult(permanent=[(r, why) for r in envelope.recipients])
    options, encoding = (["SMTPUTF8"], "utf-8") if utf8 else ([], "ascii")
    try:
        await client.mail(envelope.sender, options=options, encoding=encoding)
        answers = await _recipients(client, envelope, recipients, encoding)
        if len(answers) == len(recipients):
            await _reset(client)
            return _classify(answers, refused_at_rcpt=True)
        progress.data_sent = True
        await client.data(envelope.content)
    except aiosmtplib.SMTPResponseException as exc:
        await _reset(client) if exc.code != 421 else client.close()
        reason = f"{exc.code} {exc.message}"
        failed = [(r, reason) for r in envelope.recipients]
        return (
            DeliveryResult(permanent=failed)
            if exc.code >= 500
            else DeliveryResult(temporary=failed)
        )
    return _classify(answers, refused_at_rcpt=True)


async def _recipients(
    client: aiosmtplib.SMTP,
    envelope: Envelope,
    recipients: list[CheckedAddress],
    encoding: str,
) -> dict[str, tuple[int, str]]:
    """RCPT each recipient; the refused ones with the server's code and text."""
    refused = {}
    for given, checked in zip(envelope.recipients, recipients, strict=True):
        try:
            await client.rcpt(checked.wire, encoding=encoding)
        except aiosmtplib.SMTPRecipientRefused as exc:
            refused[given] = (exc.code, exc.message)
    return refused


async def _reset(client: aiosmtplib.SMTP) -> None:
    """End a refused transaction so the pooled connection can carry the next one."""
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _classify(refused: Mapping[str, tuple[int, str]], *, refused_at_rcpt: bool) -> DeliveryResult:
    result = DeliveryResult()
    for recipient, (code, message) in refused.items():
        target = result.permanent if int(code) >= 500 else result.temporary
        target.append((recipient, f"{code} {message}"))
        if int(code) >= 500 and refused_at_rcpt:
            result.refused.append(recipient)  # the address itself: its channel gets a check
    return result
