"""Merge the parallel branches of 0004/0005 into one line again.

Revision ID: 0006_merge_heads
Revises: the seven heads below (each added one independent table or column set)
"""

from collections.abc import Sequence

revision: str = "0006_merge_heads"
down_revision: str | Sequence[str] | None = (
    "0004_batch_annexes",
    "0004_review_texts",
    "0004_signatures_scheduler",
    "0004_web_accounts",
    "0005_channel_checks",
    "0005_delivery_reference",
    "0005_response_tracking",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
