"""The signatory annex on its own: names typeset in columns, headed, numbered, byte-stable."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from letters.annex import AnnexDocument, AnnexEntry, AnnexRenderer, AnnexWording
from tests.letters.builders import TEMPLATES, embedded_fonts, page_texts

WORDING = AnnexWording(
    heading="Signatories — De-recognise Lukashenka, as of 19 September 2021",
    intro="3 people agreed to have their names shown here.",
    page="Signatories, page {page} of {pages}",
    language="en",
)
# Belarusian, Russian, Polish, Lithuanian and Latvian letters the bundled fonts must have.
PEOPLE = [
    AnnexEntry("Уладзімір Ўсцінаў", "Мінск, Беларусь"),
    AnnexEntry("Łucja Wiśniewska", "Białystok, Poland"),
    AnnexEntry("Kęstutis Žemaitėlis", "Kaunas, Lithuania"),
    AnnexEntry("Ņina Bērziņa", "Rīga, Latvia"),
    AnnexEntry("Ольга Смирнова", ""),
]


# Scripts PT Sans lacks, drawn in the bundled Noto subsets (Hebrew reordered right to left).
FALLBACK_PEOPLE = [
    AnnexEntry("Νίκος Παπαδόπουλος", "Athens, Greece"),
    AnnexEntry("יעל כהן", "Haifa, Israel"),
    AnnexEntry("ნინო ბერიძე", "Tbilisi, Georgia"),
    AnnexEntry("ليلى حداد", "Beirut, Lebanon"),
]
BUNDLED_FONTS = {"PTSans", "NotoSans", "NotoSansHebrew", "NotoSansGeorgian", "NotoSansArabic"}


def render(entries: list[AnnexEntry], wording: AnnexWording = WORDING) -> AnnexDocument:
    return AnnexRenderer(TEMPLATES).render(entries, template="letter", wording=wording)


def many(count: int) -> list[AnnexEntry]:
    return [AnnexEntry(f"Signer Number{i}", f"City{i}, Country") for i in range(count)]


@pytest.fixture(scope="module")
def small() -> AnnexDocument:
    return render(PEOPLE)


@pytest.fixture(scope="module")
def scripts() -> AnnexDocument:
    return render([*PEOPLE, *FALLBACK_PEOPLE])


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    """The annex's text as poppler reads it (right-to-left words back in logical order)."""
    path = tmp_path / "annex.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert (out.returncode, out.stderr) == (0, "")
    return out.stdout


@pytest.fixture(scope="module")
def long() -> AnnexDocument:
    return render(many(2000))


@pytest.mark.parametrize("entry", PEOPLE, ids=lambda e: e.name)
def test_each_name_and_place_is_in_the_text(small: AnnexDocument, entry: AnnexEntry) -> None:
    """Every consenting signer's name and place can be found in the annex, in any script."""
    text = page_texts(small.content)[0]
    assert entry.name in text
    assert entry.place in text


def test_counts_names_and_pages(small: AnnexDocument) -> None:
    """The annex reports how many names it holds and on how many pages."""
    assert (small.names, small.pages, small.altered) == (len(PEOPLE), 1, 0)


def test_same_entries_give_identical_bytes(small: AnnexDocument) -> None:
    """Rendering again gives byte-identical output (ReportLab invariant mode)."""
    assert render(PEOPLE).content == small.content


def test_different_entries_give_different_bytes(small: AnnexDocument) -> None:
    """The determinism is not a cache: one more name changes the bytes."""
    assert render([*PEOPLE, AnnexEntry("Anna Nowak", "")]).content != small.content


def test_names_are_set_in_several_columns(long: AnnexDocument) -> None:
    """2,000 one-line names fit on far fewer pages than one column per page would need."""
    assert long.pages <= 2000 // (3 * 60) + 1


def test_every_page_has_the_heading_and_its_number(long: AnnexDocument) -> None:
    """Each page is headed with the appeal and date, and numbered 'page N of M'."""
    texts = page_texts(long.content)
    assert len(texts) == long.pages
    for number, text in enumerate(texts, start=1):
        assert WORDING.heading in text
        assert f"Signatories, page {number} of {long.pages}" in text


def test_intro_is_on_the_first_page_only(long: AnnexDocument) -> None:
    """The sentence about consent opens the annex and is not repeated."""
    texts = page_texts(long.content)
    assert WORDING.intro in texts[0]
    assert all(WORDING.intro not in text for text in texts[1:])


def test_names_keep_their_order_across_pages(long: AnnexDocument) -> None:
    """Names run down the columns and on to the next page in the order given."""
    text = " ".join(page_texts(long.content))
    positions = [text.index(f"Number{i} ") for i in (0, 1, 500, 1999)]
    assert positions == sorted(positions)


def test_only_the_bundled_pt_sans_is_embedded(small: AnnexDocument, tmp_path: Path) -> None:
    """pdffonts lists the template set's PT Sans only, embedded (no Helvetica, no host font)."""
    fonts = embedded_fonts(small.content, tmp_path)
    assert {name.split("-")[0] for name, _ in fonts} == {"PTSans"}
    assert {embedded for _, embedded in fonts} == {"yes"}


