"""Alembic environment: batch mode for SQLite, the naming convention from storage.tables.

Rule: generated migrations spell our column types ``storage.tables.X`` (see ``TYPES``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from settings import Settings
from storage.tables import Base

config = context.config
target_metadata = Base.metadata

# Autogenerate would name a custom type by its defining module (storage.tables.base.UtcDateTime),
# so moving it between area modules would break every migration that names it; the package
# re-exports each type and script.py.mako imports ``storage.tables``.
TYPES = "storage.tables."


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
        user_module_prefix=TYPES,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            user_module_prefix=TYPES,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config({"sqlalchemy.url": _url()}, poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            user_module_prefix=TYPES,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
