"""What a letter's fonts can draw, checked before and after WeasyPrint renders it.

Rule (see ``letters.pdf``): an official name in a script the template set's fonts cannot draw
is replaced in the address by the addressee's ``name``; any other field with characters no
bundled font has fails the render before it starts, naming the field and the code points; and
after rendering, every embedded font must be one of the template set's own font files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from weasyprint.text.ffi import ffi, harfbuzz
from weasyprint.text.fonts import get_hb_object_data

from letters.compose import ComposedLetter


def drawable_address(letter: ComposedLetter, drawable: frozenset[int]) -> ComposedLetter:
    """The letter with its official name replaced by the addressee's ``name`` when the fonts
    cannot draw it (see the module's rule), whatever the postal address lines say; a line then
    written twice (a postal address starting with that name) is written once."""
    official, name = letter.addressee_official, letter.addressee_name
    lines = letter.addressee_lines
    if not official or official not in lines or _can_draw(official, drawable):
        return letter
    if not _can_draw(name, drawable):
        return letter  # the check before rendering names the characters
    kept: list[str] = []
    for line in (name if line == official else line for line in lines):
        if line.casefold() not in {k.casefold() for k in kept}:
            kept.append(line)
    return replace(letter, addressee_lines=tuple(kept))


def _can_draw(text: str, drawable: frozenset[int]) -> bool:
    return all(ord(c) in drawable for c in text if not c.isspace())


def undrawable(letter: ComposedLetter, drawable: frozenset[int]) -> list[str]:
    """Each field of the letter with characters no bundled font has: 'address line 2: 'あ'
    U+3042'. Checked before rendering, so the failure names the field, not a glyph id."""
    problems = []
    for where, text in _fields(letter):
        missing = sorted({c for c in text if not c.isspace() and ord(c) not in drawable})
        if missing:
            shown = ", ".join(f"{c!r} U+{ord(c):04X}" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            problems.append(f"{where}: no bundled font can draw {shown}{more}")
    return problems


def _fields(letter: ComposedLetter) -> Iterator[tuple[str, str]]:
    yield "subject", letter.subject
    yield "heading", letter.heading
    yield "salutation", letter.salutation
    for number, line in enumerate(letter.addressee_lines, start=1):
        yield f"address line {number}", line
    yield "body", letter.body_markdown
    for number, demand in enumerate(letter.demands, start=1):
        yield f"demand {number}", demand
    yield "closing", letter.closing
    yield "sender", " ".join(letter.sender.model_dump().values())
    for number, c in enumerate(letter.cosigners, start=1):
        yield f"co-signer {number}", " ".join(c.model_dump().values())
    yield "support sentence", letter.signatures_text
    for t in letter.translations:
        yield f"{t.language} text", " ".join([t.heading, t.body_markdown, *t.demands, t.closing])


def host_fonts(fonts: Iterable[Any], bundled: frozenset[str]) -> list[str]:
    """A problem for each embedded font that is not one of the template set's font files."""
    return sorted(
        f"host font {font.name.decode().partition('+')[2]} filled in for a glyph or style the "
        "template set's fonts lack (elsewhere: .notdef boxes or a faked style)"
        for font in fonts
        if _face_digest(font.hb_face) not in bundled
    )


_DIGESTS: dict[tuple[int, int, int], str] = {}


def _face_digest(face: Any) -> str:
    """The sha256 of a font face's file, hashed once per face: its 0.3–1 MB were copied out of
    HarfBuzz and hashed for every font of every letter. Faces belong to the template set's font
    configuration, which lives as long as the process; the key adds the face's size and glyph
    count, so a face freed and another made at its address is never taken for it."""
    blob = harfbuzz.hb_face_reference_blob(face)
    try:
        size = harfbuzz.hb_blob_get_length(blob)
    finally:
        harfbuzz.hb_blob_destroy(blob)
    key = (int(ffi.cast("uintptr_t", face)), size, harfbuzz.hb_face_get_glyph_count(face))
    digest = _DIGESTS.get(key)
    if digest is None:
        digest = _DIGESTS[key] = hashlib.sha256(get_hb_object_data(face)).hexdigest()
    return digest
