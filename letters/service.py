"""Rendering a batch: compose each pending letter, render its documents, store them for review.

Durable steps, and what a crash between them leaves:
1. read the pending letters (one short read transaction);
2. render the batch's signatory annex once per language of its letters, if it has none yet
   (file, then its row: a crash between them leaves an orphan file the next render overwrites);
3. render each letter's PDF (cover + annex, signed last), DOCX and email (slow; no
   transaction open; on several processes for a big batch), and write them to temporary files
   where they were rendered (``letters.filing``);
4. in one write transaction per group of letters (``letters.storing``), rename the files to
   their final names, add the ``Document`` rows and move the letters to ``review`` (or
   ``approved`` when the appeal does not require review) — a crash before the commit leaves at
   most orphan files, which the next render overwrites.
A letter that cannot be composed or rendered (a template error, a glyph no bundled font has,
a bad address) is stored as such instead: it stays ``pending`` with ``render_error`` saying why
(``letter.render_failed`` in the audit when the reason is new) and every other letter renders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.batches import language_now
from campaigns.store import appeal_of
from errors import Conflict, NotFound
from letters.compose import ComposedLetter, compose
from letters.documents import Renderer, write_atomically
from letters.failures import RenderFailure, reason_of, record_failure
from letters.filing import Filing
from letters.identity import ReplyAddresses
from letters.produce import Finishing, file_many, render_letter
from letters.progress import Opening, openings
from letters.signatories import batch_annexes
from letters.storing import groups, store_group
from storage import audit
from storage.db import Database
from storage.tables import Addressee, Batch, Campaign, Delivery, Letter
from timeutil import Clock

# Re-exported: callers render one letter, or write a file, through this module.
__all__ = [
    "RenderFailure",
    "RenderSummary",
    "render_batch",
    "render_letter",
    "rerender_letter",
    "write_atomically",
]
UNFINISHED = Finishing()
Built = TypeVar("Built")
# What a render needs but makes only once it has a letter to render (see render_batch).
Made = Callable[[], Built]


def _unfinished() -> Finishing:
    return UNFINISHED


@dataclass(frozen=True)
class RenderSummary:
    batch_id: int
    rendered: int
    files: list[Path]
    failed: list[RenderFailure] = field(default_factory=list)


def compose_pending(
    db: Database, batch_id: int, identities: ReplyAddresses, letter_ids: Collection[int] | None
) -> tuple[Campaign, list[ComposedLetter], list[RenderFailure]]:
    """The batch's pending letters (or those of ``letter_ids``) composed, by addressee key, and
    the ones that could not be composed, each with why."""
    with db.unit_of_work(write=False) as uow:
        batch = uow.get_one(Batch, batch_id)
        campaign = uow.get_one(Campaign, batch.campaign_id)
        appeal = appeal_of(campaign)
        query = (
            select(Letter, Addressee)
            .join(Addressee, Letter.addressee_id == Addressee.id)
            .where(Letter.batch_id == batch_id, Letter.status == "pending")
            .order_by(Addressee.key)
        )
        if letter_ids is not None:
            query = query.where(Letter.id.in_(letter_ids))
        rows = uow.execute(query).all()
        opens = openings(uow, batch, campaign, [a for _, a in rows])
        composed, failed = [], []
        for letter, addressee in rows:
            opening = opens.get(addressee.id, Opening())
            try:
                composed.append(
                    compose(
                        appeal=appeal,
                        addressee=addressee,
                        letter_id=letter.id,
                        language=letter.language,
                        dated=batch.created_at,
                        signature_count=batch.signature_count,
                        signatures_as_of=batch.signatures_as_of,
                        message_id=letter.message_id,
                        reply_to=identities.reply_to(letter.reply_token),
                        first_written=opening.first_written,
                        progress=opening.progress,
                    )
                )
            except Exception as exc:  # this letter's failure alone, kept as data
                failed.append(RenderFailure(letter.id, addressee.key, reason_of(exc)))
    return campaign, composed, failed


def render_batch(
    db: Database,
    batch_id: int,
    *,
    renderers: Made[Mapping[str, Renderer]],
    identities: ReplyAddresses,
    documents_dir: Path,
    actor: str,
    clock: Clock,
    letter_ids: Collection[int] | None = None,
    finishing: Made[Finishing] = _unfinished,
    progress: Callable[[ComposedLetter], None] | None = None,
) -> RenderSummary:
    """Render every pending letter of the batch (or only ``letter_ids``) and queue it for review.

    With ``finishing().annexes`` the batch's signatory annex is rendered first (once per batch)
    and attached to every letter PDF; ``progress`` is called after each letter is stored (or
    recorded as failed). A letter that fails is listed in ``RenderSummary.failed``. The
    renderers and the finishing are made only when there is a letter to render: a batch with
    none pending loads no renderer (WeasyPrint, pyHanko: a second of CPU for nothing).
    """
    campaign, letters, failed = compose_pending(db, batch_id, identities, letter_ids)
    for failure in failed:
        record_failure(db, campaign.id, failure, actor=actor, clock=clock)
    if not letters:
        return RenderSummary(batch_id, 0, [], failed)
    finished = finishing()
    languages = {letter.language for letter in letters}
    annexes = batch_annexes(db, batch_id, languages, finished.annexes, documents_dir, actor, clock)
    written: list[Path] = []
    stored = 0
    made = file_many(
        renderers(),
        letters,
        filing=Filing(documents_dir / campaign.key / f"batch-{batch_id}"),
        annex=annexes,
        signer=finished.signer,
        workers=finished.workers,
    )
    # closing(): if storing fails, the worker pool (if any) is shut down now, not at GC.
    with closing(made):
        for group in groups(made):
            done = []
            for letter, outcome in group:
                if isinstance(outcome, RenderFailure):
                    failed.append(outcome)
                    record_failure(db, campaign.id, outcome, actor=actor, clock=clock)
                else:
                    done.append((letter, outcome))
            if done:
                written += store_group(
                    db, campaign, done, documents_dir=documents_dir, actor=actor, clock=clock
                )
            stored += len(done)
            if progress is not None:
                for letter, _ in group:
                    progress(letter)
    return RenderSummary(batch_id, stored, written, failed)


def in_outbox(uow: Session, letter_id: int) -> bool:
    """Whether the letter has a delivery: it then keeps the bytes it was queued with and is
    never rendered again."""
    return (
        uow.scalar(select(Delivery.id).where(Delivery.letter_id == letter_id).limit(1)) is not None
    )


def rerender_letter(
    db: Database,
    letter_id: int,
    *,
    renderers: Made[Mapping[str, Renderer]],
    identities: ReplyAddresses,
    documents_dir: Path,
    actor: str,
    clock: Clock,
    finishing: Made[Finishing] = _unfinished,
) -> RenderSummary:
    """Render one letter again (after a rejection or a fix) as a new revision needing approval.

    A letter already in the outbox keeps the bytes it was queued with: ``Conflict``. If the
    process dies between the two steps, the letter is left ``pending`` with its old documents,
    which nothing enqueues; the next render of its batch renders it.
    """
    with db.unit_of_work() as uow:
        letter = uow.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        if in_outbox(uow, letter_id):
            raise Conflict(f"letter {letter_id} is already in the outbox; it cannot be re-rendered")
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="letter.rerender",
            subject=f"letter:{letter_id}",
            campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
            previous_status=letter.status,
            language=[letter.language, language_now(uow, letter)],
        )
        letter.language = language_now(uow, letter)  # the registry as it is now
        letter.status, batch_id = "pending", letter.batch_id
    return render_batch(
        db,
        batch_id,
        renderers=renderers,
        identities=identities,
        documents_dir=documents_dir,
        actor=actor,
        clock=clock,
        letter_ids=[letter_id],
        finishing=finishing,
    )
