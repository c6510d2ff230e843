"""Reserved: issue 16: delivery state machine (CHECK constraint), claims, held rows.

Revision ID: 0008_delivery_states
Revises: 0007_answer_standings

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0008_delivery_states"
down_revision: str | Sequence[str] | None = "0007_answer_standings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
