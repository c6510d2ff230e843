"""Page images of a letter PDF for the review screen, made with poppler's ``pdftoppm``.

Rule: images are made only from bytes already checked against the rendered sha256 (see
``review.view.verified_pdf``) and are cached under that hash, so a preview always shows the
exact bytes an approval would pin, and a re-render never shows a stale picture.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from errors import NotFound

RESOLUTION = 80  # dots per inch: a readable A4 page about 660 pixels wide
MAX_PAGES = 4  # the cover letter; the signatory annex may run to hundreds of pages


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_png(pdf: bytes, sha256: str, page: int, *, cache_dir: Path) -> bytes:
    """PNG of one page (1-based), cached as ``<sha256>-<page>.png``."""
    if not 1 <= page <= min(MAX_PAGES, page_count(pdf)):
        raise NotFound(f"no preview of page {page}")
    cached = cache_dir / f"{sha256}-{page}.png"
    if cached.is_file():
        return cached.read_bytes()
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise NotFound("page previews need poppler-utils (pdftoppm)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "letter.pdf"
        source.write_bytes(pdf)
        command = [
            tool,
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(source),
            str(Path(tmp) / "page"),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603
        image = (Path(tmp) / "page.png").read_bytes()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(image)
    partial.replace(cached)  # atomic: a concurrent reader sees the whole image or none
    return image
