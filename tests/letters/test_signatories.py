"""A batch's signatory annex: who is in it, rendered once, attached to every letter PDF."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bootstrap import Services
from errors import IntegrityRefused
from letters.service import RenderSummary
from storage.tables import AuditEntry, BatchAnnex, Campaign, Letter, Signer
from tests import helpers
from tests.helpers import CAMPAIGN, load_examples, reach_milestone
from tests.letters.builders import page_texts


def add_signer(s: Services, name: str | None, **fields: object) -> None:
    """One signer of the example campaign, public and signed a day before the batch's count."""
    with s.db.unit_of_work() as uow:
        campaign_id = uow.scalar(select(Campaign.id).where(Campaign.key == CAMPAIGN))
        count = uow.scalar(select(func.count(Signer.id)).where(Signer.campaign_id == campaign_id))
        values = {
            "campaign_id": campaign_id,
            "email_key": f"{count + 1:064x}",
            "name": name,
            "city": "Vilnius",
            "country": "LT",
            "signed_at": s.clock.now() - timedelta(days=1),
            "public": True,
            "source": "test",
            **fields,
        }
        uow.execute(insert(Signer), [values])


def render(s: Services, batch_id: int) -> RenderSummary:
    """Render the batch finished as the CLI and the scheduler do: with the signatory annex."""
    return helpers.render(s, batch_id, finishing=s.finishing)


@pytest.fixture
def batch(services: Services) -> int:
    """The example campaign at its first milestone, with three public signers and others."""
    load_examples(services)
    add_signer(services, "Ўлада Ясюкевіч", city="Мінск", country="BY")
    add_signer(services, "Anna Nowak", city="Kraków", country="PL")
    add_signer(services, "Jonas Petrauskas", city=None, country=None)
    add_signer(services, "Hidden Person", public=False)
    add_signer(services, None, purged_at=services.clock.now())
    add_signer(services, "Late Signer", signed_at=services.clock.now() + timedelta(days=1))
    return reach_milestone(services)


def annex_text(s: Services, batch_id: int, language: str = "en") -> str:
    with s.db.unit_of_work(write=False) as uow:
        query = select(BatchAnnex).where(
            BatchAnnex.batch_id == batch_id, BatchAnnex.language == language
        )
        stored = uow.scalars(query).one()
    pages = page_texts((s.settings.documents_dir / stored.path).read_bytes())
    return " ".join(" ".join(pages).split())  # one space between words


def test_annex_lists_public_signers_with_their_place(services: Services, batch: int) -> None:
    """Consenting signers appear with city and country, the country named in English."""
    render(services, batch)
    text = annex_text(services, batch)
    assert "Ўлада Ясюкевіч Мінск, Belarus" in text
    assert "Anna Nowak Kraków, Poland" in text
    assert "Jonas Petrauskas" in text


def test_a_russian_letters_annex_is_in_russian(services: Services, batch: int) -> None:
    """The Russian letters get their own annex: heading, intro and country names in Russian."""
    render(services, batch)
    text = annex_text(services, batch, "ru")
    assert "Подписавшие" in text
    assert "Anna Nowak Kraków, Польша" in text
    assert "Signatories" not in text


def test_annex_leaves_out_private_purged_and_later_signers(services: Services, batch: int) -> None:
    """No consent, a purged row, or a signature after the batch's count: not in the annex."""
    render(services, batch)
    text = annex_text(services, batch)
    assert "Hidden Person" not in text
    assert "Late Signer" not in text
    assert "3 people who signed agreed" in text


def test_annex_never_shows_an_email_key(services: Services, batch: int) -> None:
    """Only name and place are printed: the stored email hash never reaches the annex."""
    render(services, batch)
    assert f"{1:064x}" not in annex_text(services, batch)


def test_annex_is_stored_once_with_its_hash(services: Services, batch: int) -> None:
    """One batch_annexes row per letter language: the file beside the letters, its sha256,
    names and pages."""
    render(services, batch)
    with services.db.unit_of_work(write=False) as uow:
        stored = uow.scalars(select(BatchAnnex).where(BatchAnnex.language == "en")).one()
        languages = set(uow.scalars(select(BatchAnnex.language)))
        letters = set(uow.scalars(select(Letter.language).where(Letter.batch_id == batch)))
    assert languages == letters
    assert stored.path == f"{CAMPAIGN}/batch-{batch}/annex-en.pdf"
    assert (stored.names, stored.pages) == (3, 1)
    content = (services.settings.documents_dir / stored.path).read_bytes()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_every_letter_pdf_ends_with_the_annex(services: Services, batch: int) -> None:
    """Each rendered letter PDF is its cover followed by the annex page."""
    summary = render(services, batch)
    pdfs = [p for p in summary.files if p.suffix == ".pdf"]
    assert len(pdfs) == summary.rendered
    for pdf in pdfs:
        pages = page_texts(pdf.read_bytes())
        assert "Ўлада Ясюкевіч" in pages[-1]
        assert "Ўлада Ясюкевіч" not in " ".join(pages[:-1])


def test_rerender_reuses_the_stored_annex(services: Services, batch: int) -> None:
    """A re-rendered letter gets the same annex bytes, even after new signers arrive."""
    render(services, batch)
    add_signer(services, "Newcomer Signer")
    with services.db.unit_of_work(write=False) as uow:
        letter_id = uow.scalars(select(Letter.id).where(Letter.batch_id == batch)).first()
    assert letter_id is not None
    summary = helpers.rerender(services, letter_id, finishing=services.finishing)
    pdf = next(p for p in summary.files if p.suffix == ".pdf")
    assert "Newcomer Signer" not in " ".join(page_texts(pdf.read_bytes()))
    with services.db.unit_of_work(write=False) as uow:
        annexes = len(uow.scalars(select(BatchAnnex)).all())
        renders = uow.scalars(select(AuditEntry).where(AuditEntry.action == "annex.render"))
        assert len(renders.all()) == annexes


def test_no_public_signer_means_no_annex(services: Services) -> None:
    """Without a consenting signer the letter is the cover alone and no annex is stored."""
    load_examples(services)
    summary = render(services, reach_milestone(services))
    with services.db.unit_of_work(write=False) as uow:
        assert uow.scalars(select(BatchAnnex)).all() == []
    pdf = next(p for p in summary.files if p.suffix == ".pdf")
    assert "Signatories" not in " ".join(page_texts(pdf.read_bytes()))


def test_annex_changed_on_disk_is_refused(services: Services, batch: int) -> None:
    """An annex file whose bytes no longer match its hash is not attached to a new render."""
    render(services, batch)
    annex = services.settings.documents_dir / CAMPAIGN / f"batch-{batch}" / "annex-en.pdf"
    annex.write_bytes(annex.read_bytes() + b"\n% edited\n")
    with services.db.unit_of_work() as uow:
        uow.get_one(Letter, 1).status = "pending"
    with pytest.raises(IntegrityRefused, match="changed on disk"):
        render(services, batch)


def test_without_annex_renderer_letters_have_no_annex(services: Services, batch: int) -> None:
    """Finishing without an annex renderer (the default) renders covers only."""
    summary = helpers.render(
        services, batch, finishing=dataclasses.replace(services.finishing, annexes=None)
    )
    pdf = next(p for p in summary.files if p.suffix == ".pdf")
    assert "Ўлада" not in " ".join(page_texts(pdf.read_bytes()))
