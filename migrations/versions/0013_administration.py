"""Reserved: issue 19: user deactivation, token expiry, login throttling.

Revision ID: 0013_administration
Revises: 0012_registry_provenance

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0013_administration"
down_revision: str | Sequence[str] | None = "0012_registry_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
