"""Custom actions against the real API: what the shopper is told, and what the store records.

Replies are checked as the shopper reads them: the domain's responses rendered by Rasa's own
generator (``replies``), in the language of the conversation.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta

import pytest
import requests
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_actions, coupon_actions, repair_actions, stock_actions, support_actions
from actions.timeparse import parse

from . import stack
from .fakes import run, tracker
from .replies import buttons, cards, chat_cards, response_text, responses, said


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    "text, start, exact",
    [
        ("帮我约周六下午三点的化妆咨询", "15:00", True),
        ("明天上午十点", "10:00", True),
        ("tomorrow 3pm", "15:00", True),
        ("Saturday afternoon", "12:00", False),
        ("下周二", None, False),
    ],
)
def test_time_phrases(text, start, exact):
    when = parse(text, datetime(2026, 11, 25, 9, 30))
    assert when is not None and when.exact == exact
    if start:
        assert when.start.strftime("%H:%M") == start


@pytest.mark.parametrize(
    "text, now, day",
    [
        ("帮我约周六下午三点的化妆咨询", datetime(2026, 12, 5, 18, 0), "2026-12-12"),  # Saturday, 3pm gone
        ("帮我约周六下午三点的化妆咨询", datetime(2026, 12, 5, 14, 0), "2026-12-05"),  # still ahead today
        ("周一上午十点", datetime(2026, 12, 6, 10, 0), "2026-12-07"),  # said on a Sunday: tomorrow
        ("週六下午三點", datetime(2026, 12, 6, 10, 0), "2026-12-12"),  # 繁體, a clock time, not a window
        ("Saturday 3pm", datetime(2026, 12, 5, 18, 0), "2026-12-12"),
    ],
)
def test_a_bare_weekday_is_the_coming_one(text, now, day):
    when = parse(text, now)
    assert when is not None and when.exact and when.start.date().isoformat() == day
    assert when.start.strftime("%H:%M") == "15:00" or text.startswith("周一")


def test_stock_from_words_to_nearest_stores(api):
    form = stock_actions.ValidateStockForm()
    t = tracker()
    assert form.validate_product("豆沙红", CollectingDispatcher(), t, {}) == {"product": "SKU:LIP-101"}
    assert form.validate_place("静安", CollectingDispatcher(), t, {}) == {"place": "store:jingan"}
    assert form.validate_place("人民广场", CollectingDispatcher(), t, {}) == {"place": "store:peoples-square"}
    assert form.validate_place("外滩", CollectingDispatcher(), t, {})["place"].startswith("geo:31.24")  # no store there
    dispatcher = CollectingDispatcher()
    assert form.validate_product("完全不存在的东西xyz", dispatcher, t, {}) == {"product": None}
    assert "没找到“完全不存在的东西xyz”" in said(dispatcher)
    dispatcher, _ = run(stock_actions.CheckStock(), tracker(slots={"product": "SKU:LIP-101", "place": "store:jingan"}))
    assert "公里" in said(dispatcher) or "暂时没有库存" in said(dispatcher)
    card = cards(dispatcher)[0]
    # the link is the API's own page for the product: the try-on page, in the shopper's language
    assert card["type"] == "product_card" and card["link_text"] == "试一试"
    assert card["link"] == api.get("/products/LIP-101", "zh")["page_url"]
    assert card["link"].startswith("http") and "/makeup" in card["link"] and "lang=zh" in card["link"]
    assert chat_cards(dispatcher) == [{"card": "product", "sku": "LIP-101"}]  # the web chat's card


def test_near_me_is_where_the_phone_or_the_kiosk_is(api):
    form = stock_actions.ValidateStockForm()
    at = {"position": {"lat": 31.2236, "lng": 121.447}, "channel": "web", "store": "xujiahui"}
    extracted = asyncio.run(form.extract_place(CollectingDispatcher(), tracker(metadata=at), {}))
    assert extracted == {"place": "geo:31.2236,121.447"}
    kiosk = {"channel": "kiosk", "store": "xujiahui"}
    assert asyncio.run(form.extract_place(CollectingDispatcher(), tracker(metadata=kiosk), {})) == {
        "place": "store:xujiahui"
    }
    # a place the shopper named wins; a web chat's default store says nothing about where the shopper is
    named = tracker(metadata=at, slots={"place": "store:jingan"})
    assert asyncio.run(form.extract_place(CollectingDispatcher(), named, {})) == {}
    web = {"channel": "web", "store": "jingan", "position": {"lat": "31", "lng": None}}
    assert asyncio.run(form.extract_place(CollectingDispatcher(), tracker(metadata=web), {})) == {}
    dispatcher, _ = run(
        stock_actions.CheckStock(), tracker(slots={"product": "SKU:LIP-101", "place": extracted["place"]})
    )
    assert "静安" in said(dispatcher) and "（0 公里）" in said(dispatcher)


def test_a_widened_search_says_the_radius_the_api_used(api):
    # LIP-112 only in Songjiang, far from Jing'an: the API widens the search and says from what
    for store in api.get("/stores")["stores"]:
        quantity = 3 if store["code"] == "songjiang" else 0
        api.post("/stock", {"items": [{"store": store["code"], "sku": "LIP-112", "quantity": quantity}]})
    found = api.get("/stock/nearby", sku="LIP-112", store="jingan")
    assert found["widened"]
    dispatcher, _ = run(
        stock_actions.CheckStock(), tracker(slots={"product": "SKU:LIP-112", "place": "store:jingan", "lang": "en"})
    )
    text = said(dispatcher, "en")
    asked, used = stock_actions.number(found["requested_radius_km"]), stock_actions.number(found["radius_km"])
    assert f"none within {asked} km; widened to {used} km" in text and "Songjiang" in text


def test_out_of_stock_offers_close_shades(api):
    for store in api.get("/stores")["stores"]:  # empty every shelf of LIP-126 through the ERP sync
        api.post("/stock", {"items": [{"store": store["code"], "sku": "LIP-126", "quantity": 0}]})
    dispatcher, _ = run(
        stock_actions.CheckStock(), tracker(slots={"product": "SKU:LIP-126", "place": "store:jingan", "lang": "en"})
    )
    assert "out of stock nearby" in said(dispatcher, "en")
    shown = cards(dispatcher, "en")
    assert shown and all(c["link_text"] == "Try it on" and "lang=en" in c["link"] for c in shown)


def test_a_furniture_card_links_to_its_3d_page_and_model(api):
    dispatcher = CollectingDispatcher()
    stock_actions.product_card(dispatcher, api.get("/products/FUR-OSLO-3S", "en"), "en")
    card = cards(dispatcher, "en")[0]
    product = api.get("/products/FUR-OSLO-3S", "en")
    assert card["link"] == product["page_url"] and card["model"] == product["model_url"]
    assert card["link_text"] == "View in 3D"


def test_claim_and_list_coupons_for_the_signed_in_member(api, sign_in, new_phone):
    token = sign_in(new_phone())
    t = tracker(slots={"coupon_code": "NEW50"}, metadata={"member_token": token})
    dispatcher, events = run(coupon_actions.ClaimCoupon(), t)
    claimed = responses(dispatcher)["utter_coupon_claimed"]
    assert f"券码 {claimed['code']}" in said(dispatcher) and claimed["rules"]
    assert token not in str(events)  # the token stays in the message, never in a slot
    assert slots_of(events) == {"coupon_code": None}  # the next claim names its coupon again
    dispatcher, _ = run(coupon_actions.ClaimCoupon(), t)
    assert "限领" in said(dispatcher)  # the API's per-member rule, in the member's language
    dispatcher, _ = run(coupon_actions.MyCoupons(), tracker(slots={"lang": "en"}, metadata={"member_token": token}))
    listed = said(dispatcher, "en")
    assert "Your coupons (1)" in listed and f"code {claimed['code']}, ready to use" in listed
    dispatcher, _ = run(coupon_actions.CouponRules(), tracker(slots={"coupon_code": "STORE100"}))
    assert "满800减100" in said(dispatcher) and "NEW50" not in str(dispatcher.messages)


def test_a_claim_naming_no_coupon_offers_the_live_campaigns(api, sign_in, new_phone):
    token = sign_in(new_phone())
    dispatcher, _ = run(
        coupon_actions.ClaimCoupon(), tracker("领张券", metadata={"member_token": token}, intent="claim_coupon")
    )
    assert "想领哪张券" in said(dispatcher)
    campaigns = api.get("/coupons/campaigns")["campaigns"]
    offered = buttons(dispatcher)
    assert [b["payload"] for b in offered] == [
        "/claim_coupon" + json.dumps({"coupon_code": c["code"]}) for c in campaigns
    ]
    assert api.get("/members/me/coupons", member=token)["coupons"] == []  # nothing claimed by default


def test_repair_digits_are_checked_by_the_store_which_alone_counts_misses(api):
    form = repair_actions.ValidateRepairForm()
    t = tracker(slots={"ticket_id": "R-20408", "phone_last4": None}, sender="repair-guesser")
    # a wrong answer: the store's own message (its count and lock time), then both asked again
    dispatcher = CollectingDispatcher()
    assert form.validate_phone_last4("0000", dispatcher, t, {}) == {"ticket_id": None, "phone_last4": None}
    assert "单号或手机号后四位不正确" in said(dispatcher) and "转人工" in said(dispatcher)
    tries = int(re.search(r"连续 (\d+) 次", said(dispatcher)).group(1))  # the store's count, as it says it
    for _ in range(tries - 1):  # the assistant keeps asking, counting nothing and handing over no one
        dispatcher = CollectingDispatcher()
        assert form.validate_phone_last4("0000", dispatcher, t, {}) == {"ticket_id": None, "phone_last4": None}
        assert "单号或手机号后四位不正确" in said(dispatcher) and "utter_handed_over" not in responses(dispatcher)
    assert asyncio.run(form.required_slots(["ticket_id", "phone_last4"], CollectingDispatcher(), t, {})) == [
        "ticket_id",
        "phone_last4",
    ]
    # now the store has locked the ticket: even the owner's digits get the same answer
    dispatcher = CollectingDispatcher()
    assert "repair_ticket" not in form.validate_phone_last4("0008", dispatcher, t, {})
    assert "单号或手机号后四位不正确" in said(dispatcher)


def test_repair_check_passes_the_typed_words_and_relays_the_apis_400(api):
    form = repair_actions.ValidateRepairForm()
    dispatcher = CollectingDispatcher()
    t = tracker(slots={"ticket_id": "不记得了"}, sender="repair-typo")
    assert form.validate_phone_last4("5678", dispatcher, t, {}) == {"ticket_id": None, "phone_last4": None}
    assert "ticket_id" in said(dispatcher) and "R-20417" in said(dispatcher)  # the API's words: "like R-20417"
    # ticket and digits in one message: checked at once; "r20417" is the API's to read
    both = tracker(slots={"ticket_id": "r20417", "phone_last4": "5678"}, sender="repair-both")
    ok = form.validate_ticket_id("r20417", CollectingDispatcher(), both, {})
    assert ok["repair_ticket"]["id"] == "R-20417"
    dispatcher, events = run(
        repair_actions.RepairStatus(), tracker(slots={"repair_ticket": ok["repair_ticket"], "lang": "en"})
    )
    assert "Ticket R-20417" in said(dispatcher, "en") and "step 3 of 6" in said(dispatcher, "en")
    assert slots_of(events) == {"repair_ticket": None, "ticket_id": None, "phone_last4": None}


def test_a_signed_in_member_sees_their_repairs_without_digits(api, owner_token, sign_in, new_phone):
    form = repair_actions.ValidateRepairForm()
    signed_in = tracker("我的维修到哪一步了", metadata={"member_token": owner_token}, intent="repair_status")
    assert asyncio.run(form.required_slots(["ticket_id", "phone_last4"], CollectingDispatcher(), signed_in, {})) == []
    dispatcher, _ = run(repair_actions.RepairStatus(), signed_in)
    assert "维修单 R-20417" in said(dispatcher) and "第 3/6 步" in said(dispatcher)
    named = tracker(slots={"ticket_id": "R-20417", "lang": "en"}, metadata={"member_token": owner_token})
    dispatcher, _ = run(repair_actions.RepairStatus(), named)
    assert said(dispatcher, "en").startswith("Ticket R-20417")
    # someone else's ticket: the API's "not found", then the member's own
    dispatcher, _ = run(
        repair_actions.RepairStatus(), tracker(slots={"ticket_id": "R-20401"}, metadata={"member_token": owner_token})
    )
    assert "R-20401" in said(dispatcher) and "维修单 R-20417" in said(dispatcher) and "王师傅" not in said(dispatcher)
    # a member with no repairs, and a sign-in the API no longer knows
    dispatcher, _ = run(repair_actions.RepairStatus(), tracker(metadata={"member_token": sign_in(new_phone())}))
    assert "utter_no_repairs" in responses(dispatcher)
    dispatcher, _ = run(repair_actions.RepairStatus(), tracker(metadata={"member_token": "x" * 43}))
    assert responses(dispatcher)["utter_sign_in_repairs"]["sign_in_url"].startswith("http")


def _next_free(api, service="makeup", store="jingan"):
    return api.get("/consultations/slots", service=service, store=store)["slots"][0]


def test_booking_takes_a_free_slot_and_confirms(api, sign_in, new_phone):
    form = booking_actions.ValidateBookingForm()
    slot = _next_free(api)
    start = slot["starts_at"][:16]
    t = tracker(slots={"service": "makeup", "store": "store:jingan"})
    assert form.validate_service("化妆咨询", CollectingDispatcher(), t, {}) == {"service": "makeup"}
    assert form.validate_service("Home-design consultation", CollectingDispatcher(), t, {}) == {
        "service": "home_design"
    }
    assert form.validate_service("随便", CollectingDispatcher(), t, {}) == {"service": None}
    assert form.validate_store("静安嘉里中心", CollectingDispatcher(), t, {}) == {"store": "store:jingan"}
    checked = form.validate_date_time(start, CollectingDispatcher(), t, {})
    assert checked == {"date_time": start, "slot_id": slot["id"]}
    token = sign_in(new_phone())
    dispatcher, events = run(
        booking_actions.Book(),
        tracker(slots={"slot_id": slot["id"], "customer_name": "李雷"}, metadata={"member_token": token}),
    )
    code = responses(dispatcher)["utter_booked"]["code"]
    assert f"确认号 {code}" in said(dispatcher)
    assert api.get(f"/bookings/{code}", member=token)["slot"]["id"] == slot["id"]
    assert code in str(api.get("/members/me/bookings", member=token))  # booked for the signed-in member
    assert slots_of(events)["slot_id"] is None  # the form is cleared for the next booking
    assert token not in str(events)
    link_code = api.get(f"/bookings/{code}", member=token)["link_code"]
    assert chat_cards(dispatcher) == [{"card": "booking", "code": link_code}]  # the web chat's booking card


def test_the_service_question_offers_the_stores_services(api):
    dispatcher, _ = run(booking_actions.AskService(), tracker(slots={"lang": "en"}))
    services = api.get("/consultations/services", "en")["services"]
    assert [b["title"] for b in buttons(dispatcher, "en")] == [s["name"]["en"] for s in services]
    assert "Which consultation" in said(dispatcher, "en")


def test_a_name_the_api_refuses_is_asked_again_with_its_reason(api, sign_in, new_phone):
    slot = _next_free(api, "makeup", "xujiahui")
    token = sign_in(new_phone())
    long_name = "李" * 61
    dispatcher, events = run(
        booking_actions.Book(),
        tracker(slots={"slot_id": slot["id"], "customer_name": long_name}, metadata={"member_token": token}),
    )
    assert "name" in said(dispatcher) and "utter_booked" not in responses(dispatcher)
    assert slots_of(events) == {"customer_name": None}
    assert any(e.get("event") == "followup" and e.get("name") == "booking_form" for e in events)
    # a name of any length the API takes is not refused here
    assert booking_actions.ValidateBookingForm().validate_customer_name(
        "李" * 40, CollectingDispatcher(), tracker(), {}
    ) == {"customer_name": "李" * 40}


def test_a_full_time_offers_the_nearest_free_ones(api, sign_in, new_phone):
    form = booking_actions.ValidateBookingForm()
    slot = _next_free(api, "home_design", "xujiahui")  # capacity 1
    api.post("/bookings", {"slot_id": slot["id"], "name": "Han"}, member=sign_in(new_phone()))
    dispatcher = CollectingDispatcher()
    t = tracker(slots={"service": "home_design", "store": "store:xujiahui", "lang": "en"})
    assert form.validate_date_time(slot["starts_at"][:16], dispatcher, t, {}) == {"date_time": None, "slot_id": None}
    offered = buttons(dispatcher, "en")
    assert 1 <= len(offered) <= 4 and slot["starts_at"][:16].replace("T", " ") not in {b["payload"] for b in offered}
    assert "nearest free times" in said(dispatcher, "en")


def test_a_window_offers_its_free_slots(api):
    form = booking_actions.ValidateBookingForm()
    day = (datetime.now() + timedelta(days=3)).date()
    window = f"{day}T12:00/{day}T18:00"
    dispatcher = CollectingDispatcher()
    t = tracker(slots={"service": "makeup", "store": "store:lujiazui"})
    assert form.validate_date_time(window, dispatcher, t, {})["date_time"] is None
    payloads = [b["payload"] for b in buttons(dispatcher)]
    assert payloads and all(p.startswith(str(day)) and "12:00" <= p[11:] < "18:00" for p in payloads)
    assert "这段时间可以约" in said(dispatcher)


def test_slot_labels_read_in_the_shoppers_language():
    assert booking_actions.slot_label("2026-11-28T15:00:00+08:00", "zh") == "11月28日周六 15:00"
    assert booking_actions.slot_label("2026-11-28T15:00:00+08:00", "en") == "Sat, Nov 28 15:00"


def test_reschedule_and_cancel_by_code_for_the_member_who_booked(api, sign_in, new_phone):
    first, second = api.get("/consultations/slots", service="makeup", store="qiantan")["slots"][:2]
    token = sign_in(new_phone())
    made = api.post("/bookings", {"slot_id": first["id"], "name": "Lucy"}, member=token)
    form = booking_actions.ValidateBookingForm()
    with_code = tracker(slots={"booking_code": made["code"]}, metadata={"member_token": token})
    needed = asyncio.run(form.required_slots(["service", "store", "date_time"], CollectingDispatcher(), with_code, {}))
    assert needed == ["date_time"]
    checked = form.validate_date_time(second["starts_at"][:16], CollectingDispatcher(), with_code, {})
    dispatcher, _ = run(
        booking_actions.Book(),
        tracker(slots={"booking_code": made["code"], "slot_id": checked["slot_id"]}, metadata={"member_token": token}),
    )
    assert api.get(f"/bookings/{made['code']}", member=token)["slot"]["id"] == second["id"]

    stranger = sign_in(new_phone())  # the code alone, or someone else's sign-in, cancels nothing
    for metadata in ({}, {"member_token": stranger}):
        dispatcher, _ = run(
            booking_actions.CancelBooking(), tracker(slots={"booking_code": made["code"]}, metadata=metadata)
        )
        assert "utter_booking_cancelled" not in responses(dispatcher)
    assert "utter_sign_in" in responses(
        run(booking_actions.CancelBooking(), tracker(slots={"booking_code": made["code"]}))[0]
    )
    assert api.get(f"/bookings/{made['code']}", member=token)["status"] == "confirmed"

    # a code typed with slashes or spaces stays one path segment: the API answers for it
    dispatcher, _ = run(
        booking_actions.CancelBooking(),
        tracker(slots={"booking_code": "../../members/me"}, metadata={"member_token": token}),
    )
    assert "utter_booking_cancelled" not in responses(dispatcher) and said(dispatcher)

    dispatcher, _ = run(
        booking_actions.CancelBooking(),
        tracker(slots={"booking_code": made["code"], "lang": "en"}, metadata={"member_token": token}),
    )
    assert responses(dispatcher)["utter_booking_cancelled"]["code"] == made["code"]
    assert f"({made['code']})" in said(dispatcher, "en")
    assert api.get(f"/bookings/{made['code']}", member=token)["status"] == "cancelled"


def test_store_info_and_handoff(api, queue, web_app_folder):
    t = tracker(text="静安店几点关门", entities=[{"entity": "store", "value": "静安"}])
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    assert "10:00–22:00" in said(dispatcher) and "静安" in said(dispatcher)
    t = tracker(
        text="where is the Atlantis store", entities=[{"entity": "store", "value": "Atlantis"}], slots={"lang": "en"}
    )
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    assert said(dispatcher, "en").startswith("I couldn't find that store") and "Jing'an" in said(dispatcher, "en")
    events = [{"event": "user", "text": "我要投诉", "parse_data": {"intent": {"name": "human_handoff"}}}]
    with stack.store_hours(web_app_folder, "jingan", "00:00", "23:59"):  # the default store, open whenever this runs
        dispatcher, _ = run(support_actions.HumanHandoff(), tracker(events=events, sender="handoff-user"))
    (made,) = [h for h in queue("jingan") if h["sender_id"] == "handoff-user"]
    assert f"排在第 {made['position']} 位" in said(dispatcher) and f"约 {made['wait_minutes']} 分钟" in said(dispatcher)


def test_a_closed_store_offers_a_call_back_or_a_booking(queue, web_app_folder):
    asked = {"metadata": {"channel": "kiosk", "store": "wujiaochang"}, "sender": "closed-store-user"}
    with stack.store_closed_now(web_app_folder, "wujiaochang") as opens:
        dispatcher, _ = run(support_actions.HumanHandoff(), tracker(slots={"lang": "en"}, **asked))
    label = support_actions.opening_label(opens, "en")  # its day and time, as the shopper reads them
    assert responses(dispatcher)["utter_store_closed_now"]["opens_at"] == label and opens[-5:] in label
    assert f"it opens again at {label}" in said(dispatcher, "en")
    assert [b["payload"] for b in buttons(dispatcher, "en")] == ["/request_callback", "/book_consultation"]
    assert not [h for h in queue("wujiaochang") if h["sender_id"] == "closed-store-user"]


def test_a_call_back_is_for_the_signed_in_member(queue, web_app_folder, sign_in, new_phone):
    asked = {"metadata": {"store": "wujiaochang"}, "sender": "callback-user", "intent": "request_callback"}
    dispatcher, _ = run(support_actions.RequestCallback(), tracker(**asked))
    assert "utter_sign_in_callback" in responses(dispatcher) and "/account/sign-in" in said(dispatcher)
    phone = new_phone()
    signed_in = {**asked, "metadata": {**asked["metadata"], "member_token": sign_in(phone)}}
    with stack.store_closed_now(web_app_folder, "wujiaochang"):  # a call-back is asked for when it is closed
        dispatcher, _ = run(support_actions.RequestCallback(), tracker(**signed_in))
    assert said(dispatcher) == response_text("utter_callback_requested", "zh")
    (made,) = [h for h in queue("wujiaochang") if h["sender_id"] == "callback-user"]
    assert made["reason"] == "callback" and made["store"] == "wujiaochang" and made["phone"].endswith(phone[-4:])


def test_second_fallback_in_a_row_hands_over(queue, web_app_folder):
    lost = {"event": "user", "text": "??", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    dispatcher, _ = run(support_actions.Fallback(), tracker(events=[lost], sender="lost-user"))
    assert dispatcher.messages[0]["response"] == "utter_default"
    with stack.store_hours(web_app_folder, "jingan", "00:00", "23:59"):
        dispatcher, _ = run(support_actions.Fallback(), tracker(events=[lost, lost], sender="lost-user"))
    assert any(h["sender_id"] == "lost-user" and h["reason"] == "fallback" for h in queue("jingan"))


def test_changing_the_store_mid_form_rechecks_the_time(api, sign_in, new_phone):
    form = booking_actions.ValidateBookingForm()
    slot = _next_free(api, "makeup", "wujiaochang")
    start = slot["starts_at"][:16]
    turn = [{"event": "user", "text": "换成徐家汇店"}, {"event": "slot", "name": "store", "value": "徐家汇"}]
    t = tracker(
        text="换成徐家汇店",
        events=turn,
        slots={
            "service": "makeup",
            "store": "徐家汇",
            "date_time": start,
            "slot_id": slot["id"],
            "requested_slot": "customer_name",
        },
        metadata={"member_token": sign_in(new_phone())},
    )
    domain = {
        "forms": {"booking_form": {"required_slots": ["service", "store", "date_time", "customer_name"]}},
        "slots": {},
    }
    events = asyncio.run(form.get_validation_events(CollectingDispatcher(), t, domain))
    # the store slot changed this turn: the slot id is now a Xujiahui slot at the same time, or none
    new_id = [e["value"] for e in events if e.get("name") == "slot_id"][-1]
    assert new_id != slot["id"]
    if new_id:
        assert (
            api.get(
                "/consultations/slots",
                service="makeup",
                store="xujiahui",
                **{"from": start, "to": start[:11] + "23:59"},
            )["slots"][0]["id"]
            == new_id
        )


def test_products_answer_with_their_pages(web_app):
    """The API gives the product's page (and model), so the assistant builds no URL of its own."""
    makeup = requests.get(f"{web_app}/products/LIP-101", headers={"Accept-Language": "en"}, timeout=10).json()
    assert "/makeup?" in makeup["page_url"] and "sku=LIP-101" in makeup["page_url"] and "lang=en" in makeup["page_url"]
    sofa = requests.get(f"{web_app}/products/search", params={"q": "Oslo sofa"}, timeout=10).json()["products"][0]
    assert "/furniture/FUR-OSLO-3S" in sofa["page_url"] and sofa["model_url"].endswith(".glb")


def test_a_service_name_the_tagger_split_in_two_is_still_understood(api):
    """DIET sometimes tags "makeup consultation" as two service entities; the first that names a service wins."""
    split = [{"entity": "service", "value": "makeup"}, {"entity": "service", "value": "consultation"}]
    t = tracker("book a makeup consultation at Xujiahui tomorrow 3pm", entities=split)
    assert booking_actions.ValidateBookingForm().validate_service("consultation", CollectingDispatcher(), t, {}) == {
        "service": "makeup"
    }
