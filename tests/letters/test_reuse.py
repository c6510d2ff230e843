"""Layout reuse gives the very bytes a full layout gives, and falls back whenever it cannot."""

from __future__ import annotations

import pytest

from letters.pdf import PdfRenderer
from letters.reuse import Masters, split
from tests.letters.builders import TEMPLATES, addressee, letter, pdf_text

ADDRESSEES = [
    addressee(),
    addressee(
        key="mfa-lithuania",
        name="Ministry of Foreign Affairs of the Republic of Lithuania",
        official_name="Lietuvos Respublikos užsienio reikalų ministerija",
        postal_address="J. Tumo-Vaižganto g. 2\nLT-01108 Vilnius\nLithuania",
        salutation="Dear Minister Budrys,",
    ),
    addressee(key="mfa-poland", name="Ministerstwo Spraw Zagranicznych", postal_address="Warszawa"),
]


def _fresh(language: str, index: int) -> bytes:
    """The letter laid out in full: a new renderer has no master to reuse."""
    return PdfRenderer(TEMPLATES).render(letter(language, to=ADDRESSEES[index])).content


@pytest.mark.parametrize("language", ["en", "ru"])
def test_reused_layout_gives_the_bytes_of_a_full_layout(language: str) -> None:
    renderer = PdfRenderer(TEMPLATES)
    reused = [renderer.render(letter(language, to=to)).content for to in ADDRESSEES]
    assert renderer.masters.reused == len(ADDRESSEES) - 1  # the first one is the master
    assert reused == [_fresh(language, i) for i in range(len(ADDRESSEES))]
    assert "Vilnius" in pdf_text(reused[1])
    assert "Vilnius" not in pdf_text(reused[0])


def test_a_salutation_that_moves_the_text_is_laid_out_in_full() -> None:
    """A two-line salutation pushes the body down: the master's layout cannot be used."""
    renderer = PdfRenderer(TEMPLATES)
    renderer.render(letter("en"))
    long = addressee(salutation="Your Excellency, " * 12 + "dear Minister,")
    content = renderer.render(letter("en", to=long)).content
    assert renderer.masters.reused == 0
    assert content == PdfRenderer(TEMPLATES).render(letter("en", to=long)).content
    assert "Your Excellency" in pdf_text(content)


def test_split_keys_letters_by_everything_but_the_varying_parts() -> None:
    page = '<body><div data-vary class="a">{}</div><p>text</p><p data-vary>{}</p><p>{}</p></body>'
    one, two = split(page.format("A", "B", "same")), split(page.format("X", "Y", "same"))
    assert one is not None
    assert two is not None
    assert one.key == two.key
    assert one.head.startswith('<body><div data-vary class="a">A</div><p>text</p><p data-vary>B')
    assert "same" not in one.head
    other = split(page.format("A", "B", "different"))
    assert other is not None
    assert other.key != one.key


@pytest.mark.parametrize(
    "html",
    [
        "<body><p>nothing varies</p></body>",
        "<body><div data-vary><div>inner</div> outer</div><p>x</p></body>",  # nested same tag
    ],
)
def test_split_refuses_what_it_cannot_cut_safely(html: str) -> None:
    assert split(html) is None


def test_a_failed_layout_is_not_kept_as_a_master() -> None:
    masters = Masters()
    html = "<body><p data-vary>a</p><p>b</p></body>"

    def broken(source: str) -> object:
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        masters.layout(html, broken)
    laid_out: list[str] = []

    def counting(source: str) -> object:
        laid_out.append(source)
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        masters.layout(html, counting)
    assert laid_out == [html]  # laid out in full again, not from a kept master's head
