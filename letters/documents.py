"""Rendered documents and the ``Renderer`` seam, with renderers looked up by format name.

Rule: a renderer turns a ``ComposedLetter`` into bytes and nothing else: no database, no
network, no files outside its template set. ``renderer_for("odt")`` raises ``UnknownFormat``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from errors import UnknownFormat
from letters.compose import ComposedLetter


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    media_type: str
    extension: str

    @cached_property
    def sha256(self) -> str:
        """Hashed once (a letter PDF with its annex is megabytes, and storing, auditing and
        approving each ask); a worker process hashes before sending, so the value travels."""
        return hashlib.sha256(self.content).hexdigest()


class Renderer(Protocol):
    """Turns one composed letter into the bytes of one format."""

    def render(self, letter: ComposedLetter) -> RenderedDocument: ...


def renderer_for(renderers: Mapping[str, Renderer], name: str) -> Renderer:
    try:
        return renderers[name]
    except KeyError:
        raise UnknownFormat("document format", name, renderers) from None


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file and a rename: never a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except OSError:
        # Disk full or read-only: leave no half-written temporary file behind.
        temporary.unlink(missing_ok=True)
        raise
