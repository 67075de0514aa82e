"""chat conversations, their messages and repair watches; hand-overs linked to them

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("external_key", sa.String(length=120), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("member_id"),
        sa.UniqueConstraint("external_key"),
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chat_messages_conversation_id", "chat_messages", ["conversation_id", "id"])
    op.create_table(
        "chat_watches",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["repair_tickets.id"]),
        sa.PrimaryKeyConstraint("conversation_id", "ticket_id"),
    )
    op.create_index("ix_chat_watches_ticket_id", "chat_watches", ["ticket_id"])
    with op.batch_alter_table("handoff_requests") as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("store_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("callback_phone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("taken_by", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_handoff_conversation", "chat_conversations", ["conversation_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key("fk_handoff_store", "stores", ["store_id"], ["id"])
        batch_op.create_index("ix_handoff_requests_conversation_id", ["conversation_id"])
        batch_op.create_index("ix_handoff_requests_store_id", ["store_id"])
    # "claimed" was the name of "taken" before the advisor's side existed
    op.execute("UPDATE handoff_requests SET status = 'taken' WHERE status = 'claimed'")


def downgrade() -> None:
    op.execute("UPDATE handoff_requests SET status = 'claimed' WHERE status = 'taken'")
    with op.batch_alter_table("handoff_requests") as batch_op:
        batch_op.drop_index("ix_handoff_requests_store_id")
        batch_op.drop_index("ix_handoff_requests_conversation_id")
        batch_op.drop_constraint("fk_handoff_store", type_="foreignkey")
        batch_op.drop_constraint("fk_handoff_conversation", type_="foreignkey")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("taken_at")
        batch_op.drop_column("taken_by")
        batch_op.drop_column("callback_phone")
        batch_op.drop_column("store_id")
        batch_op.drop_column("conversation_id")
    op.drop_index("ix_chat_watches_ticket_id", table_name="chat_watches")
    op.drop_table("chat_watches")
    op.drop_index("ix_chat_messages_conversation_id", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_table("chat_conversations")
