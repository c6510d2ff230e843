"""Web app: staff accounts, browser sessions, API tokens; the public page flag and summaries;
indexes the dashboard and review queue need at 100,000 deliveries.

Revision ID: 0004_web_accounts
Revises: 0003_signers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.tables

revision: str = "0004_web_accounts"
down_revision: str | None = "0003_signers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", storage.tables.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    for table in ("web_sessions", "api_tokens"):
        extra = (
            [sa.Column("csrf_token", sa.String(length=64), nullable=False),
             sa.Column("created_at", storage.tables.UtcDateTime(timezone=True), nullable=False),
             sa.Column("expires_at", storage.tables.UtcDateTime(timezone=True), nullable=False)]
            if table == "web_sessions"
            else [sa.Column("label", sa.String(length=100), nullable=False),
                  sa.Column("created_at", storage.tables.UtcDateTime(timezone=True), nullable=False),
                  sa.Column("revoked_at", storage.tables.UtcDateTime(timezone=True), nullable=True)]
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_sha256", sa.String(length=64), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("token_sha256", name=op.f(f"uq_{table}_token_sha256")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_page", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_summary", sa.Text(), nullable=False, server_default="")
        )

    op.create_index("ix_letters_status_batch", "letters", ["status", "batch_id"])
    op.create_index(
        "ix_deliveries_delivered", "deliveries", ["state", "finished_at", "letter_id"]
    )
    op.create_index(
        "ix_responses_campaign_addressee", "responses", ["campaign_id", "addressee_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_responses_campaign_addressee", table_name="responses")
    op.drop_index("ix_deliveries_delivered", table_name="deliveries")
    op.drop_index("ix_letters_status_batch", table_name="letters")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("public_summary")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("public_page")
    for table in ("api_tokens", "web_sessions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_user_id"))
        op.drop_table(table)
    op.drop_table("users")
