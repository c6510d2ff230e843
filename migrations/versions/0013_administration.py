"""Administration (issue 19): API tokens that expire and say when they were last used.

``api_tokens.expires_at`` (NULL: never) makes a token stop working at that moment;
``api_tokens.last_used_at`` is noted at most hourly, for ``advocacy users tokens``. Columns are
added, not rebuilt, so no table is copied (and no trigger lost) on SQLite.

Revision ID: 0013_administration
Revises: 0012_registry_provenance
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.tables

revision: str = "0013_administration"
down_revision: str | Sequence[str] | None = "0012_registry_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_tokens",
        sa.Column("expires_at", storage.tables.UtcDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "api_tokens",
        sa.Column("last_used_at", storage.tables.UtcDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
