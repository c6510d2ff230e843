"""`deliver --proof-to`: a sample of the exact approved emails to a staff address, marked
[PROOF], never recorded as a delivery."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from contextlib import closing

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import bootstrap
from cli import main
from delivery.proof import marked
from storage.tables import Delivery
from tests.delivery.steps import approve_and_enqueue
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, cli_runner, cli_services, load_examples, reach_milestone


@pytest.fixture
def approved(env: dict[str, str]) -> Iterator[bootstrap.Services]:
    """The example batch rendered and approved on the CLI's database, its outbox emptied."""
    with closing(cli_services(env)) as s:
        load_examples(s)
        batch_id = reach_milestone(s)
        stand_in_render(s, batch_id)
        approve_and_enqueue(s, batch_id)
        with s.db.unit_of_work() as uow:
            for row in uow.scalars(select(Delivery)):
                uow.delete(row)  # approved letters, nothing queued yet
        yield s


def test_marked_changes_only_the_subject() -> None:
    """[PROOF] goes before the subject; every other byte stays as approved."""
    content = b"From: a@b.example\r\nSubject: Appeal\r\n\r\nSubject: in the body\r\n"
    assert marked(content) == content.replace(b"Subject: Appeal", b"Subject: [PROOF] Appeal")


def test_proofs_go_to_staff_and_record_no_delivery(
    env: dict[str, str], tmp_path: object, approved: bootstrap.Services
) -> None:
    """Three proofs, every language first, reach the staff address; the outbox stays empty."""
    with cli_runner(env, cwd=approved.settings.data_dir) as run:
        result = CliRunner.invoke(
            run, main, ["deliver", CAMPAIGN, "--proof-to", "staff@org.example", "--sample", "3"]
        )
    assert result.exit_code == 0, result.output
    assert result.output.count("to staff@org.example: sent") == 3
    box = mailbox.Maildir(approved.settings.outbox_dir, create=False)
    messages = list(box)
    assert len(messages) == 3
    assert all(str(m["Subject"]).startswith("[PROOF] ") for m in messages)
    assert {str(m["Content-Language"]) for m in messages} == {"en", "ru"}  # both it has
    with approved.db.unit_of_work(write=False) as uow:
        assert uow.scalar(select(func.count(Delivery.id))) == 0
