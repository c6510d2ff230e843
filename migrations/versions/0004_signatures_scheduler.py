"""Signature webhook secret, missed milestones, APScheduler's job store.

Revision ID: 0004_signatures_scheduler
Revises: 0003_signers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_signatures_scheduler"
down_revision: str | None = "0003_signers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_secret", sa.String(length=100), nullable=True))
    with op.batch_alter_table("milestone_firings", schema=None) as batch_op:
        batch_op.alter_column("batch_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=10), nullable=False, server_default="fired")
        )
    # The default only filled existing rows; new rows always name their outcome.
    with op.batch_alter_table("milestone_firings", schema=None) as batch_op:
        batch_op.alter_column("outcome", existing_type=sa.String(length=10), server_default=None)
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apscheduler_jobs_next_run_time"))
    op.drop_table("apscheduler_jobs")
    op.execute("DELETE FROM milestone_firings WHERE batch_id IS NULL")
    with op.batch_alter_table("milestone_firings", schema=None) as batch_op:
        batch_op.drop_column("outcome")
        batch_op.alter_column("batch_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("webhook_secret")
