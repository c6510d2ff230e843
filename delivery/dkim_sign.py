"""Optional DKIM signing (dkimpy) of the exact approved bytes, just before they are sent.

Rule: the signature header is prepended; the approved bytes follow unchanged, so what was
approved is byte for byte what the receiver verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from errors import AdvocacyError

SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"mime-version")


@dataclass(frozen=True)
class DkimSigner:
    selector: str
    domain: str
    private_key: bytes

    @classmethod
    def from_file(cls, path: Path, *, selector: str, domain: str) -> DkimSigner:
        if not selector or not domain:
            raise AdvocacyError(
                "ADVOCACY_DKIM_KEY_FILE needs ADVOCACY_DKIM_SELECTOR and ADVOCACY_DKIM_DOMAIN"
            )
        return cls(selector, domain, path.read_bytes())

    def sign(self, content: bytes) -> bytes:
        """``DKIM-Signature: …`` followed by ``content`` unchanged (relaxed/relaxed, rsa-sha256)."""
        import dkim  # dkimpy loads its crypto stack (~0.08 s); only a signing transport needs it

        header = dkim.sign(
            content,
            self.selector.encode(),
            self.domain.encode(),
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=list(SIGNED_HEADERS),
        )
        return bytes(header) + content
