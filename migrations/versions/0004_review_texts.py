"""Review texts: each letter revision's sections, for review diffs and the stale flag.

Revision ID: 0004_review_texts
Revises: 0003_signers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.tables

revision: str = "0004_review_texts"
down_revision: str | None = "0003_signers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("campaign_version", sa.Integer(), nullable=False),
        sa.Column("signature_count", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_review_texts_letter_id_letters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_texts")),
        sa.UniqueConstraint(
            "letter_id", "revision", name=op.f("uq_review_texts_letter_id_revision")
        ),
    )
    with op.batch_alter_table("review_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_texts_letter_id"), ["letter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_texts_letter_id"))
    op.drop_table("review_texts")
