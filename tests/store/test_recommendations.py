"""The advisor's day: share codes of saved looks, bookings that bring them, notes, the customer view,
and recommendation lists delivered into a shopper's chat."""

from sqlalchemy import select

from webapp.store import (
    audit,
    chat,
    consultations,
    handoffs,
    looks,
    members,
    recommendations,
    room_plans,
    staff,
    timeutil,
)
from webapp.store.models import Store

from ..staff_session import PASSWORD
from .helpers import fails, member

LOOK = {"items": [{"sku": "LIP-108", "intensity": 0.6}, {"sku": "CHK-301", "intensity": 0.4}], "consent": True}
ROOM = {"width": 4.2, "depth": 3.6, "height": 2.8}
SOFA = {"id": "sofa", "sku": "FUR-OSLO-3S", "variant": "slate", "x": 2.1, "z": 3.0}


def _advisor(session, username="li.na", store="jingan", name="李娜") -> staff.StaffContext:
    staff.create_account(session, username, name, store, "advisor", PASSWORD)
    return staff.sign_in(session, username, PASSWORD, "192.0.2.1")[0]


def _saved_look(session, phone="13655550123") -> str:
    shopper = member(session, phone)
    token = members.issue_token(session, shopper, timeutil.now())
    session.commit()
    return looks.save_look(session, LOOK, token)["look"]["share_code"]


def _first_slot(session, store="jingan") -> dict:
    return consultations.available_slots(session, "makeup", store_code=store)[0]


def _card(sku: str, lang: str) -> dict:
    return {"sku": sku, "lang": lang}


def test_a_saved_look_gets_a_share_code_that_shows_products_and_settings_only(session):
    code = _saved_look(session)
    assert code.startswith("L") and len(code) == 7
    shown = looks.look_by_share_code(session, f" {code.lower()} ")
    assert set(shown) == {"share_code", "name", "scene", "smoothing", "items"}  # nothing of its owner, no picture
    assert [(i["sku"], i["intensity"]) for i in shown["items"]] == [("LIP-108", 0.6), ("CHK-301", 0.4)]
    assert shown["items"][0]["product"]["shade_hex"].startswith("#")
    fails("look_not_found", 404, looks.look_by_share_code, session, "LZZZZZZ")


def test_a_booking_brings_share_codes_that_exist_and_the_store_sees_them(session):
    look = _saved_look(session)
    plan = room_plans.save_plan(session, {"room": ROOM, "items": [SOFA]})["code"]
    shopper = member(session, "13700137000")
    slot = _first_slot(session)
    unknown = fails(
        "share_code_unknown", 422, consultations.book, session, slot["id"], "韩梅梅", shopper, share_codes=["LNOPE23"]
    )
    assert "LNOPE23" in unknown.message("en")
    fails("invalid_field", 400, consultations.book, session, slot["id"], "韩梅梅", shopper, share_codes="L2345")
    booked = consultations.book(session, slot["id"], "韩梅梅", shopper, share_codes=[look.lower(), plan, look])
    store = session.scalar(select(Store).where(Store.code == "jingan"))
    listed = consultations.store_day_bookings(session, store.id, timeutil.now().date(), 14)
    mine = next(b for b in listed if b["code"] == booked["code"])
    assert mine["share_codes"] == [look, plan] and mine["member"] is True and mine["notes"] == ""


def test_upcoming_days_widen_the_stores_list(session):
    store = session.scalar(select(Store).where(Store.code == "jingan"))
    shopper = member(session, "13700137000")
    slots = _first_slot(session), consultations.available_slots(session, "makeup", store_code="jingan")[-1]
    for slot in slots:
        consultations.book(session, slot["id"], "韩梅梅", shopper)
    today = timeutil.now().date()
    week = consultations.store_day_bookings(session, store.id, today, consultations.MAX_UPCOMING_DAYS)
    assert len(week) == 2 and week[0]["starts_at"] <= week[1]["starts_at"]
    on_the_day = [b["code"] for b in week if b["starts_at"][:10] == today.isoformat()]
    assert [b["code"] for b in consultations.store_day_bookings(session, store.id, today)] == on_the_day


def test_notes_are_for_the_bookings_store_only_audited_and_cleaned(session):
    shopper = member(session, "13700137000")
    code = consultations.book(session, _first_slot(session)["id"], "韩梅梅", shopper)["code"]
    here, far = _advisor(session), _advisor(session, "far", "lujiazui", "王芳")
    fails("staff_wrong_store", 403, consultations.set_notes, session, code, "hi", staff=far)
    fails("invalid_field", 400, consultations.set_notes, session, code, "x" * 2001, staff=here)
    fails("booking_not_found", 404, consultations.set_notes, session, "BKNOPE23", "hi", staff=here)
    saved = consultations.set_notes(session, code.lower(), "  干皮\x07，<b>偏暖</b>\n试 LIP-108 ", staff=here)
    assert saved["notes"] == "干皮，<b>偏暖</b>\n试 LIP-108"
    entries = audit.store_entries(session, here.store_id)
    assert [(e["action"], e["subject"], e["staff"]) for e in entries] == [("booking_notes", code, "李娜")]
    assert audit.store_entries(session, far.store_id) == []


