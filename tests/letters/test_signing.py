"""The organisation's PAdES signature: applied last, checked by ``verify``."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from letters.attach import ParsedAnnex
from letters.produce import render_letter
from letters.signing import PdfSigner, verify
from tests.letters.builders import RENDERERS, catalog, letter, page_texts
from tests.letters.test_annex import many, render

PASSPHRASE = b"throwaway"


def make_key_file(path: Path, name: str = "Example Petition Organisers") -> Path:
    """A PKCS#12 file with a fresh RSA key and a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime(2021, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=36500))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, certificate, None, serialization.BestAvailableEncryption(PASSPHRASE)
        )
    )
    return path


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> PdfSigner:
    return PdfSigner(make_key_file(tmp_path_factory.mktemp("key") / "org.p12"), PASSPHRASE)


@pytest.fixture(scope="module")
def annex() -> ParsedAnnex:
    return ParsedAnnex(render(many(300)).content)


@pytest.fixture(scope="module")
def signed(signer: PdfSigner, annex: ParsedAnnex) -> bytes:
    return render_letter(RENDERERS, letter("en"), annex=annex, signer=signer)["pdf"].content


def test_signed_letter_verifies_intact_valid_and_whole(signer: PdfSigner, signed: bytes) -> None:
    """The signature covers the whole file (cover and annex), unchanged and valid."""
    [check] = verify(signed, trusted=[signer.certificate])
    assert (check.intact, check.valid, check.whole_document, check.trusted) == (
        True,
        True,
        True,
        True,
    )
    assert "Example Petition Organisers" in check.signer


def test_unknown_certificate_is_valid_but_not_trusted(signed: bytes) -> None:
    """Without our certificate as a trust root the signature checks out but is not trusted."""
    [check] = verify(signed)
    assert (check.valid, check.trusted) == (True, False)


def test_signature_comes_after_the_annex(annex: ParsedAnnex, signed: bytes) -> None:
    """Signing last keeps every page: the cover's, then the annex's."""
    cover = RENDERERS["pdf"].render(letter("en")).content
    assert len(page_texts(signed)) == len(page_texts(cover)) + annex.pages


def test_signed_letter_keeps_pdf_a_metadata(signed: bytes) -> None:
    """The signature is an incremental update: the cover's XMP and output intent remain."""
    root = catalog(signed)
    assert 'pdfaid:part="3"' in root["/Metadata"].get_object().get_data().decode()
    assert "/OutputIntents" in root


def test_changed_byte_is_detected(signer: PdfSigner, signed: bytes) -> None:
    """One altered byte inside the signed range makes the signature not intact."""
    at = signed.index(b"/Lang")
    tampered = signed[:at] + b"/Lanh" + signed[at + 5 :]
    [check] = verify(tampered, trusted=[signer.certificate])
    assert not check.intact


def test_unsigned_pdf_has_no_signature() -> None:
    """An ordinary letter PDF reports no signatures at all."""
    assert verify(RENDERERS["pdf"].render(letter("en")).content) == []


def test_email_attaches_the_signed_pdf(signer: PdfSigner, annex: ParsedAnnex) -> None:
    """The email carries the final (annexed, signed) PDF, not the bare cover."""
    documents = render_letter(RENDERERS, letter("en"), annex=annex, signer=signer)
    message = email.message_from_bytes(documents["email"].content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == documents["pdf"].content
