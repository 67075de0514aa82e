"""looks, skin analyses, member tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:38:23.929275
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "looks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("scene", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("looks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_looks_member_id"), ["member_id"], unique=False)

    op.create_table(
        "skin_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("ita", sa.Float(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("undertone", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("skin_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skin_analyses_member_id"), ["member_id"], unique=False)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_members_token", ["token"])


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint("uq_members_token", type_="unique")
        batch_op.drop_column("token")

    with op.batch_alter_table("skin_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skin_analyses_member_id"))

    op.drop_table("skin_analyses")
    with op.batch_alter_table("looks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_looks_member_id"))

    op.drop_table("looks")
