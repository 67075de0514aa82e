"""The advisor's day at the counter: what a share code shows (a saved look, a room plan, a
recommendation list, each with nearby stock), and recommendation lists an advisor makes and sends
into a shopper's chat.

A look is products and settings only: no face image is kept anywhere, so none can be shown.
Every staff call is scoped to the advisor's store and audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..text import translate
from . import audit, chat, codes, consultations, looks, room_plans, stock, timeutil
from .catalog import get_product, product_dict, store_dict
from .db import found, unit_of_work
from .errors import StoreError
from .models import ChatConversation, HandoffRequest, Look, Member, Recommendation, RoomPlan
from .staff import StaffContext, require_store

MAX_ITEMS = 20
MAX_NOTE = 200
NEARBY = 3  # stores shown per product in the customer view
RECENT = 20

# builds a chat product card for a SKU in a language (the web app knows the URLs); None when it cannot
CardMaker = Callable[[str, str], "dict | None"]


def _normalise(code: object) -> str:
    return str(code or "").strip().upper()[:20]


# --- recommendation lists ------------------------------------------------------------------


def _items(session: Session, raw: object) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ITEMS:
        raise StoreError("invalid_field", field="items", reason=f"a list of 1 to {MAX_ITEMS} products")
    items = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise StoreError("invalid_field", field="items", reason="each item is an object with a sku")
        note = entry.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise StoreError("invalid_field", field="note", reason=f"text up to {MAX_NOTE} characters")
        product = get_product(session, entry.get("sku"))
        cleaned = "".join(c for c in note if c.isprintable()).strip()
        items.append({"sku": product.sku, "note": cleaned})
    return items


def recommendation_dict(session: Session, recommendation: Recommendation) -> dict:
    items = []
    for item in recommendation.items:
        product = get_product(session, item["sku"])
        items.append({"sku": item["sku"], "note": item["note"], "product": product_dict(product)})
    return {
        "code": recommendation.code,
        "store": store_dict(recommendation.store),
        "advisor": recommendation.staff_name,
        "items": items,
        "created_at": timeutil.to_iso(recommendation.created_at),
    }


@unit_of_work
def create(session: Session, staff: StaffContext, items: object, now: datetime | None = None) -> dict:
    """A new list for the advisor's store, with its share code (audited)."""
    now = now or timeutil.now()
    recommendation = Recommendation(
        code=codes.new_code("RC", 6),
        store_id=staff.store_id,
        staff_id=staff.id,
        staff_name=staff.name,
        items=_items(session, items),
        created_at=now,
    )
    session.add(recommendation)
    audit.record(session, staff, "recommendation_created", recommendation.code, at=now, items=len(recommendation.items))
    session.flush()
    return recommendation_dict(session, recommendation)


def _recommendation(session: Session, code: object) -> Recommendation:
    text = _normalise(code)
    row = session.scalar(select(Recommendation).where(Recommendation.code == text)) if text else None
    return found(row, "recommendation_not_found", share=text)


def get(session: Session, code: object) -> dict:
    """The list as the shopper opens it by its share code."""
    return recommendation_dict(session, _recommendation(session, code))


def store_recent(session: Session, staff: StaffContext) -> list[dict]:
    """The store's latest lists, newest first."""
    query = select(Recommendation).where(Recommendation.store_id == staff.store_id)
    rows = session.scalars(query.order_by(Recommendation.id.desc()).limit(RECENT))
    return [recommendation_dict(session, r) for r in rows]


def _handoff_conversation(session: Session, handoff_id: int, staff: StaffContext) -> ChatConversation:
    """The chat of a hand-over this advisor took (of their store, still in progress)."""
    request = found(session.get(HandoffRequest, handoff_id), "handoff_not_found", id=handoff_id)
    require_store(staff, request.store_id)
    if request.status == "closed":
        raise StoreError("handoff_closed", 409)
    if request.status != "taken":
        raise StoreError("handoff_not_taken", 409)
    if request.taken_by != staff.name:
        raise StoreError("handoff_not_yours", 403, advisor=request.taken_by)
    conversation = session.get(ChatConversation, request.conversation_id) if request.conversation_id else None
    return found(conversation, "conversation_not_found")


