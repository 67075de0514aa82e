"""verified members: hashed device tokens, SMS sign-in codes, erasure, booking owners and link codes

Revision ID: 0005
Revises: 0004
"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_member_tokens_member_id", "member_tokens", ["member_id"])
    op.create_table(
        "sign_in_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_codes_phone", "sign_in_codes", ["phone"])

    # tokens handed out so far keep working: they move to the new table, hashed
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, token, created_at FROM members WHERE token IS NOT NULL")).fetchall()
    for member_id, token, created_at in rows:
        conn.execute(
            sa.text("INSERT INTO member_tokens (token_hash, member_id, created_at) VALUES (:h, :m, :c)"),
            {"h": hashlib.sha256(token.encode()).hexdigest(), "m": member_id, "c": created_at},
        )
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint("uq_members_token", type_="unique")
        batch_op.drop_column("token")
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("bookings") as batch_op:
        batch_op.add_column(sa.Column("link_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_bookings_link_code", ["link_code"])
        batch_op.create_foreign_key("fk_bookings_member_id", "members", ["member_id"], ["id"])
        batch_op.create_index("ix_bookings_member_id", ["member_id"])
    for (booking_id,) in conn.execute(sa.text("SELECT id FROM bookings")).fetchall():
        conn.execute(
            sa.text("UPDATE bookings SET link_code = :c WHERE id = :i"),
            {"c": secrets.token_urlsafe(24)[:32], "i": booking_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch_op:
        batch_op.drop_index("ix_bookings_member_id")
        batch_op.drop_constraint("fk_bookings_member_id", type_="foreignkey")
        batch_op.drop_constraint("uq_bookings_link_code", type_="unique")
        batch_op.drop_column("member_id")
        batch_op.drop_column("link_code")
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_members_token", ["token"])
    op.drop_index("ix_sign_in_codes_phone", "sign_in_codes")
    op.drop_table("sign_in_codes")
    op.drop_index("ix_member_tokens_member_id", "member_tokens")
    op.drop_table("member_tokens")
