"""The organisation's PAdES signature on a letter PDF (pyHanko), and checking one.

Rule: signing is the LAST change to a letter's PDF (after the annex is attached): anything
written after it breaks the signature. It is an incremental update, so the cover's PDF/A
metadata stays. The key is read from a PKCS#12 file named in settings; without one, letters are
not signed. A signed PDF is not byte-identical across renders (the signature carries the
signing time); the review pins whatever bytes were made.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from errors import AdvocacyError, InputError, Problem

FIELD = "AdvocacySignature"


@dataclass(frozen=True)
class SignatureCheck:
    """What ``verify`` found for one signature."""

    signer: str
    signed_at: str
    intact: bool  # the signed bytes hash to what the signature says
    valid: bool  # the signature over that hash checks out with the signer's key
    trusted: bool  # the signer's certificate chains to a trusted root (ours, when configured)
    whole_document: bool  # nothing was added after signing except allowed updates


@dataclass
class PdfSigner:
    """Signs PDFs with the key and certificate in a PKCS#12 file (loaded on first use, so the
    signer can be sent to render worker processes as just a path and a passphrase)."""

    key_file: Path
    passphrase: bytes | None = None
    reason: str = "Signed appeal"
    _signer: Any = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_signer": None}

    def _loaded(self) -> Any:
        if self._signer is None:
            if not self.key_file.is_file():
                raise InputError([Problem(str(self.key_file), None, "file", "does not exist")])
            self._signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
                str(self.key_file), passphrase=self.passphrase
            )
            if self._signer is None:
                raise AdvocacyError(f"cannot read the signing key in {self.key_file}")
        return self._signer

    @property
    def certificate(self) -> Any:  # asn1crypto's x509.Certificate (untyped)
        return self._loaded().signing_cert

    def sign(self, pdf: bytes) -> bytes:
        """``pdf`` with a PAdES baseline signature appended as an incremental update."""
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, reason=self.reason, subfilter=fields.SigSeedSubFilter.PADES
        )
        output = signers.PdfSigner(meta, signer=self._loaded()).sign_pdf(writer)
        return bytes(output.getvalue())


def verify(pdf: bytes, *, trusted: list[Any] | None = None) -> list[SignatureCheck]:
    """Check every signature in ``pdf``; an empty list means it is not signed."""
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=trusted or [])
    checks = []
    for embedded in reader.embedded_signatures:
        # An untrusted certificate is reported as trusted=False; pyHanko would also log it
        # as a warning with a traceback.
        quiet = logging.getLogger("pyhanko.sign.validation.generic_cms")
        level, quiet.level = quiet.level, logging.ERROR
        try:
            status = validate_pdf_signature(embedded, signer_validation_context=context)
        finally:
            quiet.setLevel(level)
        checks.append(
            SignatureCheck(
                signer=status.signing_cert.subject.human_friendly,
                signed_at=str(status.signer_reported_dt or "unknown"),
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                whole_document=embedded.coverage is not None
                and embedded.coverage.name == "ENTIRE_FILE",
            )
        )
    return checks
