"""Storing checked signers: in bulk for imports, a few at a time for webhook calls.

Rule: a signer already stored for the campaign (same ``email_key``) is skipped by the unique
index on (campaign, email key), ``ON CONFLICT DO NOTHING``, never by a lookup first; so two
writers racing with the same person store one row. Values are converted by the columns' own
SQLAlchemy types (``UtcDateTime``, ``Boolean``), so every path stores the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Dialect, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from campaigns.signers import SignerRecord
from storage.tables import Signer

# Rows per INSERT statement batch: big enough to amortise, small enough to bound memory.
CHUNK = 20_000
_TABLE = cast(Table, Signer.__table__)
# SQLite: the statement in the driver's own (``?``) form, for plain tuples.
_SQLITE_INSERT = (
    "INSERT INTO signers (campaign_id, email_key, name, city, country, signed_at, public, source)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, email_key) DO NOTHING"
)
# SQLite page cache while a bulk import runs (KiB; default 2 MiB): the unique index on random
# email keys outgrows the default after ~20,000 signers, and each insert then touches a page
# that is out of the cache; 128 MiB holds the index of ~1,000,000 (a third less CPU per row).
# Rows are not sorted by key to help the index: ids keep the file's order, which breaks ties
# between signers with the same ``signed_at`` in the signatory annex.
_IMPORT_CACHE_KIB = 131_072


def _rows(campaign_id: int, records: Sequence[SignerRecord], source: str) -> list[dict[str, Any]]:
    return [
        {
            "campaign_id": campaign_id,
            "email_key": r.email_key,
            "name": r.name,
            "city": r.city,
            "country": r.country,
            "signed_at": r.signed_at,
            "public": r.public,
            "source": source,
        }
        for r in records
    ]


def _insert_skipping_known(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # The Core table, not the mapped class: the ORM's bulk path costs ~10 µs a row here.
    return insert(_TABLE).on_conflict_do_nothing(index_elements=["campaign_id", "email_key"])


def _bind(dialect: Dialect, column: str) -> Callable[[Any], Any]:
    # dialect_impl: a TypeDecorator's own bind_processor skips the dialect's (SQLite: to text).
    processor = _TABLE.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else (lambda value: value)


@contextmanager
def bulk_signers(
    uow: Session, campaign_id: int, *, source: str
) -> Iterator[Callable[[Sequence[SignerRecord]], None]]:
    """``add(records)`` stores many records fast, skipping one already stored for the
    campaign (same key).

    Count the new ones with ``signer_total`` before and after, under ``lock_campaign``
    (drivers do not agree on a row count for a bulk insert). PostgreSQL gets SQLAlchemy's
    multi-row ``VALUES``; SQLite gets plain tuples handed to the driver's ``executemany``
    (SQLAlchemy's per-row parameter handling cost more than the insert itself there).
    """
    dialect = uow.get_bind().dialect
    if dialect.name != "sqlite":
        insert = _insert_skipping_known(dialect.name)

        def add_now(records: Sequence[SignerRecord]) -> None:
            if records:
                uow.execute(insert, _rows(campaign_id, records, source))

        yield add_now
        return
    connection = uow.connection()
    cache = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")
    when, public = _bind(dialect, "signed_at"), _bind(dialect, "public")

    def add(records: Sequence[SignerRecord]) -> None:
        rows = [
            (campaign_id, key, name, city, country, when(signed_at), public(consent), source)
            for key, name, city, country, signed_at, consent in records
        ]
        if rows:
            connection.exec_driver_sql(_SQLITE_INSERT, rows)

    try:
        yield add
    finally:  # the connection goes back to the pool: other work keeps the usual cache
        connection.exec_driver_sql(f"PRAGMA cache_size = {cache}")


def insert_new_signers(
    uow: Session, campaign_id: int, records: Sequence[SignerRecord], *, source: str
) -> int:
    """Store a few records, skipping known ones as ``bulk_signers`` does; return how many
    were new (``RETURNING``: no count over all the campaign's signers)."""
    if not records:
        return 0
    statement = _insert_skipping_known(uow.get_bind().dialect.name).returning(_TABLE.c.id)
    return len(uow.execute(statement, _rows(campaign_id, records, source)).all())


def signer_total(uow: Session, campaign_id: int) -> int:
    """How many distinct signers the campaign has stored."""
    query = select(func.count()).select_from(Signer).where(Signer.campaign_id == campaign_id)
    return int(uow.scalar(query) or 0)
