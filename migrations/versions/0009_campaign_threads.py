"""Reserved: issue 14: batch kinds, per-(campaign, addressee) threads, answer crediting.

Revision ID: 0009_campaign_threads
Revises: 0008_delivery_states

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0009_campaign_threads"
down_revision: str | Sequence[str] | None = "0008_delivery_states"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
