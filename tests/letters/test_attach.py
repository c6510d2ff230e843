"""A letter PDF is its cover followed by the batch's annex, with the cover's PDF/A identity."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from letters import attach
from letters.annex import AnnexEntry
from letters.attach import ParsedAnnex
from letters.pdf import PdfRenderer
from tests.letters.builders import TEMPLATES, catalog, letter, metadata, page_texts
from tests.letters.test_annex import WORDING, many, render

COVER = PdfRenderer(TEMPLATES).render(letter("ru")).content


@pytest.fixture(scope="module")
def annex() -> ParsedAnnex:
    return ParsedAnnex(render([AnnexEntry("Ўлада Ясюкевіч", "Мінск"), *many(400)]).content)


@pytest.fixture(scope="module")
def merged(annex: ParsedAnnex) -> bytes:
    return annex.attach_to(COVER)


def test_pages_are_the_cover_then_the_annex(annex: ParsedAnnex, merged: bytes) -> None:
    """The letter has the cover's pages first, then every annex page."""
    cover_pages = page_texts(COVER)
    pages = page_texts(merged)
    assert len(pages) == len(cover_pages) + annex.pages
    assert pages[: len(cover_pages)] == cover_pages
    assert "Ўлада Ясюкевіч" in pages[len(cover_pages)]
    assert WORDING.heading in pages[-1]


def test_cover_bytes_are_kept_unchanged_at_the_front(merged: bytes) -> None:
    """The annex is an incremental update: the cover's own bytes are the file's prefix."""
    assert merged.startswith(COVER)


def test_pdf_a_metadata_and_output_intent_are_the_covers(merged: bytes) -> None:
    """XMP (PDF/A-3u), output intent, /Lang and title survive the merge."""
    root = catalog(merged)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "ru"
    assert metadata(merged).title == letter("ru").subject


def test_same_cover_and_annex_give_identical_bytes(annex: ParsedAnnex, merged: bytes) -> None:
    """Attaching again, even from a freshly parsed annex, gives the same bytes."""
    assert ParsedAnnex(annex.content).attach_to(COVER) == merged


def test_another_cover_gets_its_own_letter(annex: ParsedAnnex) -> None:
    """The parsed annex is reused: an English cover gets the same annex pages after its own."""
    english = PdfRenderer(TEMPLATES).render(letter("en")).content
    pages = page_texts(annex.attach_to(english))
    assert letter("en").heading in pages[0]
    assert pages[-annex.pages :] == page_texts(annex.content)


def test_matches_pypdf_clone_and_append(annex: ParsedAnnex, merged: bytes) -> None:
    """Page for page, the text equals what pypdf's PdfWriter(clone_from).append() makes."""
    writer = PdfWriter(clone_from=io.BytesIO(COVER))
    writer.append(PdfReader(io.BytesIO(annex.content)))
    out = io.BytesIO()
    writer.write(out)
    assert page_texts(merged) == page_texts(out.getvalue())


@pytest.mark.parametrize("command", [["pdfinfo"], ["pdftotext", "-layout"]], ids=lambda c: c[0])
def test_poppler_reads_it_without_complaint(
    merged: bytes, tmp_path: Path, command: list[str]
) -> None:
    """poppler parses the merged file with no repair warnings on stderr."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(merged)
    out = subprocess.run([*command, str(path)], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stderr == ""


def test_objects_read_alone_are_pypdfs(annex: ParsedAnnex, merged: bytes) -> None:
    """The cover's catalogue and page tree, read alone out of their object stream, are the
    objects pypdf reads with the whole stream; the letter is the same bytes either way."""
    reader = PdfReader(io.BytesIO(COVER))
    root = reader.trailer.raw_get("/Root")
    assert root.idnum in reader.xref_objStm  # the case read alone
    catalog = attach._lone_object(reader, root)
    tree = catalog.raw_get("/Pages")
    expected = PdfReader(io.BytesIO(COVER))  # a reader of its own: references compare by it
    for ref, alone in [(root, catalog), (tree, attach._lone_object(reader, tree))]:
        whole = expected.get_object(ref.idnum)
        assert attach._serialise(1, 0, alone) == attach._serialise(1, 0, whole)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(attach, "_lone_object", lambda _reader, ref: ref.get_object())
        assert annex.attach_to(COVER) == merged
