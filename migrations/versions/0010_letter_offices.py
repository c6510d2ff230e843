"""Offices and office-holders (issue 15); per-letter render failures to follow in this slot.

``addressees.office`` names the office a letter is addressed to (its salutation comes from it);
``person`` and ``title`` are that office's holder, held since ``holder_since``.

Revision ID: 0010_letter_offices
Revises: 0009_campaign_threads

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_letter_offices"
down_revision: str | Sequence[str] | None = "0009_campaign_threads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "addressees", sa.Column("office", sa.String(60), nullable=False, server_default="")
    )
    op.add_column("addressees", sa.Column("holder_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("addressees") as batch:
        batch.drop_column("holder_since")
        batch.drop_column("office")
