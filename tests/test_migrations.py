"""The Alembic migrations and the mapped tables describe the same schema."""

from __future__ import annotations

from pathlib import Path

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


OLD_ROWS = [
    "INSERT INTO addressees (id, key, name, official_name, person, title, category, country,"
    " languages, email, postal_address, web_form, salutation, tags, source, defunct, updated_at)"
    " VALUES (1, 'mfa-lithuania', 'MFA Lithuania', '', '', '', 'foreign-ministry', 'LT', 'lt;en',"
    " '', '', '', '', '', 'test', 0, '2021-09-08 09:00:00')",
    "INSERT INTO campaigns (id, key, title, version, definition, definition_sha256, created_at)"
    " VALUES (1, 'c', 'C', 1, '{}', 'x', '2021-09-08 09:00:00')",
    "INSERT INTO batches (id, campaign_id, reason, campaign_version, signature_count,"
    " signatures_as_of, created_at, created_by)"
    " VALUES (1, 1, 'm', 1, 15240, '2021-09-08 09:00:00', '2021-09-08 09:00:00', 't')",
    "INSERT INTO milestone_firings (id, campaign_id, milestone_key, fired_at, signature_count,"
    " batch_id) VALUES (1, 1, 'goal-15000', '2021-09-08 09:00:00', 15240, 1)",
    "INSERT INTO letters (id, batch_id, addressee_id, language, status, message_id, reply_token)"
    " VALUES (1, 1, 1, 'en', 'pending', '<m@x>', 't')",
]


def test_upgrade_keeps_data_of_an_older_database(tmp_path: Path) -> None:
    """A database with letters at revision 0003 upgrades to the newest with its rows intact."""
    from alembic import command

    from storage.db import make_engine
    from storage.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0003_signers")
        for statement in OLD_ROWS:
            connection.exec_driver_sql(statement)
    upgrade(engine)
    with engine.connect() as connection:
        counts = [
            connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()  # noqa: S608
            for table in ("campaigns", "batches", "milestone_firings", "letters")
        ]
    engine.dispose()
    assert counts == [1, 1, 1, 1]
