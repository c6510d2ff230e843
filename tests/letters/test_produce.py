"""Producing documents for many letters: a process pool gives the same bytes, every letter once."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.attach import ParsedAnnex
from letters.failures import RenderFailure
from letters.pdf import PdfRenderer
from letters.produce import render_letter, render_many
from tests.letters.builders import RENDERERS, addressee, letter, template_copy
from tests.letters.test_annex import many, render

LETTERS = [
    letter("en"),
    letter("ru"),
    letter("en", to=addressee(key="mfa-poland", email="")),
]


@pytest.fixture(scope="module")
def annex() -> ParsedAnnex:
    return ParsedAnnex(render(many(50)).content)


def test_pool_gives_the_same_bytes_for_every_letter(annex: ParsedAnnex) -> None:
    """Two worker processes produce exactly what one process does, letter by letter (the
    letters as they are done: each language's in the order given)."""
    alone = [render_letter(RENDERERS, one, annex=annex) for one in LETTERS]
    pooled = list(render_many(RENDERERS, LETTERS, annex=annex, workers=2, pool_from=1))
    assert sorted(LETTERS.index(one) for one, _ in pooled) == [0, 1, 2]
    assert [one for one, _ in pooled if one.language == "en"] == [LETTERS[0], LETTERS[2]]
    for one, documents in pooled:
        assert documents == alone[LETTERS.index(one)]


def test_small_batches_stay_in_this_process(annex: ParsedAnnex) -> None:
    """Below ``pool_from`` letters no pool is started; the documents are the same."""
    pooled = list(render_many(RENDERERS, LETTERS, annex=annex, workers=2, pool_from=10))
    assert [d["pdf"] for _, d in pooled] == [
        render_letter(RENDERERS, one, annex=annex)["pdf"] for one in LETTERS
    ]


def test_template_error_in_a_worker_reaches_the_caller(tmp_path: Path) -> None:
    """A broken template gives each letter a failure naming the template's error, not a pool
    error, and the iteration goes on to the end."""
    broken = template_copy(tmp_path, ("{{ letter.heading }}", "{{ letter.no_such_field }}"))
    renderers = {**RENDERERS, "pdf": PdfRenderer(broken)}
    outcomes = [made for _, made in render_many(renderers, LETTERS, workers=2, pool_from=1)]
    assert len(outcomes) == len(LETTERS)
    assert all(isinstance(made, RenderFailure) for made in outcomes)
    assert all("letter.html.j2:" in made.reason for made in outcomes)  # type: ignore[union-attr]
    assert all("no_such_field" in made.reason for made in outcomes)  # type: ignore[union-attr]


def test_letter_without_email_address_gets_no_email() -> None:
    """Only a PDF for an addressee without an address: nothing to send by email."""
    assert set(render_letter(RENDERERS, LETTERS[2])) == {"pdf"}
