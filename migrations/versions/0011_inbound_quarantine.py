"""Inbound mail kept whole: quarantine reasons, message identity by hash, several letters per reply.

Revision ID: 0011_inbound_quarantine
Revises: 0010_letter_offices

``inbound_messages`` gains ``raw_sha256``, ``reason`` (why a message was quarantined) and
``rule`` (which rule decided); a message is unique by (Message-ID, sha256) instead of by
Message-ID alone, since distinct messages do share Message-IDs. ``responses`` is unique by
(Message-ID, letter) instead of Message-ID, so one reply can answer several letters. On SQLite
the batch rebuild of ``responses`` needs the answer_standings triggers out of the way, so
they are dropped and created again from migration 0009's definitions (the thread-wide ones
that replaced 0007's).
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0011_inbound_quarantine"
down_revision: str | Sequence[str] | None = "0010_letter_offices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _standings() -> ModuleType:
    """Migration 0009, whose triggers are current, loaded by path (its file name is no module
    name)."""
    path = Path(__file__).with_name("0009_campaign_threads.py")
    spec = importlib.util.spec_from_file_location("_campaign_threads_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_triggers(*, create: bool) -> None:
    """Drop (before) or create (after) every answer_standings trigger around the rebuild on
    SQLite: the rebuild drops the responses table's own triggers, and renaming the copy fails
    while the triggers of letters and deliveries name a responses table that is gone."""
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL alters in place; its triggers survive
    standings = _standings()
    if create:
        standings.create_triggers("sqlite")
    else:
        standings.drop_triggers("sqlite")


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("raw_sha256", sa.String(64), server_default="", nullable=False))
        batch.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("rule", sa.String(200), server_default="", nullable=False))
        batch.drop_constraint("uq_inbound_messages_message_id", type_="unique")
        batch.create_unique_constraint(
            "uq_inbound_messages_message_id_raw_sha256", ["message_id", "raw_sha256"]
        )
    _sqlite_triggers(create=False)
    with op.batch_alter_table("responses") as batch:
        batch.drop_constraint("uq_responses_message_id", type_="unique")
        batch.create_unique_constraint(
            "uq_responses_message_id_letter_id", ["message_id", "letter_id"]
        )
    _sqlite_triggers(create=True)


def downgrade() -> None:
    _sqlite_triggers(create=False)
    with op.batch_alter_table("responses") as batch:
        batch.drop_constraint("uq_responses_message_id_letter_id", type_="unique")
        batch.create_unique_constraint("uq_responses_message_id", ["message_id"])
    _sqlite_triggers(create=True)
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_constraint("uq_inbound_messages_message_id_raw_sha256", type_="unique")
        batch.create_unique_constraint("uq_inbound_messages_message_id", ["message_id"])
        batch.drop_column("rule")
        batch.drop_column("reason")
        batch.drop_column("raw_sha256")
