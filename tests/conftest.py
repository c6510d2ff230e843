"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when configured), a fixed
clock, services wired by the real composition root with an in-memory transport.

PostgreSQL runs when ADVOCACY_TEST_POSTGRES_URL is set (CI sets it), e.g.
    ADVOCACY_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test
Each test session gets its own throwaway database, created and dropped on that server.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import bootstrap
from delivery.memory import MemoryTransport
from settings import ROOT, Settings
from tests.helpers import cli_env, copy_template, migrated_template
from timeutil import FixedClock

EXAMPLES = ROOT / "examples"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Skips counted by reason, one line each (``-rfE`` lists failures and errors, not skips)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reasons[longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)] += 1
    if reasons:
        terminalreporter.section("skipped, by reason")
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"{count:5d}  {reason.removeprefix('Skipped: ')}")


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[None]:
    """Collection may write bytecode, even where PYTHONDONTWRITEBYTECODE is set (as on CI
    machines): pytest keeps each test module with its asserts rewritten in __pycache__ only
    when it may, and without that every worker rewrote all test modules at every run (~1.4 s
    of CPU each of the four). The tests themselves run with the setting as it was."""
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = dont_write


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (``slow`` or ``integration``) first, in their order, then the rest: a
    twenty-second test picked up last would keep one worker busy after the others finished."""
    items.sort(
        key=lambda item: (
            not (item.get_closest_marker("slow") or item.get_closest_marker("integration"))
        )
    )


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``sqlite_only`` (``tests.markers.SQLITE_ONLY``) that uses the database
    runs on SQLite alone: a parametrize mark, added before pytest reads the marks, takes
    precedence over the fixture's two params."""
    definition = metafunc.definition
    if "database_url" in metafunc.fixturenames and definition.get_closest_marker("sqlite_only"):
        definition.add_marker(pytest.mark.parametrize("database_url", ["sqlite"], indirect=True))


POSTGRES_URL = os.environ.get("ADVOCACY_TEST_POSTGRES_URL", "")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped at the end)."""
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL tests need ADVOCACY_TEST_POSTGRES_URL, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    name = f"advocacy_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: SQLite in a temp dir, or the session's PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'advocacy.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        empty_postgres(conn)
    engine.dispose()


# Every table but Alembic's, emptied and its sequences restarted. DELETE with triggers and
# foreign keys off (session_replication_role) takes ~5 ms on these small tables, where
# TRUNCATE … RESTART IDENTITY took ~0.3 s: it makes new files for every table each time.
_EMPTY = """
DO $$
DECLARE name text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR name IN SELECT quote_ident(tablename) FROM pg_tables
              WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE 'DELETE FROM ' || name;
  END LOOP;
  FOR name IN SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE 'SELECT setval(' || quote_literal(name) || ', 1, false)';
  END LOOP;
END $$
"""


def empty_postgres(conn: Connection) -> None:
    """Leave the session's database as migrated: no rows, sequences at 1 (superuser only: the
    ``ADVOCACY_TEST_POSTGRES_URL`` user creates and drops databases already)."""
    conn.execute(text(_EMPTY))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        smtp_url=None,
        secret_key="test-secret",
        _env_file=None,
    )  # type: ignore[call-arg]


@pytest.fixture
def transport() -> MemoryTransport:
    return MemoryTransport()


@pytest.fixture(scope="session")
def migrated_sqlite() -> Path:
    """The migrated SQLite template of this test process (``tests.helpers``)."""
    return migrated_template()


@cache
def _heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def at_head(engine: Engine) -> bool:
    """Whether the database is already at the newest revision (a copy of the migrated
    template, or the session's PostgreSQL database after its first test)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == _heads()


@pytest.fixture
def services(
    settings: Settings,
    clock: FixedClock,
    transport: MemoryTransport,
) -> Iterator[bootstrap.Services]:
    """Services from the real composition root, migrated, with a memory transport."""
    copy_template(settings.database_url)
    built = bootstrap.build(settings, clock=clock, transport=transport)
    if not at_head(built.db.engine):  # Alembic's no-op upgrade alone costs ~0.12 s a test
        built.migrate()
    yield built
    built.close()


@pytest.fixture(scope="module")
def module_services(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[bootstrap.Services]:
    """Services on one SQLite database shared by a module's tests, for read-only tests of an
    expensive state (a batch rendered for real): those tests must not change it."""
    root = tmp_path_factory.mktemp("module")
    shutil.copyfile(migrated_sqlite, root / "advocacy.db")
    settings = Settings(
        database_url=f"sqlite:///{root / 'advocacy.db'}",
        data_dir=root / "var",
        smtp_url=None,
        secret_key="test-secret",
        _env_file=None,
    )  # type: ignore[call-arg]
    built = bootstrap.build(settings, clock=FixedClock(), transport=MemoryTransport())
    yield built
    built.close()


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A writable copy of examples/ for tests that edit the files."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment of one isolated CLI installation in tmp_path, writing to the Maildir outbox."""
    return cli_env(tmp_path)