def _taken_chat(session, advisor: staff.StaffContext):
    store = session.scalar(select(Store).where(Store.code == "jingan"))
    conversation = chat.open_conversation(session, store=store, lang="en")
    handoff = handoffs.create(session, {"sender_id": chat.sender_id(conversation)}, now=timeutil.now().replace(hour=15))
    handoffs.take(session, handoff["id"], staff=advisor)
    return conversation, handoff["id"]


def test_a_recommendation_reaches_the_chat_of_a_hand_over_the_advisor_took(session):
    advisor = _advisor(session)
    other = _advisor(session, "wang.fang", name="王芳")
    conversation, handoff = _taken_chat(session, advisor)
    fails("invalid_field", 400, recommendations.create, session, advisor, [])
    fails("product_not_found", 404, recommendations.create, session, advisor, [{"sku": "NOPE-1"}])
    fails("invalid_field", 400, recommendations.create, session, advisor, [{"sku": "LIP-101", "note": "x" * 201}])
    made = recommendations.create(session, advisor, [{"sku": "lip-101", "note": "<i>适合</i>日常"}, {"sku": "EYE-201"}])
    assert made["code"].startswith("RC") and made["advisor"] == "李娜" and made["store"]["code"] == "jingan"
    fails("handoff_not_yours", 403, recommendations.send, session, made["code"], other, _card, handoff_id=handoff)
    fails("missing_field", 400, recommendations.send, session, made["code"], advisor, _card)
    recommendations.send(session, made["code"], advisor, _card, handoff_id=handoff)
    history = chat.messages(session, conversation)
    delivered = [m for m in history if m["author"] == "advisor"]
    assert [m["type"] for m in delivered] == ["product", "product", "text"]
    assert [m["product"] for m in delivered[:2]] == [{"sku": "LIP-101", "lang": "en"}, {"sku": "EYE-201", "lang": "en"}]
    assert made["code"] in delivered[2]["text"] and "<i>适合</i>日常" in delivered[2]["text"]
    assert recommendations.get(session, made["code"].lower())["items"][0]["note"] == "<i>适合</i>日常"
    actions = [e["action"] for e in audit.store_entries(session, advisor.store_id)]
    assert actions[:2] == ["recommendation_sent", "recommendation_created"]


def test_a_recommendation_goes_to_a_bookings_member_of_the_same_store_only(session):
    advisor, far = _advisor(session), _advisor(session, "far", "lujiazui", "王芳")
    shopper = member(session, "13700137000")
    code = consultations.book(session, _first_slot(session)["id"], "韩梅梅", shopper)["code"]
    made = recommendations.create(session, advisor, [{"sku": "LIP-101"}])
    fails("staff_wrong_store", 403, recommendations.send, session, made["code"], far, _card, booking_code=code)
    recommendations.send(session, made["code"], advisor, _card, booking_code=code)
    own = chat.by_member(session, shopper.id)
    assert [m["type"] for m in chat.messages(session, own)] == ["product", "text"]


def test_the_customer_view_opens_looks_plans_and_lists_with_stock_near_the_store(session):
    advisor = _advisor(session)
    look = recommendations.customer_view(session, _saved_look(session), advisor)
    assert look["kind"] == "look" and [i["sku"] for i in look["items"]] == ["LIP-108", "CHK-301"]
    assert all(isinstance(i["stock"], list) for i in look["items"])
    assert any(s["store"] == "jingan" for i in look["items"] for s in i["stock"])
    plan_code = room_plans.save_plan(session, {"room": ROOM, "items": [SOFA]})["code"]
    plan = recommendations.customer_view(session, plan_code, advisor)
    assert plan["kind"] == "plan" and plan["room"]["width"] == 4.2
    assert plan["quote"]["lines"][0]["sku"] == "FUR-OSLO-3S" and plan["quote"]["lines"][0]["stock"] is not None
    listed = recommendations.create(session, advisor, [{"sku": "LIP-101", "note": "试试"}])
    shown = recommendations.customer_view(session, listed["code"], advisor)
    assert shown["kind"] == "recommendation" and shown["items"][0]["note"] == "试试"
    fails("share_not_found", 404, recommendations.customer_view, session, "PZZZZZZ", advisor)
    fails("share_not_found", 404, recommendations.customer_view, session, " ", advisor)
