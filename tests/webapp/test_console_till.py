"""Coupons at the till, the store's repairs and the hand-over inbox in the advisor console (pages and JSON)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from webapp.store import chat, coupons, handoffs, timeutil
from webapp.store.models import Store

from ..conftest import SERVICE
from ..staff_session import add_staff, advisor_context, signed_in

PHONE = "13800138000"


@pytest.fixture
def advisor(app):
    return add_staff(app, "li.na")


def _claim(app, campaign: str = "STORE100", phone: str = PHONE) -> str:
    with app.extensions["store_db"].session() as session:
        return coupons.claim(session, campaign, phone)["code"]


def _csrf(headers: dict) -> dict:
    return {"csrf_token": headers["X-CSRFToken"]}


def test_a_looked_up_coupon_shows_its_rules_and_member_masked_then_redeems_once(client, app, advisor):
    code = _claim(app)
    headers = signed_in(client, "li.na")
    page = client.get(f"/advisor/till?code={code.lower()}&lang=en").get_data(as_text=True)
    assert "In-store ¥100 off ¥800" in page and "138****8000" in page and PHONE not in page
    assert "Ready to use" in page and "¥100 off orders of ¥800 or more, in store" in page

    redeemed = client.post("/advisor/till/redeem?lang=en", data=_csrf(headers) | {"code": code, "order_amount": "900"})
    assert redeemed.status_code == 302 and f"code={code}" in redeemed.headers["Location"]
    page = client.get(redeemed.headers["Location"]).get_data(as_text=True)
    assert f"Coupon {code} redeemed." in page and "¥800.00" in page  # what the shopper pays
    assert "LANYUE Jing&#39;an Kerry Centre" in page and "Nothing redeemed today." not in page

    again = client.post("/advisor/till/redeem?lang=en", data=_csrf(headers) | {"code": code, "order_amount": "900"})
    assert again.status_code == 409
    assert "already redeemed at LANYUE Jing&#39;an Kerry Centre on" in again.get_data(as_text=True)
    listed = client.get("/api/v1/coupons/redemptions", headers=headers).get_json()["redemptions"]
    assert [(r["code"], r["order_amount"], r["staff"]) for r in listed] == [(code, 900.0, "李娜")]


def test_a_coupon_redeemed_at_another_store_is_refused_naming_where_and_when(client, app, advisor):
    code = _claim(app)
    with app.extensions["store_db"].session() as session:
        coupons.redeem(session, code, "lujiazui", "1000", staff=advisor_context(session, "far", "lujiazui", "远方"))
    headers = signed_in(client, "li.na")
    view = client.get(f"/api/v1/coupons/claims/{code}?lang=en", headers=headers).get_json()
    assert view["status"] == "redeemed" and view["redeemed_store"] == "lujiazui"
    assert view["refusal"]["code"] == "coupon_already_redeemed"
    assert "LANYUE Lujiazui IFC" in view["refusal"]["message"]["en"] and "陆家嘴" in view["refusal"]["message"]["zh"]
    page = client.get(f"/advisor/till?code={code}").get_data(as_text=True)
    assert "陆家嘴国金店核销，不能重复使用" in page and 'id="redeem"' not in page
    refused = client.post("/advisor/till/redeem", data=_csrf(headers) | {"code": code, "order_amount": "900"})
    assert refused.status_code == 409
    assert client.get("/api/v1/coupons/redemptions", headers=headers).get_json()["redemptions"] == []


def test_online_only_and_unknown_coupons_and_bad_amounts_are_explained(client, app, advisor):
    online = _claim(app, "APP30")
    headers = signed_in(client, "li.na")
    view = client.get(f"/api/v1/coupons/claims/{online}", headers=headers).get_json()
    assert view["refusal"]["message"] == {"zh": "该券仅限线上使用。", "en": "This coupon can only be used online."}
    missing = client.get("/advisor/till?code=CNOPE1234&lang=en")
    assert missing.status_code == 404 and "No coupon with code CNOPE1234." in missing.get_data(as_text=True)
    odd = client.get("/advisor/till?code=<script>&lang=en")
    assert odd.status_code == 422 and "1 to 20 letters or digits" in odd.get_data(as_text=True)
    assert "<script>" not in odd.get_data(as_text=True)
    code = _claim(app)
    for amount in ("", "abc", "-1", "1e99"):
        bad = client.post("/advisor/till/redeem", data=_csrf(headers) | {"code": code, "order_amount": amount})
        assert bad.status_code == 422 and "请输入 0 到 10000000 之间的金额。" in bad.get_data(as_text=True)
    short = client.post("/advisor/till/redeem?lang=en", data=_csrf(headers) | {"code": code, "order_amount": "500"})
    assert short.status_code == 422 and "The order must reach ¥800.00" in short.get_data(as_text=True)
    api_bad = client.get("/api/v1/coupons/claims/%3Cb%3E", headers=headers)
    assert api_bad.status_code == 400 and api_bad.get_json()["error"]["code"] == "invalid_field"


def test_the_redemption_list_is_the_stores_own(client, app, advisor):
    far = app.test_client()
    far_headers = signed_in(far, add_staff(app, "far", "lujiazui")["username"])
    other = far.get("/api/v1/coupons/redemptions?store=jingan&lang=en", headers=far_headers)
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "staff_wrong_store"
    headers = signed_in(client, "li.na")
    assert client.get("/api/v1/coupons/redemptions", headers=headers).get_json() == {"redemptions": []}
    assert client.get("/api/v1/coupons/redemptions?store=jingan&day=2026-01-01", headers=headers).status_code == 200


def test_repairs_of_the_store_are_listed_and_updated_into_the_watching_chat(client, app, advisor):
    with app.extensions["store_db"].session() as session:
        conversation = chat.open_conversation(session, lang="en")
        chat.watch_repair(session, chat.sender_id(conversation), "R-20417")
        session.commit()
        conversation_id = conversation.id
    headers = signed_in(client, "li.na")
    page = client.get("/advisor/repairs?lang=en").get_data(as_text=True)
    assert "R-20417" in page and "139****5678" in page and "13912345678" not in page
    assert "R-20402" not in page and "R-20401" not in page  # another store's; a completed one
    listed = client.get("/api/v1/repairs", headers=headers).get_json()["repairs"]
    assert [r["id"] for r in listed] == ["R-20417"]
    assert [s["status"] for s in listed[0]["next_statuses"]] == [
        "awaiting_parts",
        "repairing",
        "ready_for_pickup",
        "completed",
    ]

    note = "<img src=x onerror=alert(1)>配件已到"
    form = _csrf(headers) | {"status": "repairing", "note_zh": note, "note_en": "Part in"}
    updated = client.post("/advisor/repairs/R-20417?lang=en", data=form)
    assert updated.status_code == 302
    page = client.get(updated.headers["Location"]).get_data(as_text=True)
    assert "Repair R-20417 updated" in page and "repairing" in page and "Part in" in page
    zh = client.get("/advisor/repairs?lang=zh").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;配件已到" in zh and "<img src=x" not in zh
    with app.extensions["store_db"].session() as session:
        from webapp.store.models import ChatConversation

        told = chat.messages(session, session.get(ChatConversation, conversation_id))
    assert told[-1]["type"] == "notice" and "R-20417" in told[-1]["text"] and "repairing" in told[-1]["text"]

    back = client.post("/advisor/repairs/R-20417?lang=en", data=_csrf(headers) | {"status": "received"})
    assert back.status_code == 409
    long = client.post("/advisor/repairs/R-20417", data=_csrf(headers) | {"status": "repairing", "note_zh": "长" * 501})
    assert long.status_code == 422 and "备注最多 500 个字符。" in long.get_data(as_text=True)
    nul = client.post("/advisor/repairs/R-20417", data=_csrf(headers) | {"status": "repairing", "note_en": "a\x00b"})
    assert nul.status_code == 422
    other = client.post("/advisor/repairs/R-20402?lang=en", data=_csrf(headers) | {"status": "completed"})
    assert other.status_code == 403 and "only act for your own store" in other.get_data(as_text=True)


def test_the_inbox_page_carries_its_words_and_the_badge_counts_waiting_shoppers(client, app, advisor, monkeypatch):
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 11, 25, 15, 0))  # the store is open
    headers = signed_in(client, "li.na")
    page = client.get("/advisor/inbox?lang=en").get_data(as_text=True)
    assert 'id="inbox-data"' in page and '"me": "李娜"' in page and "Nobody is waiting." in page
    assert 'id="inbox-badge"' in page and "hidden>0</span>" in page
    with app.extensions["store_db"].session() as session:
        shop = session.scalar(select(Store).where(Store.code == "jingan"))
        sender = chat.sender_id(chat.open_conversation(session, store=shop))
    assert client.post("/api/v1/handoffs", json={"sender_id": sender}, headers=SERVICE).status_code == 201
    page = client.get("/advisor/?lang=en").get_data(as_text=True)
    assert 'aria-label="1 waiting"' in page
    assert [h["sender_id"] for h in client.get("/api/v1/handoffs", headers=headers).get_json()["handoffs"]] == [sender]
    assert handoffs.DEFAULT_WAIT_MINUTES  # the queue estimate the shopper sees has a default
