"""Reserved: issue 18: per-field provenance and verification, explicit groups.

Revision ID: 0012_registry_provenance
Revises: 0011_inbound_quarantine

A slot in the migration chain, kept so that work on separate branches adds its schema without
creating several Alembic heads; it changes nothing until its work fills it in.
"""

from collections.abc import Sequence

revision: str = "0012_registry_provenance"
down_revision: str | Sequence[str] | None = "0011_inbound_quarantine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
