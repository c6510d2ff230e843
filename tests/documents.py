"""Stand-in documents for tests that need letters rendered but are not about rendering.

A test of review, the outbox, replies or the web pages needs letters *in a state* (in review,
approved, queued, sent) with their files on disk and their ``Document`` rows recorded; laying out
eight letters through WeasyPrint and python-docx to get there cost a second or more per test.
``stand_in_render`` runs the product's own render path (compose, store, hash, review texts,
audit) with the PDF and DOCX renderers replaced by these: a one-page PDF that any reader opens,
naming the letter, and a small DOCX-typed blob; the email renderer stays the real one, so the
outbox sends (and a reply quotes) exactly what it would. Each letter's bytes are its own, so a
hash still tells one letter's file from another's.

Rule: a test about what a document says or looks like renders for real (``tests.helpers``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from bootstrap import Services
from letters.compose import ComposedLetter
from letters.documents import RenderedDocument, Renderer
from letters.email import EmailRenderer
from letters.service import UNFINISHED, RenderSummary

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_bytes(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII) in Helvetica, with a correct xref table."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({escaped}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def label(letter: ComposedLetter) -> str:
    """What a stand-in document says: the letter, its addressee, language and Message-ID."""
    return (
        f"Stand-in letter {letter.letter_id} to {letter.addressee_key} "
        f"({letter.language}) {letter.message_id}"
    )


class StandInPdf:
    def render(self, letter: ComposedLetter) -> RenderedDocument:
        return RenderedDocument(pdf_bytes(label(letter)), "application/pdf", "pdf")


class StandInDocx:
    def render(self, letter: ComposedLetter) -> RenderedDocument:
        return RenderedDocument(label(letter).encode(), DOCX_TYPE, "docx")


@cache
def stand_in_renderers(templates_dir: Path) -> dict[str, Renderer]:
    """pdf and docx stand-ins, the real email renderer (one set per test process)."""
    return {"pdf": StandInPdf(), "docx": StandInDocx(), "email": EmailRenderer(templates_dir)}


@contextmanager
def stand_ins(s: Services) -> Iterator[None]:
    """``s`` renders with the stand-ins inside the block, with its own renderers after."""
    own = s.__dict__.pop("renderers", None)  # a cached_property: the instance's value wins
    s.__dict__["renderers"] = stand_in_renderers(s.settings.templates_dir)
    try:
        yield
    finally:
        del s.__dict__["renderers"]
        if own is not None:
            s.__dict__["renderers"] = own


def stand_in_render(s: Services, batch_id: int) -> RenderSummary:
    """Render the batch's pending letters with stand-in PDF and DOCX files (no annex): the
    rows, files, hashes, review texts and audit the real render leaves, in milliseconds."""
    with stand_ins(s):
        return s.render(batch_id, actor="test", finishing=UNFINISHED)


def stand_in_rerender(s: Services, letter_id: int) -> RenderSummary:
    """Render one letter again as a new revision, with stand-in PDF and DOCX files."""
    with stand_ins(s):
        return s.rerender(letter_id, actor="test", finishing=UNFINISHED)
