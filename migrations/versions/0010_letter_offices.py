"""Offices and office-holders, and per-letter render failures (issue 15).

``addressees.office`` names the office a letter is addressed to (its salutation comes from it);
``person`` and ``title`` are that office's holder, held since ``holder_since``. ``letters.render_error`` says why a letter's last render failed
("" when it did not); the letter stays pending and the rest of its batch renders.
``batch_annexes`` gets a ``language``: one annex per (batch, language), so a letter's annex is
in its language (older rows keep "").

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
    # add_column: no table rebuild, so the answer_standings triggers on letters stay in place.
    op.add_column(
        "letters", sa.Column("render_error", sa.Text(), nullable=False, server_default="")
    )

    # batch_annexes carries no triggers, so batch mode (a table copy on SQLite) is safe here.
    with op.batch_alter_table("batch_annexes") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=False, server_default=""))
        batch.drop_constraint("uq_batch_annexes_batch_id", type_="unique")
        batch.create_unique_constraint(
            "uq_batch_annexes_batch_id_language", ["batch_id", "language"]
        )


def downgrade() -> None:
    with op.batch_alter_table("batch_annexes") as batch:
        batch.drop_constraint("uq_batch_annexes_batch_id_language", type_="unique")
        batch.create_unique_constraint("uq_batch_annexes_batch_id", ["batch_id"])
        batch.drop_column("language")
    # drop_column, not batch mode: SQLite (3.35+) drops it in place, keeping the triggers.
    op.drop_column("letters", "render_error")
    with op.batch_alter_table("addressees") as batch:
        batch.drop_column("holder_since")
        batch.drop_column("office")