@pytest.mark.parametrize("entry", FALLBACK_PEOPLE, ids=lambda e: e.place)
def test_greek_hebrew_and_georgian_names_are_drawn(
    scripts: AnnexDocument, entry: AnnexEntry, tmp_path: Path
) -> None:
    """A Greek, Hebrew, Georgian or Arabic name is in the annex's text as written (Arabic in
    its joined presentation forms, the same letters under NFKC), with its place."""
    text = pdftotext(scripts.content, tmp_path)
    line = next(line for line in text.splitlines() if entry.place in line)
    assert entry.name in unicodedata.normalize("NFKC", line)
    assert "?" not in line


def test_other_scripts_count_as_unaltered(scripts: AnnexDocument) -> None:
    """Names in the bundled fallback fonts' scripts are not counted as altered."""
    assert (scripts.names, scripts.altered) == (len(PEOPLE) + len(FALLBACK_PEOPLE), 0)


def test_hebrew_is_drawn_right_to_left(tmp_path: Path) -> None:
    """Hebrew glyphs are drawn in display order: read left to right, the name is reversed."""
    annex = render([AnnexEntry("יעל כהן", "")])
    path = tmp_path / "annex.pdf"
    path.write_bytes(annex.content)
    command = ["pdftotext", "-bbox", str(path), "-"]  # each word's glyphs as drawn, left to right
    boxes = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([\u0590-\u05ff]+)</word>', boxes)
    drawn = " ".join(word for _, word in sorted(words, key=lambda found: float(found[0])))
    assert drawn == "יעל כהן"[::-1]


def test_fallback_fonts_are_bundled_and_embedded(scripts: AnnexDocument, tmp_path: Path) -> None:
    """pdffonts lists only PT Sans and the bundled Noto subsets, every one embedded."""
    fonts = embedded_fonts(scripts.content, tmp_path)
    assert {name.split("-")[0] for name, _ in fonts} == BUNDLED_FONTS
    assert {embedded for _, embedded in fonts} == {"yes"}


def test_latin_names_use_no_fallback_font(long: AnnexDocument, tmp_path: Path) -> None:
    """An annex of Latin names embeds no Noto font: it takes PT Sans's plain path alone."""
    fonts = embedded_fonts(long.content, tmp_path)
    assert {name.split("-")[0] for name, _ in fonts} == {"PTSans"}


def test_greek_heading_and_overlong_greek_name_fit() -> None:
    """Wording in a fallback script is drawn too, and a long Greek name is cut with '…'."""
    wording = AnnexWording("Υπογράφοντες", "Ένας άνθρωπος.", "Σελίδα {page} από {pages}", "el")
    annex = render([AnnexEntry("Παπαδόπουλος" * 6, "Αθήνα")], wording)
    text = page_texts(annex.content)[0]
    assert all(words in text for words in ("Υπογράφοντες", "Ένας άνθρωπος.", "Σελίδα 1 από 1"))
    assert "Παπαδόπουλος" * 6 not in text
    assert "…" in text
    assert "Αθήνα" in text


def test_missing_glyph_becomes_a_question_mark() -> None:
    """A character the fonts lack is printed as '?' and counted, never as an invisible box."""
    annex = render([AnnexEntry("李小龍 Lee", "Hong Kong")])
    assert annex.altered == 1
    assert "??? Lee" in page_texts(annex.content)[0]


def test_character_no_bundled_font_has_becomes_a_question_mark() -> None:
    """In a Greek name, a CJK character (no bundled font has it) is still '?' and counted."""
    annex = render([AnnexEntry("Νίκος 李", "Athens, Greece")])
    assert annex.altered == 1
    assert "Νίκος ?" in page_texts(annex.content)[0]


def test_overlong_name_is_cut_with_an_ellipsis() -> None:
    """A name wider than its column ends in '…' instead of running into the next column."""
    annex = render([AnnexEntry("Maximilian " + "Wolfeschlegelsteinhausen" * 4, "Berlin")])
    text = page_texts(annex.content)[0]
    assert "…" in text
    assert "Berlin" in text


def test_markup_in_a_name_is_printed_as_text() -> None:
    """Angle brackets or PDF syntax in a name are text, never markup or PDF operators."""
    annex = render([AnnexEntry("<b>Bold</b> (x) Tj \\", "")])
    assert "<b>Bold</b> (x) Tj \\" in page_texts(annex.content)[0]


def test_pdftotext_reads_it_without_complaint(small: AnnexDocument, tmp_path: Path) -> None:
    """poppler parses the annex cleanly (nothing on stderr)."""
    path = tmp_path / "annex.pdf"
    path.write_bytes(small.content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stderr == ""


def test_arabic_is_joined_and_right_to_left() -> None:
    """An Arabic name is drawn in its joined presentation forms, in display order."""
    annex = render([AnnexEntry("ليلى", "")])
    text = page_texts(annex.content)[0].split()[-1]
    assert text == "\ufedf\ufef4\ufee0\ufef0"  # initial lam, medial yeh, medial lam, final alef
    assert unicodedata.normalize("NFKC", text) == "ليلى"


def test_an_undrawable_name_is_reported_by_signer() -> None:
    """A name with a character no bundled font has is printed with '?' and its signer named."""
    annex = render([AnnexEntry("Ann 🙂", "", "signer 7"), AnnexEntry("Bo", "", "signer 8")])
    assert annex.undrawable == ("signer 7",)
