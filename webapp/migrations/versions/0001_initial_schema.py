"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:23:15.788835
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_services",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "coupon_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title_zh", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.Column("discount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("min_spend", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_to", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("total_quota", sa.Integer(), nullable=False),
        sa.Column("per_member_limit", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.CheckConstraint("channel IN ('online', 'in_store', 'both')", name="ck_campaign_channel"),
        sa.CheckConstraint("issued <= total_quota", name="ck_campaign_quota"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("consent_marketing", sa.Boolean(), nullable=False),
        sa.Column("consent_face_data", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phone"),
    )
    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("brand", sa.String(length=60), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("product_type", sa.String(length=10), nullable=True),
        sa.Column("shade_hex", sa.String(length=7), nullable=True),
        sa.Column("finish", sa.String(length=10), nullable=True),
        sa.Column("width_m", sa.Float(), nullable=True),
        sa.Column("depth_m", sa.Float(), nullable=True),
        sa.Column("height_m", sa.Float(), nullable=True),
        sa.Column("model_file", sa.String(length=255), nullable=True),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.CheckConstraint("category IN ('makeup', 'furniture')", name="ck_products_category"),
        sa.PrimaryKeyConstraint("sku"),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_category_type", ["category", "product_type"], unique=False)

    op.create_table(
        "stores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("address_zh", sa.String(length=255), nullable=False),
        sa.Column("address_en", sa.String(length=255), nullable=False),
        sa.Column("district_zh", sa.String(length=40), nullable=False),
        sa.Column("district_en", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=False),
        sa.Column("closes_at", sa.String(length=5), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.create_index("ix_stores_lat_lon", ["lat", "lon"], unique=False)

    op.create_table(
        "coupon_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=True),
        sa.Column("redeemed_store_id", sa.Integer(), nullable=True),
        sa.Column("order_amount", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["coupon_campaigns.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["redeemed_store_id"],
            ["stores.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("coupon_claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_member_campaign", ["member_id", "campaign_id"], unique=False)

    op.create_table(
        "inventory",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name="ck_inventory_quantity"),
        sa.ForeignKeyConstraint(
            ["sku"],
            ["products.sku"],
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
        ),
        sa.PrimaryKeyConstraint("store_id", "sku"),
    )
    with op.batch_alter_table("inventory", schema=None) as batch_op:
        batch_op.create_index("ix_inventory_sku_store", ["sku", "store_id"], unique=False)

    op.create_table(
        "repair_tickets",
        sa.Column("id", sa.String(length=7), nullable=False),
        sa.Column("member_phone", sa.String(length=20), nullable=False),
        sa.Column("product_sku", sa.String(length=40), nullable=True),
        sa.Column("product_desc_zh", sa.String(length=120), nullable=False),
        sa.Column("product_desc_en", sa.String(length=120), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("engineer", sa.String(length=60), nullable=True),
        sa.Column("eta", sa.Date(), nullable=True),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_sku"],
            ["products.sku"],
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "time_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=30), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_capacity"),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["consultation_services.code"],
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("store_id", "service_code", "starts_at", name="uq_slot"),
    )
    with op.batch_alter_table("time_slots", schema=None) as batch_op:
        batch_op.create_index("ix_slots_service_store_start", ["service_code", "store_id", "starts_at"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["time_slots.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "repair_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note_zh", sa.Text(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=False),
        sa.Column("staff", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["repair_tickets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("repair_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_events_ticket_id"))

    op.drop_table("repair_events")
    op.drop_table("bookings")
    with op.batch_alter_table("time_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_slots_service_store_start")

    op.drop_table("time_slots")
    op.drop_table("repair_tickets")
    with op.batch_alter_table("inventory", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_sku_store")

    op.drop_table("inventory")
    with op.batch_alter_table("coupon_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_member_campaign")

    op.drop_table("coupon_claims")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_index("ix_stores_lat_lon")

    op.drop_table("stores")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_category_type")

    op.drop_table("products")
    op.drop_table("members")
    op.drop_table("coupon_campaigns")
    op.drop_table("consultation_services")
