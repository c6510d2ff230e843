"""Delivery states: the CHECK constraint on ``deliveries.state``, held rows, claims and history.

Revision ID: 0008_delivery_states
Revises: 0007_answer_standings

Adds to ``deliveries``: ``unsettled_claims`` (claims without a recorded outcome since the last
one: a row that keeps killing its worker goes to ``held`` after ``ADVOCACY_MAX_CLAIMS``),
``first_attempt_at`` (the retry horizon counts from it) and ``history`` (one line per attempt,
kept for the final ``failed`` message), and the CHECK that ``state`` is one of the names of
``delivery.states.State`` as they stand at this revision (frozen here on purpose).

SQLite cannot add a CHECK to an existing table: batch mode copies the table, which drops its
triggers, so the ``answer_standings`` triggers on ``deliveries`` (0007) are created again.
"""

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0008_delivery_states"
down_revision: str | Sequence[str] | None = "0007_answer_standings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = (
    "queued",
    "sending",
    "retry_wait",
    "printed",
    "sent",
    "written",
    "failed",
    "cancelled",
    "bounced",
    "held",
)
CHECK = "state IN (" + ", ".join(f"'{s}'" for s in STATES) + ")"


def _standings() -> ModuleType:
    """Migration 0007, for its trigger definitions (one source for the trigger SQL)."""
    path = Path(__file__).with_name("0007_answer_standings.py")
    spec = importlib.util.spec_from_file_location("_answer_standings_0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _standing_triggers(*, create: bool) -> None:
    """Drop (before batch mode) or create again (after it) every ``answer_standings`` trigger
    of 0007, on SQLite: the copy loses the table's own, and SQLite refuses to rename the copy
    into place while other tables' triggers name the table that is gone."""
    standings = _standings()
    for table, event, statements in standings._rules("max"):
        name = standings._name(table, event)
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        if create:
            body = "; ".join(statements)
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}; END")


def _rebuild(change: Callable[[BatchOperations], None]) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _standing_triggers(create=False)
    with op.batch_alter_table("deliveries") as batch:
        change(batch)
    if sqlite:
        _standing_triggers(create=True)


def _add(batch: BatchOperations) -> None:
    batch.add_column(
        sa.Column("unsettled_claims", sa.Integer(), server_default="0", nullable=False)
    )
    batch.add_column(sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True))
    batch.add_column(sa.Column("history", sa.Text(), server_default="", nullable=False))
    batch.create_check_constraint(op.f("ck_deliveries_state"), sa.text(CHECK))


def _drop(batch: BatchOperations) -> None:
    batch.drop_constraint(op.f("ck_deliveries_state"), type_="check")
    batch.drop_column("history")
    batch.drop_column("first_attempt_at")
    batch.drop_column("unsettled_claims")


def upgrade() -> None:
    _rebuild(_add)


def downgrade() -> None:
    _rebuild(_drop)
