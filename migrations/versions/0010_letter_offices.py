"""Reserved: issue 15: offices and office-holders, per-letter render failures.

Revision ID: 0010_letter_offices
Revises: 0009_campaign_threads

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0010_letter_offices"
down_revision: str | Sequence[str] | None = "0009_campaign_threads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
