"""store details shoppers ask for: parking, and the days a store keeps other hours (holidays)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores") as stores:
        stores.add_column(sa.Column("parking_zh", sa.Text(), nullable=True))
        stores.add_column(sa.Column("parking_en", sa.Text(), nullable=True))
    op.create_table(
        "holiday_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name_zh", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=True),
        sa.Column("closes_at", sa.String(length=5), nullable=True),
        sa.CheckConstraint("(opens_at IS NULL) = (closes_at IS NULL)", name="ck_holiday_hours_both_or_closed"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("store_id", "day", name="uq_holiday_hours_store_day"),
    )


def downgrade() -> None:
    op.drop_table("holiday_hours")
    with op.batch_alter_table("stores") as stores:
        stores.drop_column("parking_en")
        stores.drop_column("parking_zh")
