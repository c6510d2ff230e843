"""The letter as an email: MIME structure, headers, the attached PDF, and stable bytes."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8, default

import pytest
from pydantic import ValidationError

from campaigns.appeal import Appeal
from errors import TemplateError
from letters import email as email_module
from letters.compose import Attachment, ComposedLetter
from letters.documents import RenderedDocument
from letters.service import render_letter
from tests.letters.builders import (
    APPEAL,
    MESSAGE_ID,
    RENDERERS,
    REPLY_TO,
    addressee,
    letter,
    with_body,
)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None
    return str(body.get_content())


def _parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.fixture(scope="module")
def documents() -> dict[str, RenderedDocument]:
    """The Russian letter to the Ukrainian ministry, as PDF and email."""
    return render_letter(RENDERERS, letter("ru"))


@pytest.fixture(scope="module")
def message(documents: dict[str, RenderedDocument]) -> EmailMessage:
    return _parse(documents["email"].content)


def test_mime_tree_is_text_and_html_alternatives_plus_the_pdf(message: EmailMessage) -> None:
    """multipart/mixed holds a text/html alternative and one PDF attachment."""
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]


def test_attachment_is_exactly_the_rendered_pdf(
    documents: dict[str, RenderedDocument], message: EmailMessage
) -> None:
    """The attached bytes are the PDF rendered alongside, byte for byte."""
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "appeal-mfa-ukraine.pdf"
    assert attachment.get_content() == documents["pdf"].content


def test_subject_is_the_appeal_subject_in_the_letter_language(message: EmailMessage) -> None:
    """The Cyrillic subject survives encoding and decoding."""
    assert message["Subject"] == APPEAL.texts["ru"].subject


def test_from_is_the_signing_person(message: EmailMessage) -> None:
    """From names the sender and their address."""
    assert message["From"].addresses[0].display_name == "Masha Zabara"
    assert message["From"].addresses[0].addr_spec == "petition@derecognition.example"


def test_to_is_the_addressee(message: EmailMessage) -> None:
    """To carries the registry name and email."""
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (
        "Ministry of Foreign Affairs of Ukraine",
        "mfa@ukraine-mfa.example",
    )


def test_reply_to_carries_the_letter_token(message: EmailMessage) -> None:
    """Replies go to reply+<token>@<reply domain>, so they can be matched to this letter."""
    assert message["Reply-To"].addresses[0].addr_spec == REPLY_TO


def test_message_id_is_fixed_before_rendering(message: EmailMessage) -> None:
    """The Message-ID is the letter's own, chosen when the batch was made."""
    assert message["Message-ID"] == MESSAGE_ID


def test_date_is_the_letter_date(message: EmailMessage) -> None:
    """Date is the batch date, not the moment of rendering."""
    assert message["Date"] == "Mon, 20 Sep 2021 09:00:00 +0000"


def test_content_language_is_on_the_message(message: EmailMessage) -> None:
    """The top-level Content-Language names the letter's language."""
    assert message["Content-Language"] == "ru"


def test_same_letter_gives_identical_email_bytes(documents: dict[str, RenderedDocument]) -> None:
    """Boundaries and dates derive from the letter, so a second render is byte-identical."""
    assert render_letter(RENDERERS, letter("ru"))["email"].content == documents["email"].content


def test_text_part_is_plain_not_html_escaped() -> None:
    """Ampersands and quotes stay as typed in the text/plain alternative."""
    appeal = with_body('Lukashenka\'s regime & its "elections".')
    message = _parse(render_letter(RENDERERS, letter(appeal=appeal))["email"].content)
    text = _part(message, "plain")
    assert 'Lukashenka\'s regime & its "elections".' in text


def test_text_part_has_whole_paragraphs_without_markdown() -> None:
    """The body's source line breaks and Markdown marks do not reach the text/plain part: one
    line per paragraph (mail clients wrap), a link keeps its address, list items their mark."""
    body = "We write\nto **you** about [the petition](https://petition.example/p).\n\n- one\n- two"
    message = _parse(render_letter(RENDERERS, letter(appeal=with_body(body)))["email"].content)
    text = _part(message, "plain").replace("\r\n", "\n")
    assert (
        "We write to you about the petition (https://petition.example/p).\n\n- one\n\n- two" in text
    )
    assert "**" not in text


def test_html_part_escapes_body_markup() -> None:
    """Raw HTML in the body is shown, not executed, in the text/html alternative."""
    appeal = with_body("<script>alert(1)</script>")
    message = _parse(render_letter(RENDERERS, letter(appeal=appeal))["email"].content)
    html = _part(message, "html")
    assert "&lt;script&gt;" in html
    assert "<script>" not in html


