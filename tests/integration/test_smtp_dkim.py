"""DKIM: the transport signs the exact approved bytes; a receiver verifies the signature."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from delivery.dkim_sign import DkimSigner
from delivery.smtp import SmtpConfig, SmtpTransport
from tests.integration.test_smtp import Recorder, free_port
from tests.integration.test_smtp_pool import envelope

pytestmark = pytest.mark.integration


def key_pair(tmp_path: Path) -> tuple[Path, bytes]:
    """A throwaway RSA key file and its DNS TXT record."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = tmp_path / "dkim.pem"
    path.write_bytes(pem)
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_signed_message_verifies_and_keeps_the_bytes(tmp_path: Path) -> None:
    """The server receives a DKIM-Signature, then the approved bytes unchanged; it verifies."""
    recorder, smtp_port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    path, record = key_pair(tmp_path)
    signer = DkimSigner.from_file(path, selector="s1", domain="org.example")
    config = SmtpConfig.from_url(f"smtp://127.0.0.1:{smtp_port}?starttls=off", timeout=10)
    smtp = SmtpTransport(config, pool_size=1, dkim=signer)
    original = envelope(1, "desk@mfa.example")

    async def send() -> None:
        try:
            assert (await smtp.send(original)).ok
        finally:
            await smtp.aclose()

    try:
        asyncio.run(send())
    finally:
        controller.stop()
    [received] = recorder.received
    assert received.content.startswith(b"DKIM-Signature:")
    assert received.content.endswith(original.content)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        return record if name == b"s1._domainkey.org.example." else b""

    assert dkim.verify(received.content, dnsfunc=dns)
