"""Channel checks: an addressee's delivery channel flagged after a permanent bounce.

Revision ID: 0005_channel_checks
Revises: 0003_signers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.tables

revision: str = "0005_channel_checks"
down_revision: str | None = "0003_signers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_at", storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", storage.tables.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressee_id"],
            ["addressees.id"],
            name=op.f("fk_channel_checks_addressee_id_addressees"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_channel_checks_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_checks")),
    )
    with op.batch_alter_table("channel_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_checks_addressee_id"), ["addressee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_checks_addressee_id"))
    op.drop_table("channel_checks")
