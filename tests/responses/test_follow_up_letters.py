"""Follow-up letters read as reminders: a subject prefix and an opening paragraph naming the
day of the first letter, in the letter's language, in the PDF, the DOCX and the email."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from letters.reminder import first_written
from letters.service import RenderSummary
from responses.follow_up import create_follow_ups
from storage.tables import Addressee
from tests.delivery.steps import approve_and_enqueue
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, load_examples, reach_milestone, render
from tests.markers import SQLITE_ONLY

pytestmark = SQLITE_ONLY  # the PostgreSQL run adds nothing here (tests.helpers)

EN = "On 10 September 2021 we wrote to you about “"
RU = "10 сентября 2021 г. мы направили вам обращение «"


def _send_first(s: Services, rendering: Callable[[Services, int], RenderSummary]) -> list[Path]:
    """The first batch rendered (by ``rendering``) and dated 8 September 2021, sent two days
    later, on 10 September; its files."""
    load_examples(s)
    batch_id = reach_milestone(s)
    files = rendering(s, batch_id).files
    approve_and_enqueue(s, batch_id)
    s.clock.advance(timedelta(days=2))
    assert s.worker().drain_sync().done == {"sent": 7}
    return files


@pytest.fixture
def first_files(services: Services) -> dict[str, Path]:
    """The first batch's files by name, rendered for real."""
    return {path.name: path for path in _send_first(services, render)}


@pytest.fixture
def follow_up_files(services: Services) -> dict[str, Path]:
    """The follow-up batch's files by name, rendered after the answer deadline passed (the
    first batch, whose documents nobody reads here, with stand-in PDFs)."""
    _send_first(services, stand_in_render)
    services.clock.advance(timedelta(days=60))
    with services.db.unit_of_work() as uow:
        [batch] = create_follow_ups(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=services.identities,
            working_days=20,
            clock=services.clock,
        )
        batch_id = batch.id
    return {path.name: path for path in render(services, batch_id).files}


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def email(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def email_text(path: Path) -> str:
    part = email(path).get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(part.get_content().split())


def test_first_written_is_the_day_the_first_letter_went_out(
    services: Services, first_files: dict[str, Path]
) -> None:
    """The reminder's date is the first delivery's day, not the (earlier) letter date."""
    with services.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        ids = {a.key: a.id for a in uow.scalars(select(Addressee))}
        written = first_written(uow, campaign.id, [ids["mfa-latvia"], ids["mfa-ukraine"]])
    assert {day.isoformat() for day in written.values()} == {"2021-09-10"}
    assert len(written) == 2


def test_pdf_opens_with_the_reminder_in_english(follow_up_files: dict[str, Path]) -> None:
    """pdftotext shows the English reminder, with the first letter's date, before the appeal."""
    text = pdf_text(follow_up_files["mfa-latvia.r1.pdf"])
    assert EN in text
    assert "we have not yet received an answer" in text
    assert text.index(EN) < text.index("We therefore ask you to:")


def test_pdf_opens_with_the_reminder_in_russian(follow_up_files: dict[str, Path]) -> None:
    """A Russian letter carries the Russian reminder with a Babel-formatted Russian date."""
    text = pdf_text(follow_up_files["mfa-ukraine.r1.pdf"])
    assert RU in text
    assert "Ответа мы пока не получили" in text


def test_docx_carries_the_reminder(follow_up_files: dict[str, Path]) -> None:
    """The Word document has the reminder as a paragraph of its own."""
    document = docx.Document(str(follow_up_files["mfa-latvia.r1.docx"]))
    assert any(p.text.startswith(EN) for p in document.paragraphs)


@pytest.mark.parametrize(
    ("name", "prefix", "opening"),
    [("mfa-latvia.r1.eml", "Reminder: ", EN), ("mfa-ukraine.r1.eml", "Напоминание: ", RU)],
    ids=["en", "ru"],
)
def test_email_subject_and_text_say_reminder(
    follow_up_files: dict[str, Path], name: str, prefix: str, opening: str
) -> None:
    """The email's subject starts with the reminder prefix and its text with the reminder."""
    assert str(email(follow_up_files[name])["Subject"]).startswith(prefix)
    assert opening in email_text(follow_up_files[name])


def test_first_letters_are_not_reminders(first_files: dict[str, Path]) -> None:
    """Letters of an ordinary batch have neither the prefix nor the paragraph."""
    message = first_files["mfa-latvia.r1.eml"]
    assert not str(email(message)["Subject"]).startswith("Reminder")
    assert "we wrote to you about" not in email_text(message)
    assert "we wrote to you about" not in pdf_text(first_files["mfa-latvia.r1.pdf"])
