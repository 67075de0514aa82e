"""looks keep their skin smoothing (0..1); an item's lash style rides in the items JSON

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("looks") as looks:
        # looks saved before smoothing existed had none
        looks.add_column(sa.Column("smoothing", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("looks") as looks:
        looks.drop_column("smoothing")
