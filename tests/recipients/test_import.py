"""registry.import_records: all or nothing, idempotent, and changes only with update=True."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bootstrap import Services
from errors import InputError
from recipients import registry
from recipients.record import AddresseeRecord
from storage import audit
from storage.tables import Addressee, AuditEntry
from timeutil import FixedClock

HEADER = "key,name,category,country,email\n"
ROWS = (
    "mfa-latvia,Latvian MFA,foreign-ministry,LV,mfa@latvia.example\nuk-fcdo,FCDO,government,GB,\n"
)


def import_file(s: Services, path: Path, *, update: bool = False) -> registry.ImportReport:
    """Read and import ``path`` in one unit of work, as the CLI does."""
    records = registry.read_file(path)
    with s.db.unit_of_work() as uow:
        return registry.import_records(
            uow, records, source_name=path.name, update=update, actor="tester", clock=s.clock
        )


def stored(s: Services) -> dict[str, AddresseeRecord]:
    """Every stored addressee as a record, by key."""
    with s.db.unit_of_work(write=False) as uow:
        rows = registry.list_addressees(uow)
        return {row.key: registry._as_record(row) for row in rows}


def audit_count(s: Services) -> int:
    with s.db.unit_of_work(write=False) as uow:
        return int(uow.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + ROWS)
    return path


class TestImportRecords:
    def test_new_rows_are_created(self, services: Services, registry_file: Path) -> None:
        """A first import stores every row and reports them as created."""
        report = import_file(services, registry_file)
        assert report.created == ["mfa-latvia", "uk-fcdo"]
        assert stored(services)["mfa-latvia"].email == "mfa@latvia.example"

    def test_creation_is_audited(self, services: Services, registry_file: Path) -> None:
        """An import that creates rows leaves one audit entry naming the file and the keys."""
        import_file(services, registry_file)
        with services.db.unit_of_work(write=False) as uow:
            (entry,) = audit.entries(uow)
            assert (entry.action, entry.subject, entry.actor) == (
                "addressee.import",
                "file:registry.csv",
                "tester",
            )
            assert entry.details == {"created": ["mfa-latvia", "uk-fcdo"]}

    def test_rejected_file_writes_nothing(self, services: Services, tmp_path: Path) -> None:
        """One bad row among good ones rejects the file; the database stays empty."""
        path = tmp_path / "bad.csv"
        path.write_text(HEADER + ROWS + "bad,Bad,government,PL,not-an-email\n")
        with pytest.raises(InputError):
            import_file(services, path)
        assert stored(services) == {}
        assert audit_count(services) == 0

    def test_reimport_is_a_no_op(self, services: Services, registry_file: Path) -> None:
        """Importing identical rows again changes nothing and records nothing."""
        import_file(services, registry_file)
        before, entries = stored(services), audit_count(services)
        report = import_file(services, registry_file)
        assert (report.created, report.updated) == ([], [])
        assert report.unchanged == ["mfa-latvia", "uk-fcdo"]
        assert (stored(services), audit_count(services)) == (before, entries)

    def test_change_without_update_is_refused(
        self, services: Services, registry_file: Path, tmp_path: Path
    ) -> None:
        """A changed row without update=True is an input error that mentions --update."""
        import_file(services, registry_file)
        changed = tmp_path / "changed.csv"
        changed.write_text(HEADER + ROWS.replace("mfa@latvia.example", "info@latvia.example"))
        with pytest.raises(InputError) as caught:
            import_file(services, changed)
        (problem,) = caught.value.problems
        assert (problem.source, problem.field) == ("changed.csv", "key")
        assert "'mfa-latvia'" in problem.message
        assert "email" in problem.message
        assert "--update" in problem.message

    def test_refused_change_also_drops_new_rows(
        self, services: Services, registry_file: Path, tmp_path: Path
    ) -> None:
        """When a change is refused, the new rows in the same file are not stored either."""
        import_file(services, registry_file)
        changed = tmp_path / "changed.csv"
        changed.write_text(
            HEADER + ROWS.replace("FCDO", "Foreign Office") + "new-one,New,other,,\n"
        )
        with pytest.raises(InputError):
            import_file(services, changed)
        assert sorted(stored(services)) == ["mfa-latvia", "uk-fcdo"]
        assert stored(services)["uk-fcdo"].name == "FCDO"

    def test_update_changes_the_row(
        self, services: Services, registry_file: Path, tmp_path: Path
    ) -> None:
        """With update=True the changed row is stored and reported as updated."""
        import_file(services, registry_file)
        changed = tmp_path / "changed.csv"
        changed.write_text(HEADER + ROWS.replace("mfa@latvia.example", "info@latvia.example"))
        report = import_file(services, changed, update=True)
        assert (report.updated, report.unchanged) == (["mfa-latvia"], ["uk-fcdo"])
        assert stored(services)["mfa-latvia"].email == "info@latvia.example"

    def test_update_audits_before_and_after(
        self, services: Services, registry_file: Path, tmp_path: Path
    ) -> None:
        """An update leaves an audit entry holding each changed field before and after."""
        import_file(services, registry_file)
        changed = tmp_path / "changed.csv"
        changed.write_text(HEADER + ROWS.replace(",LV,mfa@latvia", ",LT,mfa@latvia"))
        import_file(services, changed, update=True)
        with services.db.unit_of_work(write=False) as uow:
            entry = audit.entries(uow)[-1]
            assert (entry.action, entry.subject) == ("addressee.update", "addressee:mfa-latvia")
            assert entry.details == {"source": "changed.csv", "changes": {"country": ["LV", "LT"]}}

    def test_update_moves_updated_at(
        self, services: Services, clock: FixedClock, registry_file: Path, tmp_path: Path
    ) -> None:
        """An updated row carries the clock's time of the update."""
        import_file(services, registry_file)
        clock.advance(timedelta(days=3))
        changed = tmp_path / "changed.csv"
        changed.write_text(HEADER + ROWS.replace("FCDO", "Foreign Office"))
        import_file(services, changed, update=True)
        with services.db.unit_of_work(write=False) as uow:
            row = uow.scalars(select(Addressee).where(Addressee.key == "uk-fcdo")).one()
            assert row.updated_at == clock.now()
