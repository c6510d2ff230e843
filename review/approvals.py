"""Approving with the review policy bound: the calls the CLI, the web and the demo make.

Rule: ``review.queue.approve`` and ``review.bulk.approve_batch`` take ``four_eyes`` with no
default, so a caller that forgets it does not type-check; callers outside tests take
``Services.approvals``, which bootstrap builds with ``ADVOCACY_FOUR_EYES`` and the clock, so none
can leave it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from review import bulk, queue
from storage.tables import Letter
from timeutil import Clock


@dataclass(frozen=True)
class Approvals:
    four_eyes: bool  # the person who created a batch may not approve its letters
    clock: Clock

    def approve(
        self, uow: Session, letter_ids: Iterable[int], *, reviewer: str, comment: str = ""
    ) -> list[Letter]:
        """``review.queue.approve`` under this policy."""
        return queue.approve(
            uow,
            letter_ids,
            reviewer=reviewer,
            clock=self.clock,
            comment=comment,
            four_eyes=self.four_eyes,
        )

    def approve_batch(
        self,
        uow: Session,
        batch_id: int,
        *,
        reviewer: str,
        comment: str = "",
        despite_findings: bool | None = None,
    ) -> list[Letter]:
        """``review.bulk.approve_batch`` under this policy."""
        return bulk.approve_batch(
            uow,
            batch_id,
            reviewer=reviewer,
            clock=self.clock,
            comment=comment,
            four_eyes=self.four_eyes,
            despite_findings=despite_findings,
        )
