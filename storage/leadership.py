"""Leadership: one running scheduler per job store, however many hosts start one.

Rule: only the process holding the lock runs jobs (APScheduler's FAQ: schedulers sharing a job
store duplicate or miss jobs). On PostgreSQL the lock is a session advisory lock on a dedicated
connection: the server frees it when that session ends, so when the leader dies (killed, host
gone, connection cut) a waiting process gets it at its next attempt. On SQLite, a database for
one host, it is an exclusive ``flock`` on a file beside the database. The leader checks its
lock on every poll and stops its jobs the moment it cannot show it still holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

# pg_try_advisory_lock takes a bigint; this one is "advocacy" in ASCII, read as a number.
LOCK_KEY = 0x6164766F63616379


class Lock(Protocol):
    """A lock only one process can hold; held until released or the process dies."""

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL session advisory lock (``pg_try_advisory_lock``) on its own connection."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine, self.key = engine, key
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        self.release()
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        query = text("SELECT pg_try_advisory_lock(:key)")
        if connection.execute(query, {"key": self.key}).scalar():
            self._connection = connection
            return True
        connection.close()
        return False

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            # The lock lives as long as the session: a live session still holds it.
            self._connection.execute(text("SELECT 1"))
        except DBAPIError:
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            # Invalidating closes the database session (merely closing would return it to the
            # pool, still holding the lock); a connection already gone took the lock with it.
            with contextlib.suppress(DBAPIError):
                self._connection.invalidate()
                self._connection.close()
            self._connection = None


class FileLock:
    """An exclusive ``flock`` on a file; the kernel frees it when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


def lock_for(engine: Engine) -> Lock:
    """The leadership lock that suits the database behind ``engine``."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database or ""
    if not database or database == ":memory:":
        raise ValueError("a scheduler needs a database file or a PostgreSQL server")
    return FileLock(Path(f"{database}.scheduler-lock"))


def lead(
    lock: Lock,
    *,
    start: Callable[[], None],
    stop: Callable[[], None],
    poll: float,
    stopping: threading.Event,
    say: Callable[[str], None],
) -> None:
    """Until ``stopping`` is set: wait for the lock, ``start()`` once it is ours, and ``stop()``
    when it is lost (then wait again). Attempts and checks happen every ``poll`` seconds."""
    leading, waiting = False, False
    try:
        while not stopping.is_set():
            if not leading and lock.try_acquire():
                leading, waiting = True, False
                say("leader: running jobs")
                start()
            elif leading and not lock.still_held():
                leading = False
                stop()
                say("lost the leadership lock: jobs stopped, waiting to lead again")
            elif not leading and not waiting:
                waiting = True
                say("waiting: another scheduler leads")
            stopping.wait(poll)
    finally:
        if leading:
            stop()
        lock.release()
