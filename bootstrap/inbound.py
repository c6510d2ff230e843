"""The inbound importer from the settings: replies and bounces arrive through one ``Intake``.

Rule: a message classified as a bounce goes to the delivery engine (``delivery.bounces``), which
records it only when it came to a genuine signed VERP address; otherwise it waits in the holding
pen. The reply and bounce modules load when the importer is built, never on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from letters.identity import ReplyAddresses
from settings import Settings
from storage.db import Database
from timeutil import Clock

if TYPE_CHECKING:
    from responses.intake import Intake


def make_intake(
    settings: Settings, db: Database, identities: ReplyAddresses, *, actor: str, clock: Clock
) -> Intake:
    """One message, one transaction, a failed import quarantined (``responses.intake``)."""
    from sqlalchemy.orm import Session

    from delivery.bounces import handle_bounce
    from responses.intake import Intake

    def bounces(uow: Session, raw: bytes) -> bool:
        # False (unverified: no genuine signed VERP address) leaves it to the holding pen.
        return handle_bounce(uow, raw, identities=identities, clock=clock) is not None

    return Intake(
        db=db,
        identities=identities,
        raw_dir=settings.data_dir / "inbound",
        actor=actor,
        clock=clock,
        max_bytes=settings.inbound_max_bytes,
        bounces=bounces,
    )
