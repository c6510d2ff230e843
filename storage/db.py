"""Engines and units of work.

Rule: services receive a ``Session`` that is one transaction (a unit of work) and never commit it
themselves; ``Database.unit_of_work()`` commits when the block ends and rolls back on error.
On SQLite every writing unit of work starts with ``BEGIN IMMEDIATE``, so two processes never
both read-then-write the same rows (the outbox claim and milestone firing depend on it). A
writer that finds the database locked by another one retries (SQLite's busy handler, with
growing sleeps) for ``busy_seconds``, then raises ``DatabaseBusy``: one line in the CLI, 503 on
the web, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from errors import AdvocacyError

_IMMEDIATE = "advocacy_sqlite_immediate"


class DatabaseBusy(AdvocacyError):
    """Another writer held the database's write lock for longer than we were willing to wait;
    nothing was written. Trying again later is the fix (HTTP 503)."""


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` is SQLite saying another connection holds the lock."""
    said = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and ("locked" in said or "busy" in said)


def _begin_immediate(connection: Any, busy_seconds: float) -> None:
    """``BEGIN IMMEDIATE``; while another writer holds the lock, SQLite's busy handler retries
    with growing sleeps (1 ms up to 100 ms) for ``busy_timeout``, then we give up in one line."""
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        raise DatabaseBusy(
            f"the database is busy: another process has held its write lock for over "
            f"{busy_seconds:g} s; nothing was written, try again in a moment"
        ) from None


def make_engine(url: str, *, busy_seconds: float = 15.0) -> Engine:
    """Create an engine; for SQLite set WAL, a busy timeout, foreign keys and explicit BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_seconds})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={round(busy_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_IMMEDIATE, False):
            _begin_immediate(connection, busy_seconds)
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


class Database:
    """One engine and the units of work opened on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        writer = engine.execution_options(**{_IMMEDIATE: True})
        self._writer = sessionmaker(bind=writer, expire_on_commit=False)
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session that is one transaction: committed at the end, rolled back on error."""
        factory = self._writer if write else self._reader
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
