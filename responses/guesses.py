"""Staff confirming or undoing a guessed match (a mistyped token the matcher took a guess at).

Rule: a guess stays ``matched_by="guess"`` (and is shown as one) until a person confirms it
(``confirmed``) or rejects it; a rejected guess's response is removed and its message goes back
to the holding pen as ``unmatched``, raw bytes untouched. Both are audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import InputError, NotFound, Problem
from storage import audit
from storage.tables import InboundMessage, Response
from timeutil import Clock


def _guessed(uow: Session, response_id: int) -> Response:
    response = uow.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response {response_id}")
    if response.matched_by != "guess":
        problem = f"was matched by {response.matched_by}, not guessed"
        raise InputError([Problem("confirm", None, "response", problem)])
    return response


def confirm_guess(uow: Session, response_id: int, *, actor: str, clock: Clock) -> Response:
    """Staff say the guessed letter is the right one."""
    response = _guessed(uow, response_id)
    response.matched_by = "confirmed"
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.confirm",
        subject=f"response:{response.id}",
        campaign_id=response.campaign_id,
        letter=response.letter_id,
    )
    return response


def reject_guess(uow: Session, response_id: int, *, actor: str, clock: Clock) -> None:
    """Staff say the guess is wrong: the response goes, the message is back in the pen."""
    response = _guessed(uow, response_id)
    held = uow.scalar(
        select(InboundMessage).where(
            InboundMessage.message_id == response.message_id,
            InboundMessage.raw_path == response.raw_path,
        )
    )
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.reject_guess",
        subject=f"response:{response.id}",
        campaign_id=response.campaign_id,
        letter=response.letter_id,
        inbound=held.id if held else None,
    )
    if held is not None and held.response_id == response.id:
        held.status, held.response_id = "unmatched", None
        held.rule = f"guess of letter {response.letter_id} rejected by staff"
        uow.flush()  # the pen row lets go of the response before the response is removed
    uow.delete(response)
    uow.flush()
