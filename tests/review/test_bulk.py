"""Bulk approval of a batch after sampling, and the optional four-eyes rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bootstrap import Services
from errors import Conflict, NotFound
from review import bulk, queue
from review.view import letter_view, record_shown
from storage import audit
from storage.tables import AuditEntry, Letter
from tests.review.steps import Batch, next_batch


def _approve_batch(s: Services, batch_id: int, *, reviewer: str, four_eyes: bool = False) -> None:
    with s.db.unit_of_work() as uow:
        bulk.approve_batch(
            uow, batch_id, reviewer=reviewer, clock=s.clock, comment="ok", four_eyes=four_eyes
        )


def _show(s: Services, letter_id: int, *, reviewer: str) -> None:
    with s.db.unit_of_work() as uow:
        view = letter_view(
            uow, letter_id, documents_dir=s.settings.documents_dir, stale_after_signatures=0
        )
        record_shown(uow, view, reviewer=reviewer, clock=s.clock)


def _statuses(s: Services, batch: Batch) -> set[str]:
    with s.db.unit_of_work(write=False) as uow:
        ids = list(batch.letters.values())
        return set(uow.scalars(select(Letter.status).where(Letter.id.in_(ids))))


def _entries(s: Services, action: str) -> list[AuditEntry]:
    with s.db.unit_of_work(write=False) as uow:
        return [e for e in audit.entries(uow) if e.action == action]


def test_batch_approval_approves_every_letter_in_review(services: Services, batch: Batch) -> None:
    """Every letter of the batch awaiting review is approved, each with its own entry."""
    _approve_batch(services, batch.id, reviewer="anna")
    assert _statuses(services, batch) == {"approved"}
    approvals = _entries(services, "letter.approved")
    assert sorted(e.subject for e in approvals) == sorted(
        f"letter:{i}" for i in batch.letters.values()
    )


def test_batch_approval_records_count_reviewer_and_sample(services: Services, batch: Batch) -> None:
    """One batch.approved entry names the reviewer, the count, and the letters they looked at."""
    _show(services, batch.letters["uk-fcdo"], reviewer="anna")
    _show(services, batch.letters["mfa-ukraine"], reviewer="someone-else")
    _approve_batch(services, batch.id, reviewer="anna")
    (entry,) = _entries(services, "batch.approved")
    assert (entry.actor, entry.subject) == ("anna", f"batch:{batch.id}")
    assert entry.details["count"] == 2
    assert entry.details["sampled"] == [batch.letters["uk-fcdo"]]


def test_batch_without_letters_in_review_is_a_conflict(services: Services, batch: Batch) -> None:
    """Approving a batch twice says there is nothing left to approve."""
    _approve_batch(services, batch.id, reviewer="anna")
    with pytest.raises(Conflict, match="no letters awaiting review"):
        _approve_batch(services, batch.id, reviewer="anna")


def test_unknown_batch_is_not_found(services: Services, batch: Batch) -> None:
    """A batch id that does not exist is a NotFound."""
    with pytest.raises(NotFound, match="no batch 999"):
        _approve_batch(services, 999, reviewer="anna")


def test_four_eyes_refuses_the_batch_creator(services: Services, batch: Batch) -> None:
    """With four eyes, whoever created the batch cannot approve it; nothing is approved."""
    second = next_batch(services, created_by="boris")
    with pytest.raises(Conflict, match="four eyes: 'boris' created batch"):
        _approve_batch(services, second.id, reviewer="boris", four_eyes=True)
    assert _statuses(services, second) == {"review"}


def test_four_eyes_refuses_the_creator_one_letter_at_a_time(
    services: Services, batch: Batch
) -> None:
    """The rule holds for approving single letters too, not only whole batches."""
    second = next_batch(services, created_by="boris")
    with services.db.unit_of_work() as uow, pytest.raises(Conflict, match="four eyes"):
        queue.approve(
            uow, [second.letters["uk-fcdo"]], reviewer="boris", clock=services.clock, four_eyes=True
        )


def test_services_bind_the_four_eyes_setting(services: Services, batch: Batch) -> None:
    """``Services.approvals`` applies ADVOCACY_FOUR_EYES without the caller passing it."""
    second = next_batch(services, created_by="boris")
    services.settings = services.settings.model_copy(update={"four_eyes": True})
    with services.db.unit_of_work() as uow, pytest.raises(Conflict, match="four eyes"):
        services.approvals.approve_batch(uow, second.id, reviewer="boris")


def test_four_eyes_lets_another_reviewer_approve(services: Services, batch: Batch) -> None:
    """A reviewer who did not create the batch approves it under four eyes."""
    second = next_batch(services, created_by="boris")
    _approve_batch(services, second.id, reviewer="anna", four_eyes=True)
    assert _statuses(services, second) == {"approved"}


def test_without_four_eyes_the_creator_may_approve(services: Services, batch: Batch) -> None:
    """Four eyes is optional: when off, the batch's creator may approve it."""
    second = next_batch(services, created_by="boris")
    _approve_batch(services, second.id, reviewer="boris")
    assert _statuses(services, second) == {"approved"}
