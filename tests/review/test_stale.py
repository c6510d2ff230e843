"""Stale letters: an older appeal version, or a quoted count overtaken by more than a setting."""

from __future__ import annotations

import pytest

from bootstrap import Services
from review.stale import stale_reasons
from storage.tables import Letter
from tests.helpers import rerender, set_signatures
from tests.review.steps import Batch, update_appeal

FCDO = "uk-fcdo"


def _reasons(s: Services, letter_id: int, *, after: int = 1000) -> list[str]:
    with s.db.unit_of_work(write=False) as uow:
        return stale_reasons(uow, uow.get_one(Letter, letter_id), after_signatures=after)


def test_a_fresh_letter_is_not_stale(services: Services, batch: Batch) -> None:
    """Just rendered from the current appeal and count: no reasons."""
    assert _reasons(services, batch.letters[FCDO]) == []


def test_a_new_appeal_version_makes_rendered_letters_stale(
    services: Services, batch: Batch
) -> None:
    """After the appeal changes, letters rendered from version 1 say so."""
    update_appeal(services, demand="A changed demand.")
    assert _reasons(services, batch.letters[FCDO]) == [
        "rendered from appeal version 1; the appeal is now version 2"
    ]


def test_rerendering_from_the_new_version_clears_the_flag(services: Services, batch: Batch) -> None:
    """A letter re-rendered after the change is judged by its new revision, and is fresh."""
    update_appeal(services, demand="A changed demand.")
    rerender(services, batch.letters[FCDO])
    assert _reasons(services, batch.letters[FCDO]) == []


@pytest.mark.parametrize(("count", "stale"), [(16_240, False), (16_241, True)])
def test_a_count_overtaken_by_more_than_the_setting_is_stale(
    services: Services, batch: Batch, count: int, stale: bool
) -> None:
    """The letter quotes 15,240: a newest count more than 1,000 higher flags it, 1,000 does not."""
    set_signatures(services, count)
    reasons = _reasons(services, batch.letters[FCDO], after=1000)
    assert bool(reasons) is stale
    if stale:
        assert reasons == [
            "quotes 15,240 signatures; the newest count is 16,241 (+1,001, more than 1,000)"
        ]
