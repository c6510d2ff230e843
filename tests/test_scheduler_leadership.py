"""storage.leadership: only one holder of the scheduler lock; a freed lock is taken over."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bootstrap import Services
from storage.leadership import FileLock, Lock, lead, lock_for


@pytest.fixture
def locks(services: Services) -> Iterator[tuple[Lock, Lock]]:
    """Two locks on the (migrated) test database, as two scheduler processes would hold them."""
    engines = [create_engine(services.settings.database_url) for _ in range(2)]
    yield lock_for(engines[0]), lock_for(engines[1])
    for engine in engines:
        engine.dispose()


def test_only_one_holder(locks: tuple[Lock, Lock]) -> None:
    """While one lock is held, the other cannot be acquired."""
    first, second = locks
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    second.release()


def test_released_lock_is_taken_over(locks: tuple[Lock, Lock]) -> None:
    """Once the holder releases (or dies), the other acquires it."""
    first, second = locks
    assert first.try_acquire()
    first.release()
    assert second.try_acquire()
    assert second.still_held()
    second.release()


def test_file_lock_beside_the_database(tmp_path: Path) -> None:
    """On SQLite the lock is a file next to the database file."""
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    lock = lock_for(engine)
    assert isinstance(lock, FileLock)
    assert lock.path == tmp_path / "a.db.scheduler-lock"
    engine.dispose()


def test_lead_starts_once_and_stops_at_the_end(tmp_path: Path) -> None:
    """The loop starts the jobs when it gets the lock and stops them when told to end."""
    calls: list[str] = []
    stopping = threading.Event()
    lock = FileLock(tmp_path / "lock")

    def start() -> None:
        calls.append("start")
        stopping.set()

    lead(
        lock,
        start=start,
        stop=lambda: calls.append("stop"),
        poll=0.01,
        stopping=stopping,
        say=calls.append,
    )
    assert calls == ["leader: running jobs", "start", "stop"]
    assert FileLock(tmp_path / "lock").try_acquire()  # released on the way out


def test_waiting_loop_leads_when_the_lock_frees(tmp_path: Path) -> None:
    """A loop waiting behind a held lock starts the jobs once the holder lets go."""
    holder = FileLock(tmp_path / "lock")
    assert holder.try_acquire()
    started = threading.Event()
    stopping = threading.Event()
    said: list[str] = []
    loop = threading.Thread(
        target=lead,
        args=(FileLock(tmp_path / "lock"),),
        kwargs={
            "start": started.set,
            "stop": lambda: None,
            "poll": 0.01,
            "stopping": stopping,
            "say": said.append,
        },
    )
    loop.start()
    assert not started.wait(0.2)
    holder.release()
    assert started.wait(5)
    stopping.set()
    loop.join(5)
    assert said == ["waiting: another scheduler leads", "leader: running jobs"]
