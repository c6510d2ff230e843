"""Campaign threads: batch kinds, and answer standings over each addressee's whole thread.

Revision ID: 0009_campaign_threads
Revises: 0008_delivery_states

- ``batches.kind``: ``first`` (the full appeal), ``progress`` (a later milestone: an update to
  addressees that already have a letter) or ``reminder`` (a follow-up to the silent); existing
  rows get it from their reason (follow-ups) and their order (later milestone batches).
- ``answer_standings`` now reads the whole (campaign, addressee) thread, not the newest letter:
  ``delivered_at`` is the first delivery of any of its letters, and the new
  ``credited_delivered_at`` is when the letter the first answer is credited to went out (the
  letter the reply names by token or In-Reply-To; otherwise the newest delivery at or before
  the answer), so a second batch no longer hides the first one's deliveries and answers.
  The triggers of 0007 are replaced (same names) by ones with these rules.

A later migration that rebuilds letters, deliveries, responses or addressee_statuses in SQLite
batch mode must call ``create_triggers`` of THIS module afterwards (not 0007's).
"""

# ruff: noqa: S608  (the SQL is built from this file's constants only; no input reaches it)

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_campaign_threads"
down_revision: str | Sequence[str] | None = "0008_delivery_states"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

T = "answer_standings"
WENT_OUT = "('sent', 'written')"  # campaigns.threads.WENT_OUT
LETTER_MATCHES = "('token', 'in-reply-to')"  # campaigns.threads.LETTER_MATCHES
# The thread's deliveries, reached through its batches and letters: the state is tested inside
# the aggregate (CASE), never in WHERE, so no planner scans every delivery in a state instead.
_THREAD_DELIVERIES = (
    "FROM batches b JOIN letters l ON l.batch_id = b.id JOIN deliveries d ON d.letter_id = l.id "
    "WHERE l.addressee_id = {row}.addressee_id AND b.campaign_id = {row}.campaign_id"
)
_WENT = f"d.state IN {WENT_OUT}"
DELIVERED = (
    f"delivered_at = (SELECT min(CASE WHEN {_WENT} THEN d.finished_at END) "
    f"{_THREAD_DELIVERIES.format(row=T)})"
)
_FIRST_ANSWER = (
    f"FROM responses r WHERE r.campaign_id = {T}.campaign_id AND r.addressee_id = {T}."
    "addressee_id AND r.kind = 'response' ORDER BY r.received_at, r.id LIMIT 1"
)
CREDITED = (
    "credited_delivered_at = (SELECT CASE WHEN r.letter_id IS NOT NULL AND r.matched_by IN "
    f"{LETTER_MATCHES} THEN (SELECT min(CASE WHEN {_WENT} THEN d.finished_at END) FROM "
    "deliveries d WHERE d.letter_id = r.letter_id) ELSE (SELECT max(CASE WHEN "
    f"{_WENT} AND d.finished_at <= r.received_at THEN d.finished_at END) "
    f"{_THREAD_DELIVERIES.format(row='r')}) END {_FIRST_ANSWER})"
)
ANSWERS = (
    f"answered_at = (SELECT min(r.received_at) FROM responses r WHERE r.campaign_id = {T}."
    f"campaign_id AND r.addressee_id = {T}.addressee_id AND r.kind = 'response'), "
    f"acknowledged = EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = {T}.campaign_id "
    f"AND r.addressee_id = {T}.addressee_id AND r.kind <> 'response'), {CREDITED}"
)
MANUAL = (
    f"manual_status = (SELECT s.status FROM addressee_statuses s WHERE s.campaign_id = {T}."
    f"campaign_id AND s.addressee_id = {T}.addressee_id)"
)
# The thread of the letter a delivery row belongs to.
_OF_LETTER = (
    f"{T}.addressee_id = (SELECT l.addressee_id FROM letters l WHERE l.id = NEW.letter_id) AND "
    f"{T}.campaign_id = (SELECT b.campaign_id FROM letters l JOIN batches b ON b.id = l.batch_id "
    "WHERE l.id = NEW.letter_id)"
)


def _pair(row: str) -> str:
    return f"campaign_id = {row}.campaign_id AND addressee_id = {row}.addressee_id"


