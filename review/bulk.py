"""Approving a whole batch: every letter awaiting review, the sample the reviewer read first,
and the campaign's findings.

Rule: one ``batch.approved`` audit entry records the reviewer, the count and the sample
(``letter.shown`` entries) beside each letter's own approval (``review.queue.approve``, under the
same ``four_eyes`` rule). With ``despite_findings`` given, a campaign with findings
(``letters.check``) is approved only when it is true, and the findings are recorded.
Why findings are computed on every call, never cached: they must be what ``campaign check``
says now, so a registry or appeal change shows on the review page's next view; the check
reads only the rows the targets can match, as plain columns (``recipients.selection``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import Conflict, NotFound
from review.queue import approve, letters_in_review
from storage import audit
from storage.tables import AuditEntry, Batch, Campaign, Letter
from timeutil import Clock


def approve_batch(
    uow: Session,
    batch_id: int,
    *,
    reviewer: str,
    clock: Clock,
    four_eyes: bool,
    comment: str = "",
    despite_findings: bool | None = None,
) -> list[Letter]:
    """Approve every letter of the batch awaiting review, after sampling some of them; with
    ``despite_findings`` given (the CLI and the web), findings refuse it unless it is true."""
    batch = uow.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}")
    findings = [] if despite_findings is None else batch_findings(uow, batch_id)
    if findings and not despite_findings:
        raise Conflict(
            f"batch {batch_id} has {len(findings)} finding(s) (advocacy campaign check): "
            + "; ".join(findings[:5])
            + ("; …" if len(findings) > 5 else "")
            + ". Fix them, or approve with --despite-findings."
        )
    ids = letters_in_review(uow, batch_id)
    if not ids:
        raise Conflict(f"batch {batch_id} has no letters awaiting review")
    approved = approve(
        uow, ids, reviewer=reviewer, clock=clock, comment=comment, four_eyes=four_eyes
    )
    audit.record(
        uow,
        at=clock.now(),
        actor=reviewer,
        action="batch.approved",
        subject=f"batch:{batch_id}",
        campaign_id=batch.campaign_id,
        count=len(approved),
        letters=ids,
        sampled=sampled_by(uow, reviewer, ids),
        comment=comment,
        **({"despite_findings": findings} if findings else {}),
    )
    return approved


def batch_findings(uow: Session, batch_id: int) -> list[str]:
    """What ``campaign check`` finds for the batch's campaign now, as sentences."""
    from campaigns.store import appeal_of
    from letters.check import check_campaign  # the check reads the registry: only here

    campaign = uow.get_one(Campaign, uow.get_one(Batch, batch_id).campaign_id)
    return [str(finding) for finding in check_campaign(uow, appeal_of(campaign))]


def sampled_by(uow: Session, reviewer: str, letter_ids: list[int]) -> list[int]:
    """Which of these letters the reviewer has looked at with ``review show``."""
    subjects = {f"letter:{i}": i for i in letter_ids}
    shown = uow.scalars(
        select(AuditEntry.subject).where(
            AuditEntry.action == "letter.shown",
            AuditEntry.actor == reviewer,
            AuditEntry.subject.in_(subjects),
        )
    )
    return sorted({subjects[s] for s in shown})
