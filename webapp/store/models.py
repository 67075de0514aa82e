"""Database schema of the store back end.

Times are naive datetimes in Shanghai wall-clock time (see ``timeutil``): every store is in
one time zone, and SQLite keeps no offsets, so the API adds ``+08:00`` on the way out.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# in the order the try-on page offers them
MAKEUP_TYPES = ("lip", "eye", "cheek", "liner", "brow", "mascara", "foundation", "concealer")
REPAIR_STATUSES = (
    "received",
    "diagnosing",
    "awaiting_parts",
    "repairing",
    "ready_for_pickup",
    "completed",
)


class Base(DeclarativeBase):
    pass


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    address_zh: Mapped[str] = mapped_column(String(255))
    address_en: Mapped[str] = mapped_column(String(255))
    district_zh: Mapped[str] = mapped_column(String(40))
    district_en: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opens_at: Mapped[str] = mapped_column(String(5))  # "10:00"
    closes_at: Mapped[str] = mapped_column(String(5))  # "22:00"
    phone: Mapped[str] = mapped_column(String(32))
    parking_zh: Mapped[str | None] = mapped_column(Text)  # where to park and what it costs; None: not known
    parking_en: Mapped[str | None] = mapped_column(Text)
    # read only where hours are asked for (store cards, opening times): a store is loaded on most
    # calls (stock, slots, chats), and its whole calendar with it was a quarter of the web app's CPU per chat turn
    holidays: Mapped[list[HolidayHours]] = relationship(order_by="HolidayHours.day")

    __table_args__ = (Index("ix_stores_lat_lon", "lat", "lon"),)


class HolidayHours(Base):
    """A day a store keeps other hours than its regular ones (both times None: closed)."""

    __tablename__ = "holiday_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    day: Mapped[date] = mapped_column(Date)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(60))
    opens_at: Mapped[str | None] = mapped_column(String(5))
    closes_at: Mapped[str | None] = mapped_column(String(5))

    __table_args__ = (
        UniqueConstraint("store_id", "day", name="uq_holiday_hours_store_day"),
        CheckConstraint("(opens_at IS NULL) = (closes_at IS NULL)", name="ck_holiday_hours_both_or_closed"),
    )


class Product(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(20))  # makeup | furniture
    brand: Mapped[str] = mapped_column(String(60))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # makeup
    product_type: Mapped[str | None] = mapped_column(String(10))
    shade_hex: Mapped[str | None] = mapped_column(String(7))
    finish: Mapped[str | None] = mapped_column(String(10))
    # furniture, metres
    width_m: Mapped[float | None] = mapped_column(Float)
    depth_m: Mapped[float | None] = mapped_column(Float)
    height_m: Mapped[float | None] = mapped_column(Float)
    model_file: Mapped[str | None] = mapped_column(String(255))
    variants: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (
        CheckConstraint("category IN ('makeup', 'furniture')", name="ck_products_category"),
        Index("ix_products_category_type", "category", "product_type"),
    )


class Inventory(Base):
    __tablename__ = "inventory"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="ck_inventory_quantity"),
        Index("ix_inventory_sku_store", "sku", "store_id"),
    )


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    consent_face_data: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)  # personal data erased on request


class MemberToken(Base):
    """A device's sign-in: only the SHA-256 of the bearer secret is kept, so a leaked database
    opens nobody's account."""

    __tablename__ = "member_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SignInCode(Base):
    """A one-time code sent by SMS to prove a phone number; kept hashed, with a bounded number of tries."""

    __tablename__ = "sign_in_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class CouponCampaign(Base):
    __tablename__ = "coupon_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    discount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    min_spend: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_to: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(10))
    total_quota: Mapped[int] = mapped_column(Integer)
    per_member_limit: Mapped[int] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("issued <= total_quota", name="ck_campaign_quota"),
        CheckConstraint("channel IN ('online', 'in_store', 'both')", name="ck_campaign_channel"),
    )


class CouponClaim(Base):
    __tablename__ = "coupon_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("coupon_campaigns.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime)
    redeemed_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    order_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))

    campaign: Mapped[CouponCampaign] = relationship()
    redeemed_store: Mapped[Store | None] = relationship()

    __table_args__ = (Index("ix_claims_member_campaign", "member_id", "campaign_id"),)


class RepairTicket(Base):
    __tablename__ = "repair_tickets"

    id: Mapped[str] = mapped_column(String(7), primary_key=True)  # R-20417
    member_phone: Mapped[str] = mapped_column(String(20))
    product_sku: Mapped[str | None] = mapped_column(ForeignKey("products.sku"))
    product_desc_zh: Mapped[str] = mapped_column(String(120))
    product_desc_en: Mapped[str] = mapped_column(String(120))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    status: Mapped[str] = mapped_column(String(20))
    engineer: Mapped[str | None] = mapped_column(String(60))
    eta: Mapped[date | None] = mapped_column(Date)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    store: Mapped[Store] = relationship()
    events: Mapped[list[RepairEvent]] = relationship(order_by="RepairEvent.id", back_populates="ticket")


class RepairEvent(Base):
    __tablename__ = "repair_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("repair_tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note_zh: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    staff: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    ticket: Mapped[RepairTicket] = relationship(back_populates="events")