def _new_letter(greatest: str) -> list[str]:
    return [
        f"INSERT INTO {T} (campaign_id, addressee_id, letter_id) "
        "SELECT b.campaign_id, NEW.addressee_id, NEW.id FROM batches b WHERE b.id = NEW.batch_id "
        f"ON CONFLICT (campaign_id, addressee_id) DO UPDATE SET "
        f"letter_id = {greatest}({T}.letter_id, excluded.letter_id)",
        # A new letter has no deliveries yet; a new row may have answers or a status already.
        f"UPDATE {T} SET {ANSWERS}, {MANUAL} WHERE letter_id = NEW.id",
    ]


def _rules(greatest: str) -> list[tuple[str, str, list[str]]]:
    """(table, events, statements per changed row: NEW / OLD name the row as in trigger bodies)"""
    delivery = [f"UPDATE {T} SET {DELIVERED}, {CREDITED} WHERE {_OF_LETTER}"]
    return [
        ("letters", "INSERT", _new_letter(greatest)),
        ("deliveries", "INSERT", delivery),
        # Only a change of state or finish time matters (not leases, attempts, errors).
        ("deliveries", "UPDATE OF state, finished_at", delivery),
        ("responses", "INSERT", [f"UPDATE {T} SET {ANSWERS} WHERE {_pair('NEW')}"]),
        (
            "responses",
            "UPDATE",
            [f"UPDATE {T} SET {ANSWERS} WHERE {_pair(r)}" for r in ("OLD", "NEW")],
        ),
        ("responses", "DELETE", [f"UPDATE {T} SET {ANSWERS} WHERE {_pair('OLD')}"]),
        ("addressee_statuses", "INSERT", [f"UPDATE {T} SET {MANUAL} WHERE {_pair('NEW')}"]),
        (
            "addressee_statuses",
            "UPDATE",
            [f"UPDATE {T} SET {MANUAL} WHERE {_pair(r)}" for r in ("OLD", "NEW")],
        ),
        ("addressee_statuses", "DELETE", [f"UPDATE {T} SET {MANUAL} WHERE {_pair('OLD')}"]),
    ]


def _name(table: str, event: str) -> str:
    return f"trg_{T}_{table}_{event.split()[0].lower()}"


def drop_triggers(dialect: str) -> None:
    """Drop the standings triggers (0007's or these: they share their names)."""
    for table, event, _ in _rules("max"):
        op.execute(
            f"DROP TRIGGER IF EXISTS {_name(table, event)}"
            + (f" ON {table}" if dialect == "postgresql" else "")
        )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {_name(table, event)}()")


def create_triggers(dialect: str) -> None:
    """Create the thread-wide standings triggers (call after any SQLite rebuild of their
    tables)."""
    for table, event, statements in _rules("greatest" if dialect == "postgresql" else "max"):
        name = _name(table, event)
        if dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "; ".join(statements)
                + "; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            body = "; ".join(statements)
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}; END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column(
        "batches",
        sa.Column("kind", sa.String(length=12), server_default="first", nullable=False),
    )
    op.execute("UPDATE batches SET kind = 'reminder' WHERE reason LIKE 'follow-up: no answer by%'")
    op.execute(
        "UPDATE batches SET kind = 'progress' WHERE kind = 'first' AND id > (SELECT min(o.id) "
        "FROM batches o WHERE o.campaign_id = batches.campaign_id AND o.kind <> 'reminder')"
    )
    op.add_column(T, sa.Column("credited_delivered_at", sa.DateTime(timezone=True), nullable=True))
    # A thread is found by addressee: the triggers and campaigns.threads read letters this way.
    op.create_index(op.f("ix_letters_addressee_id"), "letters", ["addressee_id"])
    drop_triggers(dialect)
    create_triggers(dialect)
    op.execute(f"UPDATE {T} SET {DELIVERED}, {ANSWERS}")


def downgrade() -> None:
    import importlib.util
    from pathlib import Path

    dialect = op.get_bind().dialect.name
    drop_triggers(dialect)
    path = Path(__file__).with_name("0007_answer_standings.py")
    spec = importlib.util.spec_from_file_location("answer_standings_0007", path)
    assert spec is not None and spec.loader is not None
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    old._create_triggers(dialect)
    op.execute(f"UPDATE {T} SET {old.DELIVERED}, {old.ANSWERS}")
    op.drop_index(op.f("ix_letters_addressee_id"), table_name="letters")
    with op.batch_alter_table(T) as table:
        table.drop_column("credited_delivered_at")
    with op.batch_alter_table("batches") as table:
        table.drop_column("kind")