@pytest.mark.parametrize("name", ["X\r\nBcc: evil@example.org", "X\nBcc: evil@example.org"])
def test_line_break_in_addressee_name_cannot_add_a_header(name: str) -> None:
    """A registry name smuggling a Bcc header is refused; no email is produced."""
    with pytest.raises(TemplateError, match="CR or LF"):
        render_letter(RENDERERS, letter(to=addressee(name=name)))


def test_appeal_with_line_break_in_subject_is_invalid() -> None:
    """The first line of defence: an appeal file cannot define a multi-line subject."""
    data = APPEAL.model_dump()
    data["texts"]["en"]["subject"] = "Appeal\r\nBcc: evil@example.org"
    with pytest.raises(ValidationError, match="line break"):
        Appeal.model_validate(data)


def test_line_break_in_subject_cannot_add_a_header() -> None:
    """A subject that slipped past validation with CR/LF is refused by the renderer."""
    crafted = replace(letter(), subject="Appeal\r\nBcc: evil@example.org")
    with pytest.raises(TemplateError, match="unsafe header"):
        RENDERERS["email"].render(crafted)


def test_letter_without_email_address_has_only_a_pdf() -> None:
    """An addressee reachable only by post gets a PDF and no email."""
    documents = render_letter(RENDERERS, letter(to=addressee(email="")))
    assert set(documents) == {"pdf"}


def _library_bytes(letter_with_pdf: ComposedLetter, pdf: bytes) -> bytes:
    """The email as the standard library writes it when it encodes the attachment itself: the
    renderer's output with the same headers and boundaries, built the slow, obvious way."""
    rendered = _parse(RENDERERS["email"].render(letter_with_pdf).content)
    slow = EmailMessage(policy=SMTP)
    for name in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID"):
        slow[name] = rendered[name]
    slow.set_content(_part(rendered, "plain"))
    slow.add_alternative(_part(rendered, "html"), subtype="html")
    slow.add_attachment(pdf, maintype="application", subtype="pdf", filename="appeal.pdf")
    slow["Content-Language"] = rendered["Content-Language"]
    for ours, theirs in zip(rendered.walk(), slow.walk(), strict=True):
        if ours.is_multipart():
            boundary = ours.get_boundary()
            assert boundary is not None
            theirs.set_boundary(boundary)
    return slow.as_bytes()


@pytest.mark.parametrize("size", [1, 56, 57, 58, 114, 100_003])
def test_attachment_bytes_are_what_the_library_writes(size: int) -> None:
    """The fast attachment encoding gives the same bytes as the library's own, whatever the
    attachment's length (57 bytes make one 76-column base64 line)."""
    pdf = bytes(range(256)) * (size // 256 + 1)
    pdf = pdf[:size]
    attached = replace(letter(), attachments=(Attachment("appeal.pdf", "application/pdf", pdf),))
    ours = RENDERERS["email"].render(attached).content
    assert ours == _library_bytes(attached, pdf)
    attachment = next(_parse(ours).iter_attachments())
    assert attachment.get_content() == pdf


def test_a_long_subject_starts_on_the_subject_line() -> None:
    """A subject just too long for one line is folded after its first words, never right
    after the colon (which parsers read as a leading space)."""
    subject = "Petition: do not recognise Aleksandr Lukashenko as President of Belarus"
    texts = dict(APPEAL.texts)
    texts["en"] = texts["en"].model_copy(update={"subject": subject})
    made = letter("en", appeal=APPEAL.model_copy(update={"texts": texts}))
    raw = RENDERERS["email"].render(made).content
    assert b"\r\nSubject: Petition: do not" in raw
    parsed = message_from_bytes(raw, policy=default)
    assert parsed["Subject"] == subject


@pytest.mark.parametrize(
    "made",
    [
        letter("en"),
        letter("ru"),
        letter("ru", to=addressee(email="андрей@мид.example")),  # an SMTPUTF8 message
        letter("en", to=addressee(key="mfa-poland", name="Ministry of Poland", email="a@b.pl")),
    ],
)
def test_remembered_headers_are_the_librarys_bytes(made: ComposedLetter) -> None:
    """With headers parsed and folded once per process (``letters.email_headers``), twice
    over, the message is what the library's own policies write."""
    pdf = Attachment("appeal.pdf", "application/pdf", b"%PDF-1.7 tiny")
    made = replace(made, attachments=(pdf,))
    ours = [RENDERERS["email"].render(made).content for _ in range(2)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(email_module, "SMTP", SMTP)
        patch.setattr(email_module, "SMTPUTF8", SMTPUTF8)
        library = RENDERERS["email"].render(made).content
    assert ours == [library, library]
