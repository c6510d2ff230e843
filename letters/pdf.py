"""The signed-appeal PDF, rendered by WeasyPrint from the template set's ``letter.html.j2``.

Rule: rendering may read only ``data:`` URIs and files inside the template set's folder (fonts,
CSS, images): WeasyPrint's default fetcher would read any ``file://`` or ``http://`` URL a
template or an appeal text names. A missing glyph or a blocked fetch fails the render, so a
letter with boxes instead of letters, or with a hole where an asset should be, is never made.
Only the template set's own font files (TTF/OTF) may be embedded: a glyph they lack must not be
filled silently from a host font, or the letter would look different (or boxed) on another host.
One exception is made before rendering: an official name in a script the set's fonts cannot
draw (Japanese, Korean) is replaced in the address by the addressee's own ``name`` (Latin in
the registry), which the postal services of every country accept, whatever the postal address
lines say; anything else they cannot draw fails the render before it starts, naming the field
and the characters with their code points.

Speed: pydyf (WeasyPrint's PDF writer) deflates every stream at zlib level 9, about a tenth of
a cover letter's time; at level 1 the cover is ~7 % larger (2 kB, beside a megabyte of annex)
and the same bytes every time. pydyf has no setting for it, so its ``zlib`` is given one. The
petition's QR code is drawn once per process and its operators replayed (``letters.svg_replay``),
and so is each line of text letters of one layout share (``letters.text_replay``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
import weasyprint
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from errors import TemplateError
from letters import svg_replay, text_replay
from letters.compose import ComposedLetter
from letters.documents import RenderedDocument
from letters.font_checks import drawable_address, host_fonts, undrawable
from letters.reuse import Masters
from letters.sandbox import render_template, template_folder


class _FastDeflate:
    """``zlib`` as pydyf uses it (``compress`` and ``compressobj(level=9)``), at level 1."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = -1) -> Any:
        return zlib.compressobj(level=1)


pydyf.zlib = _FastDeflate
svg_replay.install()  # the QR code drawn once, its operators replayed (letters.svg_replay)
text_replay.install()  # lines letters share drawn once, then replayed (letters.text_replay)
_LOGGER = logging.getLogger("weasyprint")
_FONT_URL = re.compile(r"""url\(\s*["']?([^"')]+\.(?:ttf|otf))["']?\s*\)""", re.IGNORECASE)
_OPTIONS = {**weasyprint.DEFAULT_OPTIONS, "pdf_variant": "pdf/a-3u", "uncompressed_pdf": False}


class TemplateFolderFetcher(URLFetcher):  # type: ignore[misc] # WeasyPrint ships no types
    """Fetches ``data:`` URIs and files inside one folder; refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(self.root):
                raise FatalURLFetchingError(f"template may not read {url}")
        elif parts.scheme != "data":
            raise FatalURLFetchingError(f"template may not fetch {url}")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_problems() -> Iterator[list[str]]:
    handler = _Collect()
    _LOGGER.addHandler(handler)
    try:
        yield handler.messages
    finally:
        _LOGGER.removeHandler(handler)


@dataclass(frozen=True)
class _TemplateSet:
    """What every letter of one template set shares: parsed once, reused for each render."""

    folder: Path
    fetcher: TemplateFolderFetcher
    fonts: FontConfiguration
    stylesheet: weasyprint.CSS
    bundled_fonts: frozenset[str]
    drawable: frozenset[int]  # code points some bundled font has a glyph for


@cache
def _template_set(folder: Path) -> _TemplateSet:
    fetcher = TemplateFolderFetcher(folder)
    fonts = FontConfiguration()
    try:
        stylesheet = weasyprint.CSS(
            filename=str(folder / "letter.css"), url_fetcher=fetcher, font_config=fonts
        )
    except FatalURLFetchingError as exc:
        raise TemplateError(f"{folder}/letter.css: {exc}") from None
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".ttf", ".otf"})
    bundled = frozenset(hashlib.sha256(path.read_bytes()).hexdigest() for path in files)
    # Only the fonts letter.css declares draw a letter (the annex has fonts of its own).
    declared = set(_FONT_URL.findall((folder / "letter.css").read_text(encoding="utf-8")))
    used = [path for path in files if path.relative_to(folder).as_posix() in declared]
    drawable = frozenset(code for path in used for code in TTFont(path).getBestCmap())
    return _TemplateSet(folder, fetcher, fonts, stylesheet, bundled, drawable)


class PdfRenderer:
    """Renders letters to PDF/A-3u with the template set's fonts embedded.

    The set's ``letter.css`` is applied to ``letter.html.j2`` by the renderer (parsed once per
    set, with its fonts loaded once), so templates do not link it themselves. Letters of the
    same shape share one layout (``letters.reuse``).
    """

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir
        self.masters = Masters()

    def __getstate__(self) -> dict[str, Any]:  # sent to worker processes without the layouts
        return {"templates_dir": self.templates_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["templates_dir"])  # type: ignore[misc]

    def render(self, letter: ComposedLetter) -> RenderedDocument:
        folder = template_folder(self.templates_dir, letter.template)
        shared = _template_set(folder)
        letter = drawable_address(letter, shared.drawable)
        _fail_on(f"letter {letter.letter_id}: ", undrawable(letter, shared.drawable))
        html = render_template(folder, "letter.html.j2", letter=letter, labels=letter.labels)
        options = {**_OPTIONS, "stylesheets": [shared.stylesheet]}
        where = f"letter {letter.letter_id}: "

        def lay_out(source: str) -> Any:
            # A layout with a problem must fail here: a master is kept for later letters,
            # whose own renders would not repeat its layout's warnings.
            document = weasyprint.HTML(
                string=source, base_url=folder.as_uri() + "/", url_fetcher=shared.fetcher
            )
            with _weasyprint_problems() as problems:
                laid_out = document.render(font_config=shared.fonts, **options)
            _fail_on(where, _serious(problems))
            return laid_out

        try:
            rendered = self.masters.layout(html, lay_out).copy()
            with _weasyprint_problems() as problems:
                content = rendered.write_pdf(**options)
        except FatalURLFetchingError as exc:
            raise TemplateError(f"{folder}/letter.html.j2: {exc}") from None
        _fail_on(
            where, _serious(problems) + host_fonts(rendered.fonts.values(), shared.bundled_fonts)
        )
        return RenderedDocument(content, "application/pdf", "pdf")


def _serious(messages: list[str]) -> list[str]:
    return [m for m in messages if ".notdef" in m or "Failed to load" in m]


def _fail_on(where: str, problems: list[str]) -> None:
    if problems:
        raise TemplateError(where + "; ".join(problems))