class ConsultationService(Base):
    __tablename__ = "consultation_services"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    duration_min: Mapped[int] = mapped_column(Integer)


class TimeSlot(Base):
    __tablename__ = "time_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    service_code: Mapped[str] = mapped_column(ForeignKey("consultation_services.code"))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)

    store: Mapped[Store] = relationship()
    service: Mapped[ConsultationService] = relationship()

    __table_args__ = (
        UniqueConstraint("store_id", "service_code", "starts_at", name="uq_slot"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_capacity"),
        Index("ix_slots_service_store_start", "service_code", "store_id", "starts_at"),
    )


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # short, typed with the phone's last digits
    link_code: Mapped[str | None] = mapped_column(String(32), unique=True)  # long, opens the booking alone
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("time_slots.id"))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="confirmed")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)  # the store's advisors' notes
    share_codes: Mapped[list | None] = mapped_column(JSON)  # saved looks / room plans the shopper brings

    slot: Mapped[TimeSlot] = relationship()


STAFF_ROLES = ("advisor", "store_manager")


class StaffAccount(Base):
    """A store advisor or manager who signs in to the console; only an argon2 hash of the password is kept."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(60))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # part of the console session's id: a new one (password reset, disabling) ends every open session
    session_key: Mapped[str] = mapped_column(String(32))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    store: Mapped[Store] = relationship()

    __table_args__ = (CheckConstraint("role IN ('advisor', 'store_manager')", name="ck_staff_role"),)


class StaffLoginAddress(Base):
    """Failed console sign-ins per client address, so one address cannot try many accounts."""

    __tablename__ = "staff_login_addresses"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who did what for which store, when: redemptions, repair steps, check-ins, replies, staff changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    staff_name: Mapped[str] = mapped_column(String(60))  # as it was then
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    action: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60))  # coupon code, ticket id, booking code, username
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_store_id", "store_id", "id"),)


class Look(Base):
    """A makeup look: a preset (``key`` set) or one a member saved with consent."""

    __tablename__ = "looks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(30), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    items: Mapped[list] = mapped_column(JSON)  # [{"sku", "intensity", "wing", "lashes"}]
    scene: Mapped[str | None] = mapped_column(String(20))
    smoothing: Mapped[float] = mapped_column(Float, default=0.0)  # skin smoothing of the whole look, 0..1
    created_at: Mapped[datetime] = mapped_column(DateTime)
    share_code: Mapped[str | None] = mapped_column(String(12), unique=True)  # a saved look, shown at the console


class SkinAnalysis(Base):
    """A skin-tone result, kept only when the member consented."""

    __tablename__ = "skin_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    ita: Mapped[float] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(20))
    undertone: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RoomPlan(Base):
    """A saved room plan, opened by its share code on a phone or at the advisor console."""

    __tablename__ = "room_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    room: Mapped[dict] = mapped_column(JSON)
    items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class HandoffRequest(Base):
    """A conversation the assistant hands to a person (the advisor console picks it up)."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(120), index=True)
    channel: Mapped[str] = mapped_column(String(30))
    lang: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(30))  # asked, fallback, verification_failed
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, taken, closed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # the chat it came from (its transcript); erased with the conversation
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE", name="fk_handoff_conversation"), index=True
    )
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", name="fk_handoff_store"), index=True)
    callback_phone: Mapped[str | None] = mapped_column(String(20))  # reason "callback": the member's number
    taken_by: Mapped[str | None] = mapped_column(String(60))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    store: Mapped[Store | None] = relationship()


CHAT_STATES = ("assistant", "advisor")
CHAT_AUTHORS = ("shopper", "assistant", "advisor", "system")


class ChatConversation(Base):
    """A shopper's chat: anonymous (opened by its signed public id), a member's own, or an outside key (WeChat)."""

    __tablename__ = "chat_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    external_key: Mapped[str | None] = mapped_column(String(120), unique=True)  # e.g. "wx:<openid>"
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(2))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    state: Mapped[str] = mapped_column(String(10), default="assistant")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    store: Mapped[Store | None] = relationship()


class ChatMessage(Base):
    """One message; its id is the client's cursor. ``body`` holds the Message fields other than id, author, at."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("chat_conversations.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_chat_messages_conversation_id", "conversation_id", "id"),)


class ChatWatch(Base):
    """A repair ticket the shopper asked about in this chat: its status changes are posted there."""

    __tablename__ = "chat_watches"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[str] = mapped_column(ForeignKey("repair_tickets.id"), primary_key=True, index=True)


class WechatIdentity(Base):
    """A WeChat user of the mini-program, by the openid code2Session gave; the session_key is never kept."""

    __tablename__ = "wechat_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Recommendation(Base):
    """Products an advisor recommends, each with a note; the shopper opens the list by its share code."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    staff_name: Mapped[str] = mapped_column(String(60))  # as it was then
    items: Mapped[list] = mapped_column(JSON)  # [{"sku", "note"}]
    created_at: Mapped[datetime] = mapped_column(DateTime)

    store: Mapped[Store] = relationship()

    __table_args__ = (Index("ix_recommendations_store_id", "store_id", "id"),)