def _booking_conversation(session: Session, booking_code: object, staff: StaffContext) -> ChatConversation:
    """The chat of the member who made a booking at this store; opened for them when they have none yet."""
    booking = consultations.staff_booking(session, booking_code, staff)
    member = session.get(Member, booking.member_id) if booking.member_id else None
    if member is None or member.erased_at is not None:
        raise StoreError("recommendation_no_chat", 409)
    return chat.by_member(session, member.id) or chat.open_conversation(
        session, member=member, store=booking.slot.store
    )


@unit_of_work
def send(
    session: Session,
    code: object,
    staff: StaffContext,
    card: CardMaker,
    *,
    handoff_id: int | None = None,
    booking_code: object = None,
    now: datetime | None = None,
) -> list[dict]:
    """Post the list into a shopper's chat, where it reaches them live: a product card per item, then a
    text with the notes and the share code. The chat is a hand-over's the advisor took or a booking's member's."""
    now = now or timeutil.now()
    recommendation = _recommendation(session, code)
    require_store(staff, recommendation.store_id)
    if (handoff_id is None) == (booking_code is None):
        raise StoreError("missing_field", field="handoff or booking")
    if handoff_id is not None:
        conversation = _handoff_conversation(session, handoff_id, staff)
    else:
        conversation = _booking_conversation(session, booking_code, staff)
    lang = conversation.lang
    posted = []
    for item in recommendation.items:
        product = card(item["sku"], lang)
        if product is not None:
            body = {"type": "product", "product": product, "advisor": staff.name}
            posted.append(chat.append(session, conversation, "advisor", body, now))
    notes = [f"· {_name(session, item['sku'], lang)}: {item['note']}" for item in recommendation.items if item["note"]]
    text = translate(
        "recommendation_chat", lang, advisor=staff.name, count=len(recommendation.items), code=recommendation.code
    )
    body = {"type": "text", "text": "\n".join([text, *notes]), "advisor": staff.name}
    posted.append(chat.append(session, conversation, "advisor", body, now))
    target = {"handoff": handoff_id} if handoff_id is not None else {"booking": _normalise(booking_code)}
    audit.record(session, staff, "recommendation_sent", recommendation.code, at=now, **target)
    return posted


def _name(session: Session, sku: str, lang: str) -> str:
    product = get_product(session, sku)
    return product.name_en if lang == "en" else product.name_zh


# --- the customer view: whatever a share code opens ----------------------------------------


def _nearby(session: Session, sku: str, store_code: str) -> list[dict]:
    found_stock = stock.nearby_stock(session, sku, store_code=store_code)["results"][:NEARBY]
    return [
        {
            "store": r["store"]["code"],
            "name": r["store"]["name"],
            "quantity": r["quantity"],
            "distance_km": r["distance_km"],
        }
        for r in found_stock
    ]


def customer_view(session: Session, code: object, staff: StaffContext) -> dict:
    """What a share code opens at the counter, with stock near the advisor's store for each product:
    ``{kind: "look"|"plan"|"recommendation", code, ...}``; any other code is 404 ``share_not_found``."""
    text = _normalise(code)
    if not text:
        raise StoreError("share_not_found", 404, share=text)
    if session.scalar(select(Look.id).where(Look.share_code == text)):
        look = looks.look_by_share_code(session, text)
        for item in look["items"]:
            item["stock"] = _nearby(session, item["sku"], staff.store_code)
        return {"kind": "look", "code": text, **look}
    if session.scalar(select(RoomPlan.id).where(RoomPlan.code == text)):
        plan = room_plans.get_plan(session, text)
        plan["quote"] = room_plans.check_plan(
            session, {"room": plan["room"], "items": plan["items"], "store": staff.store_code}
        )["quote"]
        return {"kind": "plan", **plan}
    if session.scalar(select(Recommendation.id).where(Recommendation.code == text)):
        listed = get(session, text)
        for item in listed["items"]:
            item["stock"] = _nearby(session, item["sku"], staff.store_code)
        return {"kind": "recommendation", **listed}
    raise StoreError("share_not_found", 404, share=text)
