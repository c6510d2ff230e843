"""Answer standings: per (campaign, addressee) the facts of the answer status, kept by triggers.

Revision ID: 0007_answer_standings
Revises: 0006_merge_heads

Triggers (the same SQL on SQLite and PostgreSQL, wrapped per dialect) refresh one row whenever
a letter is added, a delivery is added or changes state, a response or a hand-set status is
added, changed or removed; so every writer (the app, bulk inserts, psql) keeps it current.
A later migration that rebuilds one of those tables in SQLite batch mode (copy and drop) loses
its triggers and must create them again; tests/responses/test_standing.py checks they exist.
"""

# ruff: noqa: S608  (the SQL is built from this file's constants only; no input reaches it)

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_answer_standings"
down_revision: str | Sequence[str] | None = "0006_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

T = "answer_standings"
# The first delivery of the row's (newest) letter, when it went out.
DELIVERED = (
    "delivered_at = (SELECT CASE WHEN d.state IN ('sent', 'written') THEN d.finished_at END "
    f"FROM deliveries d WHERE d.letter_id = {T}.letter_id ORDER BY d.id LIMIT 1)"
)
ANSWERS = (
    f"answered_at = (SELECT min(r.received_at) FROM responses r WHERE r.campaign_id = {T}."
    f"campaign_id AND r.addressee_id = {T}.addressee_id AND r.kind = 'response'), "
    f"acknowledged = EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = {T}.campaign_id "
    f"AND r.addressee_id = {T}.addressee_id AND r.kind <> 'response')"
)
MANUAL = (
    f"manual_status = (SELECT s.status FROM addressee_statuses s WHERE s.campaign_id = {T}."
    f"campaign_id AND s.addressee_id = {T}.addressee_id)"
)


def _pair(row: str) -> str:
    return f"campaign_id = {row}.campaign_id AND addressee_id = {row}.addressee_id"


def _new_letter(greatest: str) -> list[str]:
    return [
        f"INSERT INTO {T} (campaign_id, addressee_id, letter_id) "
        "SELECT b.campaign_id, NEW.addressee_id, NEW.id FROM batches b WHERE b.id = NEW.batch_id "
        f"ON CONFLICT (campaign_id, addressee_id) DO UPDATE SET "
        f"letter_id = {greatest}({T}.letter_id, excluded.letter_id)",
        f"UPDATE {T} SET {DELIVERED}, {ANSWERS}, {MANUAL} WHERE letter_id = NEW.id",
    ]


# (table, events, statements per changed row: NEW / OLD name the row as in trigger bodies)
def _rules(greatest: str) -> list[tuple[str, str, list[str]]]:
    return [
        ("letters", "INSERT", _new_letter(greatest)),
        ("deliveries", "INSERT", [f"UPDATE {T} SET {DELIVERED} WHERE letter_id = NEW.letter_id"]),
        # Only a change of state or finish time matters (not leases, attempts, errors).
        (
            "deliveries",
            "UPDATE OF state, finished_at",
            [f"UPDATE {T} SET {DELIVERED} WHERE letter_id = NEW.letter_id"],
        ),
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


def _create_triggers(dialect: str) -> None:
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
            # (SQLite reads "SELECT … ON CONFLICT" right only with a WHERE, which it has.)
            body = "; ".join(statements)
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}; END")


def upgrade() -> None:
    op.create_table(
        T,
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("manual_status", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressee_id"],
            ["addressees.id"],
            name=op.f("fk_answer_standings_addressee_id_addressees"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_answer_standings_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_answer_standings_letter_id_letters")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "addressee_id", name=op.f("pk_answer_standings")),
    )
    op.create_index(op.f("ix_answer_standings_letter_id"), T, ["letter_id"])
    op.create_index(
        "ix_answer_standings_open",
        T,
        ["acknowledged", "answered_at", "manual_status", "delivered_at", "campaign_id"],
    )
    op.execute(
        f"INSERT INTO {T} (campaign_id, addressee_id, letter_id) "
        "SELECT b.campaign_id, l.addressee_id, max(l.id) FROM letters l "
        "JOIN batches b ON b.id = l.batch_id GROUP BY b.campaign_id, l.addressee_id"
    )
    op.execute(f"UPDATE {T} SET {DELIVERED}, {ANSWERS}, {MANUAL}")
    _create_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, event, _ in _rules("max"):
        op.execute(
            f"DROP TRIGGER IF EXISTS {_name(table, event)}"
            + (f" ON {table}" if dialect == "postgresql" else "")
        )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {_name(table, event)}()")
    op.drop_index("ix_answer_standings_open", table_name=T)
    op.drop_index(op.f("ix_answer_standings_letter_id"), table_name=T)
    op.drop_table(T)
