"""Small steps many tests share: load the example registry and appeal, record a count, reach the
milestone, render a batch or one letter again, reach a CLI installation's database and run its
commands.

Rule: one implementation of each step lives here; test packages import it (their ``steps``
modules add only what is particular to them)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.engine import make_url

from bootstrap import Services, build
from campaigns.appeal import Appeal, load_appeal
from campaigns.signatures import CountOutcome, set_count
from campaigns.store import create_campaign
from delivery.memory import MemoryTransport
from letters.produce import Finishing
from letters.service import UNFINISHED, RenderSummary
from recipients import registry
from settings import ROOT, Settings

EXAMPLES = ROOT / "examples"
APPEAL = EXAMPLES / "appeal-derecognition.yaml"
CAMPAIGN = "derecognise-lukashenka"
# For a test whose subject does not depend on the database's SQL (a page, an access rule, a
# rendered document): the PostgreSQL run would repeat the SQLite one and add nothing. Tests of
# queries, state moves, locks, triggers and concurrency keep both.


def load_examples(s: Services, appeal: Appeal | Path = APPEAL) -> None:
    """Import the demo addressees and create the campaign from ``appeal`` (a file or a model;
    the example appeal unless told)."""
    if isinstance(appeal, Path):
        appeal = load_appeal(appeal)
    with s.db.unit_of_work() as uow:
        registry.import_records(
            uow,
            registry.read_file(EXAMPLES / "addressees-demo.csv"),
            source_name="demo",
            update=False,
            actor="test",
            clock=s.clock,
        )
        create_campaign(uow, appeal, actor="test", clock=s.clock)


def set_signatures(
    s: Services,
    value: int,
    *,
    correction: str | None = None,
    source: str = "test",
    actor: str = "test",
    campaign: str = CAMPAIGN,
) -> CountOutcome:
    """Record ``value`` signatures for ``campaign`` (the example's unless told) in its own
    unit of work."""
    with s.db.unit_of_work() as uow:
        return set_count(
            uow,
            campaign,
            value,
            as_of=None,
            source=source,
            identities=s.identities,
            actor=actor,
            clock=s.clock,
            policy=s.missed_policy,
            correction=correction,
        )


def reach_milestone(s: Services, count: int = 15_240) -> int:
    """Set the count past the first milestone; return the new batch id."""
    batch = set_signatures(s, count).batch
    assert batch is not None
    return batch.id


def render(s: Services, batch_id: int, *, finishing: Finishing = UNFINISHED) -> RenderSummary:
    """Render the batch's pending letters; covers only unless ``finishing`` says otherwise
    (``s.finishing``: with the signatory annex, as the CLI and the scheduler render)."""
    return s.render(batch_id, actor="test", finishing=finishing)


def rerender(s: Services, letter_id: int, *, finishing: Finishing = UNFINISHED) -> RenderSummary:
    """Render one letter again as a new revision, finished like :func:`render`."""
    return s.rerender(letter_id, actor="test", finishing=finishing)


@cache
def migrated_template() -> Path:
    """One SQLite database migrated from scratch per test process, copied for each test that
    needs an empty database: running every migration again for each of a thousand tests cost
    minutes of CPU. Removed when the process exits."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="advocacy-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    engine = make_engine(f"sqlite:///{folder / 'advocacy.db'}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return folder / "advocacy.db"


def copy_template(database_url: str) -> None:
    """A SQLite database that does not exist yet starts as a copy of the migrated template."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_template(), url.database)


def cli_env(root: Path) -> dict[str, str]:
    """Environment of one isolated CLI installation under ``root`` (its database and files in
    ``root/var``), writing to the Maildir outbox."""
    return {
        "ADVOCACY_DATABASE_URL": f"sqlite:///{root / 'var' / 'advocacy.db'}",
        "ADVOCACY_DATA_DIR": str(root / "var"),
        "ADVOCACY_SMTP_URL": "",
        "ADVOCACY_SECRET_KEY": "cli-test-secret",
    }


def cli_services(env: Mapping[str, str]) -> Services:
    """Services on the database of the CLI installation ``env`` describes (the ``env``
    fixture), migrated, with a memory transport; the caller closes them."""
    copy_template(env["ADVOCACY_DATABASE_URL"])
    settings = Settings(
        database_url=env["ADVOCACY_DATABASE_URL"],
        data_dir=Path(env["ADVOCACY_DATA_DIR"]),
        secret_key=env["ADVOCACY_SECRET_KEY"],
        _env_file=None,
    )  # type: ignore[call-arg]
    services = build(settings, transport=MemoryTransport())
    services.migrate()
    return services


@contextmanager
def cli_runner(env: Mapping[str, str], *, cwd: Path) -> Iterator[CliRunner]:
    """A runner for the CLI installation ``env`` describes, working in ``cwd`` (so a stray
    relative path cannot touch the repository's var/); back in the repository root after."""
    os.chdir(cwd)
    try:
        yield CliRunner(env=dict(env))
    finally:
        os.chdir(ROOT)
