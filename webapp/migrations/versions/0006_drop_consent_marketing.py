"""drop members.consent_marketing: nothing ever asked for or read that consent

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("consent_marketing")


def downgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("consent_marketing", sa.Boolean(), nullable=False, server_default=sa.false()))
