"""The Alembic migrations and the mapped tables describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from storage.migrate import upgrade
from storage.tables import Base


def test_migrations_match_models(database_url: str) -> None:
    """After upgrading to the newest revision, autogenerate finds nothing left to change."""
    engine = create_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    """Running the migrations on an up-to-date database changes nothing and does not fail."""
    engine = create_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    engine.dispose()
