"""Custom actions against the real API: what the shopper is told, and what the store records."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import booking, coupons, repairs, stock, support
from actions.language import detect
from actions.timeparse import parse


def tracker(text: str = "", slots: dict | None = None, intent: str = "inform", metadata: dict | None = None,
            events: list | None = None, sender: str = "test-user") -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "metadata": metadata or {}}
    return Tracker(sender, {"lang": "zh", **(slots or {})}, latest, events or [], False, None, {}, "action_listen")


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def responses(dispatcher: CollectingDispatcher) -> dict:
    """Domain responses the actions asked for, by name, with the values they passed."""
    return {m["response"]: m for m in dispatcher.messages if m.get("response")}


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher, events


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_language_follows_the_message_or_the_widget():
    assert detect("静安店几点关门") == "zh"
    assert detect("is the Oslo sofa in stock") == "en"
    assert detect("5678", previous="en") == "en"
    assert detect("hello", {"locale": "zh-CN"}) == "zh"


@pytest.mark.parametrize("text, start, exact", [
    ("帮我约周六下午三点的化妆咨询", "15:00", True), ("明天上午十点", "10:00", True),
    ("tomorrow 3pm", "15:00", True), ("Saturday afternoon", "12:00", False), ("下周二", None, False),
])
def test_time_phrases(text, start, exact):
    when = parse(text, datetime(2026, 11, 25, 9, 30))
    assert when is not None and when.exact == exact
    if start:
        assert when.start.strftime("%H:%M") == start


def test_stock_from_words_to_nearest_stores(api):
    form = stock.ValidateStockForm()
    t = tracker()
    assert form.validate_product("豆沙红", CollectingDispatcher(), t, {}) == {"product": "SKU:LIP-101"}
    assert form.validate_place("静安", CollectingDispatcher(), t, {}) == {"place": "store:jingan"}
    assert form.validate_place("人民广场", CollectingDispatcher(), t, {}) == {"place": "store:peoples-square"}
    assert form.validate_place("外滩", CollectingDispatcher(), t, {})["place"].startswith("geo:31.24")  # no store there
    dispatcher = CollectingDispatcher()
    assert form.validate_product("完全不存在的东西xyz", dispatcher, t, {}) == {"product": None}
    dispatcher, _ = run(stock.CheckStock(), tracker(slots={"product": "SKU:LIP-101", "place": "store:jingan"}))
    assert "公里" in texts(dispatcher) or "暂时没有库存" in texts(dispatcher)
    cards = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert cards and cards[0]["type"] == "product_card" and "/makeup" in cards[0]["link"]


def test_out_of_stock_offers_close_shades(api):
    for store in api.get("/stores")["stores"]:  # empty every shelf of LIP-126 through the ERP sync
        api.post("/stock", {"items": [{"store": store["code"], "sku": "LIP-126", "quantity": 0}]})
    dispatcher, _ = run(stock.CheckStock(), tracker(slots={"product": "SKU:LIP-126", "place": "store:jingan", "lang": "en"}))
    assert "out of stock nearby" in texts(dispatcher)
    assert [m["custom"]["sku"] for m in dispatcher.messages if m.get("custom")]


def test_claim_and_list_coupons_for_the_signed_in_member(api, sign_in, new_phone):
    token = sign_in(new_phone())
    t = tracker(slots={"coupon_code": "NEW50"}, metadata={"member_token": token})
    dispatcher, events = run(coupons.ClaimCoupon(), t)
    claimed = responses(dispatcher)["utter_coupon_claimed"]
    assert "券码" in claimed["coupon"] and claimed["rules"]
    assert token not in str(events)  # the token stays in the message, never in a slot
    dispatcher, _ = run(coupons.ClaimCoupon(), t)
    assert "限领" in texts(dispatcher)  # the API's per-member rule, in the member's language
    dispatcher, _ = run(coupons.MyCoupons(), tracker(slots={"lang": "en"}, metadata={"member_token": token}))
    listed = responses(dispatcher)["utter_my_coupons"]["coupons"]
    assert "ready to use" in listed and claimed["coupon"].split("券码 ")[1].split("，")[0] in listed
    dispatcher, _ = run(coupons.CouponRules(), tracker(slots={"coupon_code": "STORE100"}))
    assert "满800减100" in responses(dispatcher)["utter_coupon_rules"]["rules"]


def test_repair_verification_and_give_up_after_three(api):
    form = repairs.ValidateRepairForm()
    assert form.validate_ticket_id("r20417", CollectingDispatcher(), tracker(), {}) == {"ticket_id": "R-20417"}
    failures = 0
    for attempt in range(3):
        t = tracker(slots={"ticket_id": "R-20405", "repair_failures": failures})
        result = form.validate_phone_last4("0000", CollectingDispatcher(), t, {})
        failures = result["repair_failures"]
    assert failures == 3
    t = tracker(slots={"ticket_id": "R-20405", "repair_failures": 3})
    assert asyncio.run(form.required_slots(["ticket_id", "phone_last4"], CollectingDispatcher(), t, {})) == []
    dispatcher, events = run(repairs.RepairStatus(), t)
    assert "暂停查询" in texts(dispatcher) and "转接" in texts(dispatcher)
    assert any(h["sender_id"] == "test-user" and h["reason"] == "verification_failed" for h in api.get("/handoffs")["handoffs"])
    ok = form.validate_phone_last4("尾号5678", CollectingDispatcher(), tracker(slots={"ticket_id": "R-20417"}), {})
    assert ok["repair_ticket"]["id"] == "R-20417"
    dispatcher, _ = run(repairs.RepairStatus(), tracker(slots={"repair_ticket": ok["repair_ticket"], "lang": "en"}))
    assert "Ticket R-20417" in texts(dispatcher) and "step 3 of 6" in texts(dispatcher)


def _next_free(api, service="makeup", store="jingan"):
    return api.get("/consultations/slots", service=service, store=store)["slots"][0]


def test_booking_takes_a_free_slot_and_confirms(api, sign_in, new_phone):
    form = booking.ValidateBookingForm()
    slot = _next_free(api)
    start = slot["starts_at"][:16]
    t = tracker(slots={"service": "makeup", "store": "store:jingan"})
    assert form.validate_service("化妆咨询", CollectingDispatcher(), t, {}) == {"service": "makeup"}
    assert form.validate_store("静安嘉里中心", CollectingDispatcher(), t, {}) == {"store": "store:jingan"}
    checked = form.validate_date_time(start, CollectingDispatcher(), t, {})
    assert checked == {"date_time": start, "slot_id": slot["id"]}
    token = sign_in(new_phone())
    dispatcher, events = run(booking.Book(), tracker(slots={"slot_id": slot["id"], "customer_name": "李雷"},
                                                     metadata={"member_token": token}))
    code = responses(dispatcher)["utter_booked"]["code"]
    assert api.get(f"/bookings/{code}", member=token)["slot"]["id"] == slot["id"]
    assert code in str(api.get("/members/me/bookings", member=token))  # booked for the signed-in member
    assert slots_of(events)["slot_id"] is None  # the form is cleared for the next booking
    assert token not in str(events)


def test_a_full_time_offers_the_nearest_free_ones(api, sign_in, new_phone):
    form = booking.ValidateBookingForm()
    slot = _next_free(api, "home_design", "xujiahui")  # capacity 1
    api.post("/bookings", {"slot_id": slot["id"], "name": "Han"}, member=sign_in(new_phone()))
    dispatcher = CollectingDispatcher()
    t = tracker(slots={"service": "home_design", "store": "store:xujiahui", "lang": "en"})
    assert form.validate_date_time(slot["starts_at"][:16], dispatcher, t, {}) == {"date_time": None, "slot_id": None}
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    assert 1 <= len(buttons) <= 4 and slot["starts_at"][:16].replace("T", " ") not in {b["payload"] for b in buttons}
    assert "nearest free times" in texts(dispatcher)


def test_a_window_offers_its_free_slots(api):
    form = booking.ValidateBookingForm()
    day = (datetime.now() + timedelta(days=3)).date()
    window = f"{day}T12:00/{day}T18:00"
    dispatcher = CollectingDispatcher()
    t = tracker(slots={"service": "makeup", "store": "store:lujiazui"})
    assert form.validate_date_time(window, dispatcher, t, {})["date_time"] is None
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert payloads and all(p.startswith(str(day)) and "12:00" <= p[11:] < "18:00" for p in payloads)


def test_reschedule_and_cancel_by_code_for_the_member_who_booked(api, sign_in, new_phone):
    first, second = api.get("/consultations/slots", service="makeup", store="qiantan")["slots"][:2]
    token = sign_in(new_phone())
    made = api.post("/bookings", {"slot_id": first["id"], "name": "Lucy"}, member=token)
    form = booking.ValidateBookingForm()
    t = tracker(text=f"把 {made['code']} 改一下时间")
    assert asyncio.run(form.extract_booking_code(CollectingDispatcher(), t, {})) == {"booking_code": made["code"]}
    with_code = tracker(slots={"booking_code": made["code"]}, metadata={"member_token": token})
    needed = asyncio.run(form.required_slots(["service", "store", "date_time"], CollectingDispatcher(), with_code, {}))
    assert needed == ["date_time"]
    checked = form.validate_date_time(second["starts_at"][:16], CollectingDispatcher(), with_code, {})
    dispatcher, _ = run(booking.Book(), tracker(slots={"booking_code": made["code"], "slot_id": checked["slot_id"]},
                                                metadata={"member_token": token}))
    assert api.get(f"/bookings/{made['code']}", member=token)["slot"]["id"] == second["id"]

    stranger = sign_in(new_phone())  # the code alone, or someone else's sign-in, cancels nothing
    for metadata in ({}, {"member_token": stranger}):
        dispatcher, _ = run(booking.CancelBooking(), tracker(slots={"booking_code": made["code"]}, metadata=metadata))
        assert "utter_booking_cancelled" not in responses(dispatcher)
    assert "utter_sign_in" in responses(run(booking.CancelBooking(), tracker(slots={"booking_code": made["code"]}))[0])
    assert api.get(f"/bookings/{made['code']}", member=token)["status"] == "confirmed"

    dispatcher, _ = run(booking.CancelBooking(), tracker(slots={"booking_code": made["code"], "lang": "en"},
                                                         metadata={"member_token": token}))
    assert responses(dispatcher)["utter_booking_cancelled"]["code"] == made["code"]
    assert api.get(f"/bookings/{made['code']}", member=token)["status"] == "cancelled"


def test_store_info_and_handoff(api):
    t = tracker(text="静安店几点关门")
    t.latest_message["entities"] = [{"entity": "store", "value": "静安"}]
    dispatcher, _ = run(support.StoreInfo(), t)
    assert "10:00–22:00" in texts(dispatcher) and "静安" in texts(dispatcher)
    events = [{"event": "user", "text": "我要投诉", "parse_data": {"intent": {"name": "human_handoff"}}}]
    dispatcher, _ = run(support.HumanHandoff(), tracker(events=events, sender="handoff-user"))
    assert "转接" in texts(dispatcher)
    assert any(h["sender_id"] == "handoff-user" for h in api.get("/handoffs")["handoffs"])


def test_second_fallback_in_a_row_hands_over(api):
    lost = {"event": "user", "text": "??", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    dispatcher, _ = run(support.Fallback(), tracker(events=[lost], sender="lost-user"))
    assert dispatcher.messages[0]["response"] == "utter_default"
    dispatcher, _ = run(support.Fallback(), tracker(events=[lost, lost], sender="lost-user"))
    assert any(h["sender_id"] == "lost-user" and h["reason"] == "fallback" for h in api.get("/handoffs")["handoffs"])


def test_changing_the_store_mid_form_rechecks_the_time(api, sign_in, new_phone):
    form = booking.ValidateBookingForm()
    slot = _next_free(api, "makeup", "wujiaochang")
    start = slot["starts_at"][:16]
    turn = [{"event": "user", "text": "换成徐家汇店"}, {"event": "slot", "name": "store", "value": "徐家汇"}]
    t = tracker(text="换成徐家汇店", events=turn, slots={"service": "makeup", "store": "徐家汇", "date_time": start,
                                                     "slot_id": slot["id"], "requested_slot": "customer_name"},
                metadata={"member_token": sign_in(new_phone())})
    domain = {"forms": {"booking_form": {"required_slots": ["service", "store", "date_time", "customer_name"]}},
              "slots": {}}
    events = asyncio.run(form.get_validation_events(CollectingDispatcher(), t, domain))
    # the store slot changed this turn: the slot id is now a Xujiahui slot at the same time, or none
    new_id = [e["value"] for e in events if e.get("name") == "slot_id"][-1]
    assert new_id != slot["id"]
    if new_id:
        assert api.get("/consultations/slots", service="makeup", store="xujiahui",
                       **{"from": start, "to": start[:11] + "23:59"})["slots"][0]["id"] == new_id
