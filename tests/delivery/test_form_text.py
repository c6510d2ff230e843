"""The web-form task's text, read back from a real approved letter PDF with its signatory
annex: clean paragraphs of the letter only, with soft hyphenation undone and real hyphens kept."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from delivery.postal import form_task
from review import queue
from storage.tables import Addressee, Delivery, Document
from tests.helpers import APPEAL, CAMPAIGN, load_examples, reach_milestone, render
from tests.letters.test_signatories import add_signer

PARLIAMENT = "european-parliament"
SIGNER = "Ona Šimkutė"
# Compounds with real hyphens, many of them, so that lines break at their hyphens; the
# justified paragraph also makes WeasyPrint hyphenate long plain words.
COMPOUNDS = " ".join(
    f"co-signers{', re-elected' if n % 3 else ''} and well-known extraordinarily "
    "internationalised co-founders"
    for n in range(12)
)


@pytest.fixture(scope="module")
def task(module_services: Services) -> tuple[str, str]:
    """A web-form-only Parliament's task for the example letter with an extra paragraph of
    compounds and a signatory annex: (the task's text, the approved PDF's raw text). Rendered
    once for the module (SQLite: the text does not depend on the database); the tests read it."""
    services = module_services
    appeal = load_appeal(APPEAL)
    english = appeal.texts["en"]
    body = f"{english.body.rstrip()}\n\n{COMPOUNDS}.\n"
    texts = {**appeal.texts, "en": english.model_copy(update={"body": body})}
    load_examples(services, appeal.model_copy(update={"texts": texts}))
    add_signer(services, SIGNER)
    with services.db.unit_of_work() as uow:
        parliament = uow.scalars(select(Addressee).where(Addressee.key == PARLIAMENT)).one()
        parliament.postal_address, parliament.web_form = "", "https://www.europarl.example/form"
    batch_id = reach_milestone(services)
    render(services, batch_id, finishing=services.finishing)
    with services.db.unit_of_work() as uow:
        services.approvals.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r")
        enqueue(
            uow, get_campaign(uow, CAMPAIGN), actor="t", clock=services.clock, channels=CHANNELS
        )
    with services.db.unit_of_work(write=False) as uow:
        row = uow.scalars(select(Delivery).where(Delivery.channel == "manual")).one()
        text = form_task(uow, row.id, documents_dir=services.settings.documents_dir).text
        document = uow.get_one(Document, row.document_id)
    pdf = (services.settings.documents_dir / document.path).read_bytes()
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text, raw


def test_the_pdf_has_what_the_text_must_undo(task: tuple[str, str]) -> None:
    """The raw PDF text has soft hyphens, real hyphens at line ends, page footers and the
    annex (else the other tests would prove nothing)."""
    _, raw = task
    assert "bil-\nlion" in raw
    assert re.search(r"\b(co|re|well)-\n", raw)
    assert re.search(r"^1 / 2$", raw, re.MULTILINE)
    assert SIGNER in raw


def test_soft_hyphenation_is_undone(task: tuple[str, str]) -> None:
    """No word is left split by a hyphen and a line break: "billion", not "bil-" "lion"."""
    text, _ = task
    assert "billion" in text
    assert not re.search(r"[^\W\d_]-\s", text)


def test_real_hyphens_are_kept(task: tuple[str, str]) -> None:
    """Every compound of the extra paragraph is there whole, hyphen and all."""
    text, _ = task
    assert text.count("co-signers") == 12
    assert text.count("co-founders") == 12
    assert text.count("well-known") == 12
    assert text.count("re-elected") == 8
    assert not re.search(r"\b(cosigners|cofounders|wellknown|reelected)\b", text)


def test_paragraph_lines_are_joined(task: tuple[str, str]) -> None:
    """A paragraph is one line of text, paragraphs apart by a blank line."""
    text, _ = task
    assert f"\n\n{COMPOUNDS}.\n\n" in text
    first = (
        "We write on behalf of the people who have signed our petition, Belarusians at home and "
        "abroad and their friends around the world."
    )
    assert f"\n\n{first}\n\n" in text


def test_every_demand_is_there_in_full(task: tuple[str, str]) -> None:
    """Each demand of the appeal is one numbered paragraph, word for word."""
    text, _ = task
    for n, demand in enumerate(load_appeal(APPEAL).texts["en"].demands, 1):
        assert f"\n\n{n}. {' '.join(demand.split())}\n\n" in text


def test_no_page_footers_and_no_annex(task: tuple[str, str]) -> None:
    """Page numbers and the signatory annex (heading and names) are left out."""
    text, _ = task
    assert not re.search(r"^\d+ / \d+$", text, re.MULTILINE)
    assert SIGNER not in text
    assert "Signatories" not in text
    assert text.endswith("https://petition.example/derecognise-lukashenka")


def test_the_text_starts_with_the_subject_then_the_salutation(task: tuple[str, str]) -> None:
    """No letterhead, address window, date or heading: the subject line, then the salutation."""
    text, _ = task
    english = load_appeal(APPEAL).texts["en"]
    first, second = text.split("\n\n")[:2]
    assert first == f"Subject: {english.subject}"
    assert second.startswith("Dear")
    assert "Example Street 1" not in text  # the sender's letterhead address
    assert "20 September 2021" not in text.split("\n\n")[1]
