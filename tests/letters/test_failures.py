"""One letter never stops a batch: it fails alone, with its reason kept and shown."""

from __future__ import annotations

from sqlalchemy import select, update

from bootstrap import Services
from letters.failures import ACTION
from review.render_failures import failed_letters
from storage.tables import Addressee, AuditEntry, Letter
from tests.helpers import load_examples, reach_milestone, render
from tests.markers import SQLITE_ONLY

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

BROKEN = "uk-fcdo"


def _break_address(s: Services, lines: str) -> None:
    with s.db.unit_of_work() as uow:
        uow.execute(update(Addressee).where(Addressee.key == BROKEN).values(postal_address=lines))


def _failed_batch(services: Services) -> tuple[int, int]:
    """The example batch with one addressee's postal address in a script no font has."""
    load_examples(services)
    _break_address(services, "東京都千代田区霞が関2-2-1\nTokyo")
    batch = reach_milestone(services)
    summary = render(services, batch)
    return batch, summary.rendered


def test_a_broken_letter_fails_alone_and_the_others_render(services: Services) -> None:
    """Every other letter of the batch is rendered; the broken one is named with its field and
    the characters' code points, and stays pending."""
    load_examples(services)
    _break_address(services, "東京都千代田区霞が関2-2-1\nTokyo")
    batch = reach_milestone(services)
    summary = render(services, batch)
    (failure,) = summary.failed
    assert failure.addressee_key == BROKEN
    assert "address line" in failure.reason
    assert "U+6771" in failure.reason
    with services.db.unit_of_work(write=False) as uow:
        letters = uow.scalars(select(Letter).where(Letter.batch_id == batch)).all()
    assert summary.rendered == len(letters) - 1
    (pending,) = [row for row in letters if row.status == "pending"]
    assert pending.render_error == failure.reason


def test_the_failure_is_audited_once_and_listed_for_review(services: Services) -> None:
    """A second render with the same reason adds no audit entry; the queue lists the letter."""
    batch, _ = _failed_batch(services)
    render(services, batch)
    with services.db.unit_of_work(write=False) as uow:
        entries = uow.scalars(select(AuditEntry).where(AuditEntry.action == ACTION)).all()
        (listed,) = failed_letters(uow)
    assert len(entries) == 1
    assert listed.addressee_key == BROKEN
    assert "U+6771" in listed.reason


def test_after_the_fix_the_letter_renders_and_its_reason_is_cleared(services: Services) -> None:
    """Fixing the address and rendering again renders the letter and clears the reason."""
    batch, _ = _failed_batch(services)
    _break_address(services, "King Charles Street\nLondon SW1A 2AH")
    summary = render(services, batch)
    assert (summary.rendered, summary.failed) == (1, [])
    with services.db.unit_of_work(write=False) as uow:
        assert failed_letters(uow) == []


def test_an_undrawable_official_name_falls_back_to_the_name(services: Services) -> None:
    """An official name in Japanese is replaced by the registry's name even when the postal
    address starts with that name: the letter renders."""
    load_examples(services)
    with services.db.unit_of_work() as uow:
        uow.execute(
            update(Addressee)
            .where(Addressee.key == BROKEN)
            .values(
                official_name="外務省",
                postal_address="Foreign, Commonwealth & Development Office\nKing Charles Street",
            )
        )
    summary = render(services, reach_milestone(services))
    assert summary.failed == []
