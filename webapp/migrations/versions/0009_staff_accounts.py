"""staff accounts: console sign-in per store, failed sign-ins per account and per address, audit log

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_key", sa.String(length=32), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("failures_since", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('advisor', 'store_manager')", name="ck_staff_role"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_index("ix_staff_accounts_store_id", "staff_accounts", ["store_id"])
    op.create_table(
        "staff_login_addresses",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("failures_since", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("address"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("staff_name", sa.String(length=60), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_accounts.id"]),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_store_id", "audit_log", ["store_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_store_id", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("staff_login_addresses")
    op.drop_index("ix_staff_accounts_store_id", "staff_accounts")
    op.drop_table("staff_accounts")
