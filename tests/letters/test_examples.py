"""The five seed appeals' example files render letters that say what each appeal asks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from campaigns.appeal import Appeal, load_appeal
from tests.letters.builders import RENDERERS, addressee, letter
from tests.letters.test_pdf_format import RENDERER

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The count each seed appeal reports (or its goal, where the page showed none yet).
COUNTS = {
    "appeal-eu-leaders-2020.yaml": (91_770, "91,770"),
    "appeal-rigged-results-2020.yaml": (150_000, "150,000"),
    "appeal-warsaw-2023.yaml": (1_000, "1,000"),
    "appeal-civil-society-2020.yaml": (140, "140"),
    "appeal-derecognition.yaml": (13_154, "13,154"),
    "appeal-derecognition-2021.yaml": (13_154, "13,154"),
}
TO = addressee(
    key="uk-fcdo",
    name="Foreign, Commonwealth and Development Office",
    official_name="",
    country="GB",
    languages="en",
    postal_address="King Charles Street\nLondon SW1A 2AH\nUnited Kingdom",
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert out.stderr == ""
    return _flat(out.stdout)


@pytest.fixture(scope="module", params=sorted(COUNTS))
def example(request: pytest.FixtureRequest) -> tuple[Appeal, int, str]:
    count, shown = COUNTS[request.param]
    return load_appeal(EXAMPLES / request.param), count, shown


@pytest.fixture(scope="module")
def text(example: tuple[Appeal, int, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    appeal, count, _ = example
    composed = letter(appeal.default_language, appeal=appeal, to=TO, count=count)
    return pdftotext(RENDERER.render(composed).content, tmp_path_factory.mktemp("pdf"))


def test_every_example_file_is_covered() -> None:
    """Each appeal file in examples/ is one of the seed appeals checked here."""
    assert {p.name for p in EXAMPLES.glob("appeal-*.yaml")} == set(COUNTS)


def test_demands_are_in_the_pdf(example: tuple[Appeal, int, str], text: str) -> None:
    """pdftotext finds every demand of the letter's language, whole."""
    appeal = example[0]
    for demand in appeal.texts[appeal.default_language].demands:
        assert _flat(demand) in text


def test_cosigners_are_in_the_pdf(example: tuple[Appeal, int, str], text: str) -> None:
    """Every co-signing organisation, with its representative, is named."""
    for cosigner in example[0].cosigners:
        assert _flat(cosigner.organisation) in text
        assert _flat(cosigner.representative) in text


def test_count_is_in_the_pdf(example: tuple[Appeal, int, str], text: str) -> None:
    """The letter says how many signatures support it, formatted for the reader; an appeal
    backed otherwise (support: none or text) says that instead, or nothing."""
    appeal = example[0]
    if appeal.support.kind == "count":
        assert f"supported by {example[2]} signatures" in text
    else:
        assert "signatures" not in text
    if appeal.support.kind == "text":
        assert _flat(appeal.support.text[appeal.default_language]) in text


def test_the_joint_statement_has_no_count_and_no_petition_link(tmp_path: Path) -> None:
    """Seed 003, a statement of organisations: no count sentence, no petition link or QR."""
    appeal = load_appeal(EXAMPLES / "appeal-civil-society-2020.yaml")
    text = pdftotext(RENDERER.render(letter("en", appeal=appeal, to=TO)).content, tmp_path)
    assert "supported by" not in text
    assert "Petition" not in text


def test_the_high_representative_is_greeted_by_office(tmp_path: Path) -> None:
    """The office, not the category, gives the salutation: the High Representative's letter."""
    appeal = load_appeal(EXAMPLES / "appeal-civil-society-2020.yaml")
    to = addressee(
        key="eu-high-representative", category="eu-institution", office="high-representative"
    )
    assert letter("en", appeal=appeal, to=to).salutation == "Dear High Representative,"


def test_bilingual_example_shows_both_texts(tmp_path: Path) -> None:
    """The bilingual example (seed 001) carries its English and Russian demands."""
    appeal = load_appeal(EXAMPLES / "appeal-rigged-results-2020.yaml")
    pdf = RENDERERS["pdf"].render(letter("en", appeal=appeal, to=TO)).content
    text = pdftotext(pdf, tmp_path)
    for language in ("en", "ru"):
        assert _flat(appeal.texts[language].demands[1]) in text


def test_footer_names_the_organisation_as_typed(tmp_path: Path) -> None:
    """Every page's footer shows "citizens' petition" with its apostrophe, not an HTML escape."""
    appeal = load_appeal(EXAMPLES / "appeal-rigged-results-2020.yaml")
    pdf = RENDERERS["pdf"].render(letter("en", appeal=appeal, to=TO)).content
    text = pdftotext(pdf, tmp_path)
    assert "&#39;" not in text
    assert text.count("Belarusian citizens' petition (example)") >= 3  # letterhead + footers
