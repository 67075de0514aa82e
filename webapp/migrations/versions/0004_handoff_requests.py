"""handoff requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 20:59:10.896043
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_requests_sender_id"), ["sender_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_requests_sender_id"))

    op.drop_table("handoff_requests")
