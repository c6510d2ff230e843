"""Why one letter could not be made, as data: a batch goes on past it (``letters.produce``).

Rule: a failure belongs to its letter alone. Its ``reason`` is what staff read to fix it (the
template and line, the characters no font can draw with their code points and field, the bad
address); it is stored on the letter (``letters.render_error``) and shown by ``render`` and the
review queue, and the letter stays pending until a render succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from errors import AdvocacyError
from storage import audit
from storage.tables import Letter

if TYPE_CHECKING:
    from letters.compose import ComposedLetter
    from storage.db import Database
    from timeutil import Clock

ACTION = "letter.render_failed"


@dataclass(frozen=True)
class RenderFailure:
    letter_id: int
    addressee_key: str
    reason: str

    def __str__(self) -> str:
        return f"letter {self.letter_id} ({self.addressee_key}): {self.reason}"


def reason_of(exc: BaseException) -> str:
    """What went wrong; an unexpected error keeps its type name, so a bug is told apart from a
    problem staff can fix."""
    return str(exc) if isinstance(exc, AdvocacyError) else f"{type(exc).__name__}: {exc}"


def failure_of(letter: ComposedLetter, exc: BaseException) -> RenderFailure:
    reason = reason_of(exc).removeprefix(f"letter {letter.letter_id}: ")
    return RenderFailure(letter.letter_id, letter.addressee_key, reason)


def record_failure(
    db: Database, campaign_id: int, failure: RenderFailure, *, actor: str, clock: Clock
) -> None:
    """Keep the letter pending with the reason; audit it only when the reason is new (the
    scheduler tries a pending letter again on every pass)."""
    with db.unit_of_work() as uow:
        row = uow.get_one(Letter, failure.letter_id)
        if row.render_error == failure.reason:
            return
        row.render_error = failure.reason
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action=ACTION,
            subject=f"letter:{failure.letter_id}",
            campaign_id=campaign_id,
            addressee=failure.addressee_key,
            reason=failure.reason,
        )
