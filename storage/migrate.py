"""Run the Alembic migrations from code (``advocacy init``, tests, the demo).

Rule: on SQLite, foreign keys are switched off while migrating. Alembic's batch mode rebuilds a
table by copy-and-drop, and with foreign keys on, dropping a referenced table fails (or, worse,
cascades). The pragma only works outside a transaction, so it is set on the raw connection
before the migration's transaction begins, and every key is checked again afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from errors import AdvocacyError
from settings import ROOT

if TYPE_CHECKING:  # Alembic loads in ~0.15 s; commands that never migrate do not pay for it
    from alembic.config import Config


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at this project's migrations and the given database."""
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to run again."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "heads")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise AdvocacyError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def schema_problem(engine: Engine) -> str | None:
    """Why the database cannot serve this code (no schema yet, or an older one), or ``None``
    when it is at the newest revision. Long-running commands check this before they start."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return None
    if not current:
        return "the database has no schema yet; run 'advocacy init' first"
    return (
        f"the database schema is at {', '.join(sorted(current))} but this version needs "
        f"{', '.join(sorted(heads))}; run 'advocacy init' to upgrade it (safe to run again)"
    )
