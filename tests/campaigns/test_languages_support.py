"""Language choice (first language with a text, pins, bilingual) and what backs an appeal."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bootstrap import Services
from campaigns.appeal import Appeal, Layout, Support
from letters.check import check_campaign
from letters.support import support_sentence
from tests.helpers import load_examples
from tests.letters.builders import APPEAL, SIGNATURES_AS_OF
from tests.letters.texts import appeal_in


def _with(**fields: object) -> Appeal:
    return Appeal.model_validate({**APPEAL.model_dump(), **fields})


def test_first_language_with_a_text_wins() -> None:
    """el;tr;en with texts in en and ru: English, the first with a text, and why."""
    language, why = APPEAL.language_choice(["el", "tr", "en"])
    assert language == "en"
    assert "el, tr: no text" in why


def test_an_appeal_pins_an_addressees_language() -> None:
    """languages_for overrides the registry's languages for that addressee only."""
    pinned = _with(languages_for={"mfa-cyprus": "ru"})
    assert pinned.language_for(["el", "tr", "en"], key="mfa-cyprus") == "ru"
    assert pinned.language_for(["el", "tr", "en"], key="mfa-greece") == "en"


def test_texts_are_keyed_by_bcp47_tags() -> None:
    """be-Latn is a text language; a made-up tag is refused."""
    assert "be-Latn" in appeal_in("be-Latn").texts
    with pytest.raises(ValidationError, match="not a language tag"):
        _with(texts={"xx-Yyyy": APPEAL.texts["en"].model_dump(), **APPEAL.model_dump()["texts"]})


def test_a_bilingual_letter_reads_in_one_of_its_two_languages() -> None:
    """With a third text, a bilingual [en, ru] appeal still writes to an fr reader in en."""
    bilingual = appeal_in("fr").model_copy(
        update={"layout": Layout(style="bilingual", languages=["en", "ru"])}
    )
    assert bilingual.language_for(["fr", "ru"]) == "ru"
    assert bilingual.language_for(["fr"]) == "en"


def test_support_none_has_no_sentence_and_needs_no_petition() -> None:
    """support: none drops the count sentence; no petition_url is needed."""
    statement = _with(support="none", petition_url="")
    sentence = support_sentence(statement, "en", "en_GB", count=0, as_of=SIGNATURES_AS_OF)
    assert sentence == ""


def test_support_text_is_the_appeals_sentence_in_each_language() -> None:
    """support: text prints the appeal's own sentence, in the letter's language."""
    rally = Support(kind="text", text={"en": "Adopted by a rally.", "ru": "Принято митингом."})
    appeal = _with(support=rally.model_dump())
    assert support_sentence(appeal, "ru", "ru", count=1, as_of=SIGNATURES_AS_OF) == (
        "Принято митингом."
    )


def test_support_text_must_cover_every_text_language() -> None:
    """A missing sentence for one text language is refused (the letter would be mixed)."""
    with pytest.raises(ValidationError, match="support text missing for 'ru'"):
        _with(support={"kind": "text", "text": {"en": "Adopted by a rally."}})


def test_count_support_needs_a_petition_url() -> None:
    """The default, count, refuses an appeal without a petition URL."""
    with pytest.raises(ValidationError, match="petition_url is required"):
        _with(petition_url="")


def test_campaign_check_finds_placeholders(services: Services) -> None:
    """The example appeal's '(example)' co-signer and .example addresses are findings."""
    load_examples(services)
    with services.db.unit_of_work(write=False) as uow:
        findings = [str(f) for f in check_campaign(uow, APPEAL)]
    assert any("placeholder text '(example)'" in f for f in findings)
    assert any("appeal: petition_url: placeholder domain" in f for f in findings)


def test_campaign_check_finds_an_unknown_office_and_a_missing_holder(services: Services) -> None:
    """An office key the wording lacks, and an office without its holder, are findings."""
    from sqlalchemy import update

    from storage.tables import Addressee

    load_examples(services)
    with services.db.unit_of_work() as uow:
        uow.execute(update(Addressee).where(Addressee.key == "uk-fcdo").values(office="duke"))
        uow.execute(
            update(Addressee)
            .where(Addressee.key == "mfa-poland")
            .values(office="minister", person="")
        )
    with services.db.unit_of_work(write=False) as uow:
        findings = [str(f) for f in check_campaign(uow, APPEAL)]
    assert any(f.startswith("addressee uk-fcdo: unknown office 'duke'") for f in findings)
    assert "addressee mfa-poland: office 'minister' has no holder recorded" in findings
