"""Producing letters' documents: one letter's PDF, DOCX and email, and many letters on all cores.

Rule: this is pure work — composed letters and the batch's annex bytes in, documents out; no
database, and no files but through a ``Filing`` (``file_many``: each letter's documents written
where they were rendered, only their names and hashes sent back). The letter PDF is made in a
fixed order: the cover (WeasyPrint), then the annex pages attached, then the organisation's
signature (last, or the merge would break it); the DOCX and the email are made from that final
PDF. Worker processes receive the renderers, the annex, the signer and the filing once (the
annex is parsed once per worker and language it meets), then only letters, each worker those of
one language where it can (``letters.lanes``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any, Protocol

from letters.annex import AnnexRenderer
from letters.attach import ParsedAnnex
from letters.compose import Attachment, ComposedLetter
from letters.documents import RenderedDocument, Renderer, renderer_for
from letters.failures import RenderFailure, failure_of
from letters.filing import Filing, Written, discard, release
from letters.lanes import InFlight, run_lanes

# Below this many letters a pool costs more (worker start-up, imports) than it saves.
POOL_FROM = 24
Documents = dict[str, RenderedDocument]
# What producing one letter gave: its documents (or, filed, their files), or why it could not
# be made.
Outcome = Documents | RenderFailure
FiledOutcome = Written | RenderFailure
# The annex every letter gets, or one per letter language (a letter is never mixed).
Annexes = ParsedAnnex | Mapping[str, ParsedAnnex] | None


def annex_for(annexes: Annexes, language: str) -> ParsedAnnex | None:
    if annexes is None or isinstance(annexes, ParsedAnnex):
        return annexes
    return annexes.get(language)


class Signer(Protocol):
    """Signs a finished PDF (the last change ever made to it)."""

    def sign(self, pdf: bytes) -> bytes: ...


def render_letter(
    renderers: Mapping[str, Renderer],
    letter: ComposedLetter,
    *,
    annex: ParsedAnnex | None = None,
    signer: Signer | None = None,
) -> Documents:
    """The letter's documents: always a PDF (cover + annex, signed when a signer is given);
    a DOCX for editing when that renderer is registered; an email (with the PDF attached)
    when the addressee has an address."""
    pdf = renderer_for(renderers, "pdf").render(letter)
    if annex is not None or signer is not None:
        content = pdf.content if annex is None else annex.attach_to(pdf.content)
        content = content if signer is None else signer.sign(content)
        pdf = RenderedDocument(content, pdf.media_type, pdf.extension)
    documents = {"pdf": pdf}
    if "docx" in renderers:
        documents["docx"] = renderers["docx"].render(letter)
    if letter.recipient_email:
        with_pdf = replace(
            letter,
            attachments=(
                Attachment(f"appeal-{letter.addressee_key}.pdf", pdf.media_type, pdf.content),
            ),
        )
        documents["email"] = renderer_for(renderers, "email").render(with_pdf)
    return documents


@dataclass(frozen=True)
class Finishing:
    """What turns covers into finished letters, built once by ``bootstrap``: the annex
    renderer (``None``: never an annex), the organisation's signer (``None``: unsigned) and
    how many processes render a batch."""

    annexes: AnnexRenderer | None = None
    signer: Signer | None = None
    workers: int = 1


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_many(
    renderers: Mapping[str, Renderer],
    letters: Sequence[ComposedLetter],
    *,
    annex: Annexes = None,
    signer: Signer | None = None,
    workers: int = 1,
    pool_from: int = POOL_FROM,
) -> Generator[tuple[ComposedLetter, Outcome], None, None]:
    """Each letter with its documents; on ``workers`` processes when there are at least
    ``pool_from`` letters, each worker keeping to one language where it can, the letters then
    as they are done (``letters.lanes``), else in the order given. A letter that cannot be
    made yields its ``RenderFailure`` instead, and the others go on (one bad letter never
    stops a batch)."""
    return _produced(renderers, letters, None, annex, signer, workers, pool_from)


def file_many(
    renderers: Mapping[str, Renderer],
    letters: Sequence[ComposedLetter],
    *,
    filing: Filing,
    annex: Annexes = None,
    signer: Signer | None = None,
    workers: int = 1,
    pool_from: int = POOL_FROM,
) -> Generator[tuple[ComposedLetter, FiledOutcome], None, None]:
    """``render_many``, each letter's documents written by ``filing`` where they were made
    (``letters.filing``). Files made but never yielded (the caller stopped early) are removed;
    a yielded letter's files are the caller's to store or discard. A failure to write (disk
    full) is not a letter's: it stops the batch."""
    return _produced(renderers, letters, filing, annex, signer, workers, pool_from)


