"""Writing registry files for the tests and collecting what read_file says about them."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import InputError
from recipients.registry import read_file


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    """Write ``text`` as UTF-8 (with a byte-order mark if asked) and return the path."""
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def problems(path: Path) -> list[tuple[int | None, str]]:
    """The (line, field) of every problem ``read_file`` reports for ``path``."""
    with pytest.raises(InputError) as caught:
        read_file(path)
    return [(p.line, p.field) for p in caught.value.problems]
