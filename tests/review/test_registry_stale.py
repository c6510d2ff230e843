"""Letters and the registry as it is now: a record changed after rendering flags the letter
stale, a count corrected down flags letters quoting more, and rendering again takes the
addressee's languages as they are now."""

from __future__ import annotations

from datetime import timedelta

from bootstrap import Services
from review.stale import stale_reasons
from storage.tables import Addressee, Letter
from tests.helpers import rerender, set_signatures
from tests.review.steps import Batch

UKRAINE = "mfa-ukraine"


def _reasons(s: Services, letter_id: int) -> list[str]:
    with s.db.unit_of_work(write=False) as uow:
        return stale_reasons(uow, uow.get_one(Letter, letter_id), after_signatures=1000)


def _edit(s: Services, key: str, **fields: str) -> None:
    """Change an addressee's record an hour later, as the registry import would."""
    s.clock.advance(timedelta(hours=1))
    with s.db.unit_of_work() as uow:
        row = uow.query(Addressee).filter_by(key=key).one()
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = s.clock.now()


def test_a_registry_change_after_rendering_makes_the_letter_stale(
    services: Services, batch: Batch
) -> None:
    """A postal address added after the letter was rendered flags it."""
    _edit(services, UKRAINE, postal_address="Mykhailivska Square 1\nKyiv")
    assert any("registry record changed" in r for r in _reasons(services, batch.letters[UKRAINE]))


def test_a_count_corrected_down_makes_the_letter_stale(services: Services, batch: Batch) -> None:
    """A letter quoting 15,240 is stale once the count is corrected down to 15,100."""
    set_signatures(services, 15_100, correction="duplicates removed")
    assert _reasons(services, batch.letters[UKRAINE]) == [
        "quotes 15,240 signatures; the count was corrected down to 15,100"
    ]


def test_rendering_again_takes_the_languages_as_they_are_now(
    services: Services, batch: Batch
) -> None:
    """Ukraine's languages fixed to uk;en: the letter rendered again is English and fresh."""
    _edit(services, UKRAINE, languages="uk;en")
    rerender(services, batch.letters[UKRAINE])
    with services.db.unit_of_work(write=False) as uow:
        assert uow.get_one(Letter, batch.letters[UKRAINE]).language == "en"
    assert _reasons(services, batch.letters[UKRAINE]) == []
