"""What changed since the previously approved version of a letter, section by section."""

from __future__ import annotations

from bootstrap import Services
from review import queue
from review.view import LetterView, letter_view
from storage.tables import ReviewText
from tests.helpers import rerender, set_signatures
from tests.review.steps import Batch, approve, next_batch, update_appeal

FCDO = "uk-fcdo"  # an English letter: the edited demand is the English one
NEW_DEMAND = "Act with your allies until free and fair elections are held."


def _view(s: Services, letter_id: int) -> LetterView:
    with s.db.unit_of_work(write=False) as uow:
        return letter_view(
            uow, letter_id, documents_dir=s.settings.documents_dir, stale_after_signatures=1000
        )


def test_each_render_records_the_letters_sections(services: Services, batch: Batch) -> None:
    """Revision 1 has a review text with the addressee block, demands and the quoted count."""
    text = _view(services, batch.letters[FCDO]).text
    assert isinstance(text, ReviewText)
    assert text.revision == 1
    assert text.sections["addressee"][-3:] == [
        "King Charles Street",
        "London SW1A 2AH",
        "United Kingdom",
    ]
    assert [line[:3] for line in text.sections["demands"]] == ["1. ", "2. ", "3. "]
    assert "15,240" in text.sections["signatures"][0]


def test_a_first_version_has_nothing_to_compare(services: Services, batch: Batch) -> None:
    """Before any approval there is no previous version and no diff."""
    view = _view(services, batch.letters[FCDO])
    assert (view.previous, view.changes) == (None, [])


def test_fixed_demand_shows_as_a_one_line_change(services: Services, batch: Batch) -> None:
    """Approve, change one demand, re-render: the diff names the demands section and shows
    exactly the old and the new demand."""
    letter_id = batch.letters[FCDO]
    approve(services, letter_id)
    update_appeal(services, demand=NEW_DEMAND)
    rerender(services, letter_id)
    view = _view(services, letter_id)
    assert view.previous is not None
    assert view.previous.text.revision == 1
    assert view.changes[0] == f"--- demands (letter {letter_id} r1)"
    removed = [line for line in view.changes if line.startswith("-") and not line.startswith("---")]
    added = [line for line in view.changes if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == 1
    assert "free elections" in removed[0]
    assert added == [f"+3. {NEW_DEMAND}"]


def test_unchanged_rerender_has_an_empty_diff(services: Services, batch: Batch) -> None:
    """Re-rendering with nothing changed compares with revision 1 and finds no change."""
    letter_id = batch.letters[FCDO]
    approve(services, letter_id)
    rerender(services, letter_id)
    view = _view(services, letter_id)
    assert view.previous is not None
    assert view.previous.text.revision == 1
    assert view.changes == []


def test_rejected_revision_is_not_the_comparison(services: Services, batch: Batch) -> None:
    """Only approved versions count: after a rejection there is still nothing to compare."""
    letter_id = batch.letters[FCDO]
    with services.db.unit_of_work() as uow:
        queue.reject(uow, [letter_id], reviewer="r", comment="fix", clock=services.clock)
    rerender(services, letter_id)
    assert _view(services, letter_id).previous is None


def test_next_batch_compares_with_the_letter_approved_in_the_last(
    services: Services, batch: Batch
) -> None:
    """A later batch's letter to the same addressee is compared with the approved one before;
    the new count appears as a change in the signatures line."""
    approve(services, batch.letters[FCDO])
    set_signatures(services, 21_000)
    later = next_batch(services)
    view = _view(services, later.letters[FCDO])
    assert view.previous is not None
    assert view.previous.batch_id == batch.id
    assert view.changes[0] == f"--- signatures (letter {batch.letters[FCDO]} r1)"
    assert any(line.startswith("+") and "21,000" in line for line in view.changes)
