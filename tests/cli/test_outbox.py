"""``advocacy outbox list|retry|cancel|checks``, ``deliver`` run twice, and the drain progress as
a user runs them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import bootstrap
from cli import main
from delivery.bounces import handle_bounce
from delivery.claims import claim_due
from storage.tables import Addressee, AuditEntry, ChannelCheck, Delivery, Letter
from tests.delivery.steps import queued_batch
from tests.delivery.test_bounces import dsn
from tests.helpers import cli_runner, cli_services


@pytest.fixture
def installed(env: dict[str, str]) -> Iterator[bootstrap.Services]:
    """Services on the CLI's database, holding the example batch approved and queued."""
    with closing(cli_services(env)) as services:
        queued_batch(services)
        yield services


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path, installed: bootstrap.Services) -> Iterator[CliRunner]:
    """A runner in tmp_path for that installation."""
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


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
    assert "only queued, waiting," in result.output
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


def test_deliver_twice_enqueues_nothing_new(run: CliRunner, installed: bootstrap.Services) -> None:
    """A second `deliver` queues no row, audits no enqueue and writes no letter again."""
    first = run.invoke(main, ["deliver", "derecognise-lukashenka"])
    assert first.exit_code == 0, first.output
    assert "queued 1, already queued 7" in first.output
    rows, written = snapshot(installed), sorted((installed.settings.outbox_dir / "new").iterdir())
    second = run.invoke(main, ["deliver", "derecognise-lukashenka"])
    assert second.exit_code == 0, second.output
    assert "queued 0, already queued 8" in second.output
    assert "delivery: nothing due" in second.output
    assert snapshot(installed) == rows
    assert sorted((installed.settings.outbox_dir / "new").iterdir()) == written


def snapshot(s: bootstrap.Services) -> tuple[list[tuple[int, str, str]], int]:
    """Every outbox row (id, state, Message-ID) and how many enqueues the audit log records."""
    with s.db.unit_of_work(write=False) as uow:
        rows = [
            (d.id, d.state, d.message_id)
            for d in uow.scalars(select(Delivery).order_by(Delivery.id))
        ]
        enqueues = uow.scalars(
            select(AuditEntry).where(AuditEntry.action == "delivery.enqueue")
        ).all()
    return rows, len(enqueues)


def bounce_first(run: CliRunner, s: bootstrap.Services) -> Delivery:
    """Write the queued letters, then a permanent bounce of the first one; return that row."""
    assert run.invoke(main, ["worker"]).exit_code == 0
    with s.db.unit_of_work() as uow:
        row = uow.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert row is not None
        raw = dsn(s, row, status="5.1.1", action="failed")
        assert handle_bounce(uow, raw, identities=s.identities, clock=s.clock)
    return row


def test_checks_lists_a_bounced_channel(run: CliRunner, installed: bootstrap.Services) -> None:
    """`outbox checks` names the addressee, channel, address, date and the bounce's reason."""
    assert run.invoke(main, ["outbox", "checks"]).output == "no channel is flagged for checking\n"
    row = bounce_first(run, installed)
    result = run.invoke(main, ["outbox", "checks"])
    assert result.exit_code == 0, result.output
    (line,) = result.output.strip().splitlines()
    key, channel, address, flagged, reason = line.split("\t")
    assert (channel, address) == ("email", row.recipient)
    assert key == addressee_key(installed, row)
    assert flagged.startswith("flagged 20")
    assert f"(delivery {row.id})" in flagged
    assert "5.1.1 mailbox" in reason


def test_checks_clear_is_audited(run: CliRunner, installed: bootstrap.Services) -> None:
    """`checks clear ADDRESSEE` closes the check with an audited reason; `--all` still shows it."""
    row = bounce_first(run, installed)
    key = addressee_key(installed, row)
    result = run.invoke(main, ["outbox", "checks", "clear", key, "--reason", "desk confirmed"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{key}: 1 email check(s) cleared\n"
    assert run.invoke(main, ["outbox", "checks"]).output == "no channel is flagged for checking\n"
    assert "cleared 20" in run.invoke(main, ["outbox", "checks", "--all"]).output
    with installed.db.unit_of_work(write=False) as uow:
        entry = uow.scalars(
            select(AuditEntry).where(AuditEntry.action == "channel_check.clear")
        ).one()
    assert (entry.subject, entry.details["reason"]) == (f"addressee:{key}", "desk confirmed")
    assert entry.details["address"] == row.recipient


def test_checks_clear_refuses_an_unflagged_channel(
    run: CliRunner, installed: bootstrap.Services
) -> None:
    """Clearing where nothing is flagged (or the channel differs) exits 1 and audits nothing."""
    key = addressee_key(installed, bounce_first(run, installed))
    result = run.invoke(main, ["outbox", "checks", "clear", key, "--channel", "postal"])
    assert result.exit_code == 1
    assert f"{key} has no open check on its postal channel" in result.output
    assert run.invoke(main, ["outbox", "checks", "clear", "nobody"]).exit_code == 1
    with installed.db.unit_of_work(write=False) as uow:
        assert uow.scalars(select(ChannelCheck.cleared_at)).all() == [None]


def addressee_key(s: bootstrap.Services, row: Delivery) -> str:
    with s.db.unit_of_work(write=False) as uow:
        letter = uow.get_one(Letter, row.letter_id)
        return uow.get_one(Addressee, letter.addressee_id).key


def expire_leases(s: bootstrap.Services, n: int) -> None:
    """The first ``n`` sending rows' worker died: their leases ended a minute ago."""
    with s.db.unit_of_work() as uow:
        rows = uow.scalars(
            select(Delivery).where(Delivery.state == "sending").order_by(Delivery.id)
        )
        for row in list(rows)[:n]:
            row.lease_until = datetime.now(UTC) - timedelta(minutes=1)


def test_list_shows_when_a_lease_ends(run: CliRunner, installed: bootstrap.Services) -> None:
    """A sending row shows its lease's end; one whose lease is over says its worker died."""
    now = datetime.now(UTC)
    claim_due(installed.db, limit=2, now=now, lease=timedelta(minutes=5))
    expire_leases(installed, 1)
    lines = run.invoke(main, ["outbox", "list", "--state", "sending"]).output.splitlines()
    assert len(lines) == 2
    assert "lease expired" in lines[0]
    assert "(its worker died)" in lines[0]
    assert f"lease until {now + timedelta(minutes=5):%Y-%m-%d %H:%M}" in lines[1]


def test_worker_reports_leased_rows_at_start(run: CliRunner, installed: bootstrap.Services) -> None:
    """`advocacy worker` first says how many rows are held, leased and expired."""
    claim_due(installed.db, limit=2, now=datetime.now(UTC), lease=timedelta(minutes=5))
    expire_leases(installed, 2)
    output = run.invoke(main, ["worker"]).output
    assert "outbox: 0 held for staff" in output
    assert "2 with an expired lease" in output


def test_worker_with_nothing_due_names_the_next_due_time(
    run: CliRunner, installed: bootstrap.Services
) -> None:
    """When only a later retry waits, the worker says "nothing due — next at" its time."""
    assert run.invoke(main, ["worker"]).exit_code == 0
    later = datetime.now(UTC) + timedelta(hours=2)
    with installed.db.unit_of_work() as uow:
        row = uow.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert row is not None
        row.state, row.next_attempt_at, row.finished_at = "retry_wait", later, None
    output = run.invoke(main, ["worker"]).output
    assert f"delivery: nothing due — next at {later:%Y-%m-%d %H:%M} UTC" in output