def _produced(
    renderers: Mapping[str, Renderer],
    letters: Sequence[ComposedLetter],
    filing: Filing | None,
    annex: Annexes,
    signer: Signer | None,
    workers: int,
    pool_from: int,
) -> Generator[tuple[ComposedLetter, Any], None, None]:
    if workers <= 1 or len(letters) < pool_from:
        try:
            for letter in letters:
                made = _attempt(renderers, letter, annex_for(annex, letter.language), signer)
                yield letter, _filed(filing, letter, made)
        finally:
            release()  # the last letter's files: closed, their pages dropped (letters.filing)
        return
    # spawn: workers start from a clean interpreter, not a copy of ours with its database
    # connections and threads (a progress bar's refresher may hold a lock at fork time).
    context = multiprocessing.get_context("spawn")
    content: bytes | dict[str, bytes] | None = None
    if isinstance(annex, ParsedAnnex):
        content = annex.content
    elif annex is not None:
        content = {language: parsed.content for language, parsed in annex.items()}
    start = (renderers, content, signer, filing)
    # One pool of one process per lane, so that letters can be sent to a worker of their
    # language (``letters.lanes``).
    with ExitStack() as stack:
        lanes = [
            stack.enter_context(
                ProcessPoolExecutor(1, mp_context=context, initializer=_start, initargs=start)
            )
            for _ in range(workers)
        ]
        flights: list[InFlight] = [deque() for _ in lanes]
        try:
            yield from run_lanes(letters, lanes, _render, flights)
        finally:
            _abandon([pending for flight in flights for pending in flight], filing)


def _abandon(pending: list[tuple[ComposedLetter, Future[Any]]], filing: Filing | None) -> None:
    """Stop the letters not yet yielded; remove the files of those already made."""
    for _, future in pending:
        future.cancel()
    for _, future in pending:
        if filing is None or future.cancelled() or future.exception() is not None:
            continue
        made = future.result()
        if not isinstance(made, RenderFailure):
            discard(made.values())


_WORKER: dict[str, Any] = {}


def _start(
    renderers: Mapping[str, Renderer],
    annex: bytes | dict[str, bytes] | None,
    signer: Signer | None,
    filing: Filing | None,
) -> None:
    # A render makes hundreds of thousands of short-lived objects; Python's default collector
    # thresholds run a full pass every few hundred, about 8 % of a cover's time. Workers only
    # render, so they collect rarely and leave what was imported out of every collection.
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()
    parsed: Annexes = None
    if isinstance(annex, bytes):
        parsed = ParsedAnnex(annex)
    elif annex is not None:
        parsed = {language: ParsedAnnex(content) for language, content in annex.items()}
    _WORKER.update(renderers=renderers, annex=parsed, signer=signer, filing=filing)


def _attempt(
    renderers: Mapping[str, Renderer],
    letter: ComposedLetter,
    annex: ParsedAnnex | None,
    signer: Signer | None,
) -> Outcome:
    try:
        return render_letter(renderers, letter, annex=annex, signer=signer)
    except Exception as exc:  # any failure is this letter's alone, kept as data
        return failure_of(letter, exc)


def _filed(filing: Filing | None, letter: ComposedLetter, made: Outcome) -> Outcome | Written:
    if filing is None or isinstance(made, RenderFailure):
        return made
    return filing.write(letter.addressee_key, made)


def _render(letter: ComposedLetter) -> Outcome | Written:
    annex = annex_for(_WORKER["annex"], letter.language)
    outcome = _attempt(_WORKER["renderers"], letter, annex, _WORKER["signer"])
    if not isinstance(outcome, RenderFailure):
        for document in outcome.values():
            _ = document.sha256  # hashed here, on a worker's core, not in the storing process
    return _filed(_WORKER["filing"], letter, outcome)
