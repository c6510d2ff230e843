"""Writing a letter's documents where they were rendered: megabytes never cross processes.

Rule: whoever renders a letter (a worker process, for a big batch) writes each of its documents
to a temporary file in the batch's folder — a hidden name unique to this write, never a final
name — and hands on only that name, the size and the sha256. The storing process gives each
file its final name (``<key>.r<revision>.<ext>``) with a rename inside the transaction that
reads the revision and records the row, so a file under a final name is always the bytes a row
was (or is being) recorded for, and two renders of one batch never write over each other's.
A temporary file that is never stored (the batch stopped, the store failed) is removed
(``discard``); a crash can at worst leave it as a hidden ``.tmp`` orphan.

Each file is written once and read again only when it is reviewed or sent, so the renderer
asks the kernel to drop it from the page cache once it is on disk (``posix_fadvise``
``DONTNEED`` when written, which starts the write-back, and again at the next letter, when
those pages are clean): a thousand-letter batch then does not fill 4.6 GB of memory with pages
nobody reads, and the next letter's writes reuse those pages instead of taking fresh ones.

Why: a letter PDF with its 150,000-name annex and the email carrying it are 4 MB; sent back to
the storing process they were pickled, piped and copied four times, on a core the workers need.
Writing them into fresh page cache cost about 6 ms a letter here, recycled pages about 1.5.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from letters.documents import RenderedDocument

_COUNTER = itertools.count()
_WRITTEN_BACK: deque[int] = deque()  # descriptors of the last letter's files, to drop


@dataclass(frozen=True)
class WrittenDocument:
    """A rendered document already on disk, at ``path`` (its temporary name until stored)."""

    path: Path
    media_type: str
    extension: str
    sha256: str
    size: int

    def move_to(self, path: Path) -> None:
        """Give the file its final name (replacing an orphan a crashed render left there)."""
        os.replace(self.path, path)


Written = dict[str, WrittenDocument]


@dataclass(frozen=True)
class Filing:
    """The folder a batch's documents are written to (sent to each worker once)."""

    folder: Path

    def write(self, key: str, documents: Mapping[str, RenderedDocument]) -> Written:
        """Each document written to a temporary file of its own, hashed on this core."""
        self.folder.mkdir(parents=True, exist_ok=True)
        release()  # the last letter's files are on disk by now: their pages go
        written: Written = {}
        try:
            for fmt, doc in documents.items():
                # A unique name, written in place: a torn file is never under a final name.
                path = self.folder / f".{key}.{fmt}.{os.getpid()}-{next(_COUNTER)}.tmp"
                written[fmt] = WrittenDocument(
                    path, doc.media_type, doc.extension, doc.sha256, len(doc.content)
                )
                _write(path, doc.content)
        except OSError:
            discard(written.values())  # disk full or read-only: no half-written files left
            raise
        return written


def _write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path``, its write-back started (see the module's rule)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with memoryview(content) as view:
            done = 0
            while done < len(view):
                done += os.write(descriptor, view[done:])
        _advise_dropped(descriptor)
    except BaseException:
        os.close(descriptor)
        raise
    _WRITTEN_BACK.append(descriptor)


def release() -> None:
    """Drop the pages of the files last written from the page cache, and close them."""
    while _WRITTEN_BACK:
        descriptor = _WRITTEN_BACK.popleft()
        _advise_dropped(descriptor)
        os.close(descriptor)


def _advise_dropped(descriptor: int) -> None:
    """Advice only: where the system or file system has none, the pages stay cached."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)


def discard(documents: Iterable[WrittenDocument]) -> None:
    """Remove the temporary files of documents that will not be stored."""
    for document in documents:
        document.path.unlink(missing_ok=True)
