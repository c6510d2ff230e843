"""Issue 18: each addressee's official website, and per-field provenance of its contacts.

``<contact>_source`` says where a contact (email, postal address, web form, website) is
published and ``<contact>_verified_on`` when staff last confirmed it there (NULL: nobody has).
Added with ``op.add_column`` so the addressees table is not rebuilt.

Revision ID: 0012_registry_provenance
Revises: 0011_inbound_quarantine
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_registry_provenance"
down_revision: str | Sequence[str] | None = "0011_inbound_quarantine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONTACTS = ("email", "postal_address", "web_form", "website")


def upgrade() -> None:
    op.add_column(
        "addressees", sa.Column("website", sa.String(500), nullable=False, server_default="")
    )
    for contact in _CONTACTS:
        op.add_column(
            "addressees",
            sa.Column(f"{contact}_source", sa.String(500), nullable=False, server_default=""),
        )
        op.add_column("addressees", sa.Column(f"{contact}_verified_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("addressees") as batch:
        for contact in reversed(_CONTACTS):
            batch.drop_column(f"{contact}_verified_on")
            batch.drop_column(f"{contact}_source")
        batch.drop_column("website")
