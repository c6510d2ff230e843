"""Reserved: issue 17: inbound messages kept raw, quarantine, many letters per reply.

Revision ID: 0011_inbound_quarantine
Revises: 0010_letter_offices

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0011_inbound_quarantine"
down_revision: str | Sequence[str] | None = "0010_letter_offices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
