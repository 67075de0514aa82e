"""console day: share codes of saved looks, booking notes and share codes, advisors' recommendation lists

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("looks") as looks:
        looks.add_column(sa.Column("share_code", sa.String(length=12), nullable=True))
        looks.create_unique_constraint("uq_looks_share_code", ["share_code"])
    with op.batch_alter_table("bookings") as bookings:
        bookings.add_column(sa.Column("notes", sa.Text(), nullable=True))
        bookings.add_column(sa.Column("share_codes", sa.JSON(), nullable=True))
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("staff_name", sa.String(length=60), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_recommendations_store_id", "recommendations", ["store_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_recommendations_store_id", table_name="recommendations")
    op.drop_table("recommendations")
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("share_codes")
        bookings.drop_column("notes")
    with op.batch_alter_table("looks") as looks:
        looks.drop_constraint("uq_looks_share_code", type_="unique")
        looks.drop_column("share_code")
