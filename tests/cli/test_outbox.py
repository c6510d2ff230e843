"""``advocacy outbox list|retry|cancel`` and the drain progress as a user runs them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import bootstrap
from cli import main
from delivery.memory import MemoryTransport
from settings import ROOT, Settings
from storage.tables import AuditEntry, Delivery
from tests.delivery.steps import queued_batch


@pytest.fixture
def installed(env: dict[str, str]) -> Iterator[bootstrap.Services]:
    """Services on the CLI's database, holding the example batch approved and queued."""
    settings = Settings(
        database_url=env["ADVOCACY_DATABASE_URL"],
        data_dir=Path(env["ADVOCACY_DATA_DIR"]),
        secret_key=env["ADVOCACY_SECRET_KEY"],
        _env_file=None,
    )  # type: ignore[call-arg]
    services = bootstrap.build(settings, transport=MemoryTransport())
    services.migrate()
    queued_batch(services)
    yield services
    services.close()


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path, installed: bootstrap.Services) -> Iterator[CliRunner]:
    os.chdir(tmp_path)
    yield CliRunner(env=env)
    os.chdir(ROOT)


def ids(s: bootstrap.Services, state: str) -> list[int]:
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Delivery.id).where(Delivery.state == state)))


def test_list_filters_by_state(run: CliRunner, installed: bootstrap.Services) -> None:
    """`outbox list --state queued` prints one line per queued row with its recipient."""
    result = run.invoke(main, ["outbox", "list", "--state", "queued"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(ids(installed, "queued")) == 7
    assert all("queued (attempts 0)" in line for line in lines)
    assert (
        run.invoke(main, ["outbox", "list", "--state", "sent"]).output == "no outbox rows match\n"
    )


def test_cancel_is_audited_with_its_reason(run: CliRunner, installed: bootstrap.Services) -> None:
    """A cancelled row stays cancelled through `advocacy worker`; the audit log has the reason."""
    first = ids(installed, "queued")[0]
    result = run.invoke(main, ["outbox", "cancel", str(first), "--reason", "wrong desk"])
    assert result.exit_code == 0, result.output
    assert run.invoke(main, ["worker"]).exit_code == 0
    assert ids(installed, "cancelled") == [first]
    with installed.db.unit_of_work(write=False) as uow:
        entry = uow.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.cancel")).one()
    assert entry.details["reason"] == "wrong desk"


def test_cancel_refuses_what_went_out(run: CliRunner, installed: bootstrap.Services) -> None:
    """Cancelling a written row exits 1 and cancels none of the ids given with it."""
    assert run.invoke(main, ["worker"]).exit_code == 0
    written = ids(installed, "written")[0]
    result = run.invoke(main, ["outbox", "cancel", str(written), "--reason", "late"])
    assert result.exit_code == 1
    assert "only queued, waiting or failed" in result.output
    assert ids(installed, "cancelled") == []


def test_retry_requeues_a_cancelled_row(run: CliRunner, installed: bootstrap.Services) -> None:
    """`outbox retry` puts a cancelled row back; the next worker pass writes it."""
    first = ids(installed, "queued")[0]
    run.invoke(main, ["outbox", "cancel", str(first), "--reason", "hold"])
    assert run.invoke(main, ["outbox", "retry", str(first)]).exit_code == 0
    result = run.invoke(main, ["worker"])
    assert "7 written to outbox" in result.output
    assert first in ids(installed, "written")


def test_deliver_print_and_posted(run: CliRunner, installed: bootstrap.Services) -> None:
    """`deliver` queues the post-only addressee; `outbox print` and `outbox posted` send it."""
    assert run.invoke(main, ["deliver", "derecognise-lukashenka"]).exit_code == 0
    [postal] = ids(installed, "queued")
    printed = run.invoke(main, ["outbox", "print", "1"])
    assert printed.exit_code == 0, printed.output
    assert "1 letter(s)" in printed.output
    result = run.invoke(
        main, ["outbox", "posted", str(postal), "--date", "2024-03-04", "--tracking", "RR1"]
    )
    assert result.exit_code == 0, result.output
    assert postal in ids(installed, "sent")
