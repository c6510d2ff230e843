"""Letters composed in memory from the example appeal: no database, so no sqlite/postgres split."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from campaigns.appeal import Appeal, load_appeal
from letters.compose import ComposedLetter, compose
from letters.documents import Renderer
from letters.email import EmailRenderer
from letters.pdf import PdfRenderer
from settings import ROOT
from storage.tables import Addressee

TEMPLATES = ROOT / "templates"
APPEAL = load_appeal(ROOT / "examples" / "appeal-derecognition.yaml")
DATED = datetime(2021, 9, 20, 9, 0, tzinfo=UTC)
SIGNATURES_AS_OF = datetime(2021, 9, 19, 18, 0, tzinfo=UTC)
MESSAGE_ID = "<letter-0123456789abcdef@replies.advocacy.example>"
REPLY_TO = "reply+0123456789abcdef-0a1b2c3d4e@replies.advocacy.example"
RENDERERS: dict[str, Renderer] = {"pdf": PdfRenderer(TEMPLATES), "email": EmailRenderer(TEMPLATES)}


def addressee(**fields: Any) -> Addressee:
    """The demo registry's Ukrainian foreign ministry, with ``fields`` changed."""
    values: dict[str, Any] = {
        "key": "mfa-ukraine",
        "name": "Ministry of Foreign Affairs of Ukraine",
        "official_name": "Міністерство закордонних справ України",
        "person": "",
        "title": "",
        "category": "foreign-ministry",
        "country": "UA",
        "languages": "uk;ru;en",
        "email": "mfa@ukraine-mfa.example",
        "postal_address": "Mykhailivska Square 1\n01018 Kyiv\nUkraine",
        "salutation": "",
    }
    return Addressee(**{**values, **fields})


def letter(
    language: str = "en",
    *,
    appeal: Appeal = APPEAL,
    to: Addressee | None = None,
    count: int = 15_240,
) -> ComposedLetter:
    """The letter for ``to`` (default: the Ukrainian ministry) in ``language``."""
    return compose(
        appeal=appeal,
        addressee=to or addressee(),
        letter_id=42,
        language=language,
        dated=DATED,
        signature_count=count,
        signatures_as_of=SIGNATURES_AS_OF,
        message_id=MESSAGE_ID,
        reply_to=REPLY_TO,
    )


def with_body(body: str, language: str = "en") -> Appeal:
    """The example appeal with the body of ``language`` replaced by ``body`` (Markdown)."""
    texts = dict(APPEAL.texts)
    texts[language] = texts[language].model_copy(update={"body": body})
    return APPEAL.model_copy(update={"texts": texts})


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pypdf extracts it (no-break spaces kept), lines joined by spaces."""
    pages = PdfReader(BytesIO(pdf)).pages
    return [re.sub(r"[ \n]*\n[ \n]*", " ", page.extract_text()) for page in pages]


def catalog(pdf: bytes) -> Any:
    """The PDF's document catalogue (/Root), as a pypdf dictionary."""
    return PdfReader(BytesIO(pdf)).trailer["/Root"]


def metadata(pdf: bytes) -> Any:
    """The PDF's document information dictionary."""
    info = PdfReader(BytesIO(pdf)).metadata
    assert info is not None
    return info


def pdf_text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name without subset prefix, 'yes'/'no' embedded) for each font ``pdffonts`` lists."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:]]
    return [(row[0].partition("+")[2] or row[0], row[-5]) for row in rows]


def template_copy(tmp_path: Path, replace: tuple[str, str]) -> Path:
    """A copy of templates/letter under ``tmp_path`` with one edit to letter.html.j2."""
    shutil.copytree(TEMPLATES / "letter", tmp_path / "letter")
    page = tmp_path / "letter" / "letter.html.j2"
    old, new = replace
    source = page.read_text()
    assert old in source
    page.write_text(source.replace(old, new, 1))
    return tmp_path
