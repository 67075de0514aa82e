"""The console's working day over HTTP: bookings with share codes and notes, the live bookings feed,
the customer view, recommendation lists delivered into a chat, and the public share-code views."""

import pytest
from sqlalchemy import select

from webapp.store import chat, handoffs, timeutil
from webapp.store.models import Store

from ..conftest import sign_in
from ..staff_session import add_staff, signed_in

LOOK = {"items": [{"sku": "LIP-108", "intensity": 0.6}], "consent": True}


@pytest.fixture
def advisor(app):
    return add_staff(app, "li.na")


def _look_code(client, member: dict) -> str:
    saved = client.post("/api/v1/looks", json=LOOK, headers=member)
    assert saved.status_code == 201
    return saved.get_json()["look"]["share_code"]


def _book(client, member: dict, **extra) -> object:
    slot = client.get("/api/v1/consultations/slots?service=makeup&store=jingan").get_json()["slots"][0]
    return client.post("/api/v1/bookings", json={"slot_id": slot["id"], "name": "韩梅梅", **extra}, headers=member)


def test_a_shared_look_opens_publicly_with_products_and_settings_only(client, member):
    code = _look_code(client, member)
    shown = client.get(f"/api/v1/looks/{code}")
    assert shown.status_code == 200
    body = shown.get_json()
    assert set(body) == {"share_code", "name", "scene", "smoothing", "items"} and body["items"][0]["intensity"] == 0.6
    missing = client.get("/api/v1/looks/LZZZZZZ?lang=en")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == (
        "No saved look has the share code LZZZZZZ."
    )


def test_booking_with_share_codes_and_unknown_ones_refused(client, member, advisor):
    code = _look_code(client, member)
    unknown = _book(client, member, share_codes=["LNOPE23"])
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "share_code_unknown"
    too_many = _book(client, member, share_codes=[code] * 6)
    assert too_many.status_code == 400 and too_many.get_json()["error"]["code"] == "invalid_field"
    booked = _book(client, member, share_codes=[code])
    assert booked.status_code == 201
    signed_in(client, "li.na")
    feed = client.get("/advisor/data/bookings?days=14").get_json()["bookings"]
    assert [b["share_codes"] for b in feed if b["code"] == booked.get_json()["code"]] == [[code]]


def test_the_bookings_feed_and_pages_need_a_console_session(client, advisor):
    assert client.get("/advisor/data/bookings").status_code == 401
    assert client.get("/advisor/data/bookings").get_json()["error"]["code"] == "staff_sign_in_required"
    for page in ("/advisor/bookings", "/advisor/customer", "/advisor/recommend"):
        assert client.get(page).status_code == 302
    signed_in(client, "li.na")
    refused = client.get("/advisor/data/bookings?days=99&lang=en")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_field"
    for page in ("/advisor/bookings", "/advisor/customer", "/advisor/recommend"):
        assert client.get(page + "?lang=en").status_code == 200


def test_notes_are_store_scoped_audited_and_render_as_text(client, app, member, advisor):
    code = _book(client, member).get_json()["code"]
    far = app.test_client()
    far_headers = signed_in(far, add_staff(app, "far", "lujiazui")["username"])
    refused = far.put(f"/api/v1/bookings/{code}/notes", json={"notes": "hi"}, headers=far_headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "staff_wrong_store"
    headers = signed_in(client, "li.na")
    assert client.put(f"/api/v1/bookings/{code}/notes", json={"notes": "hi"}).status_code == 400  # no CSRF header
    too_long = client.put(f"/api/v1/bookings/{code}/notes", json={"notes": "x" * 2001}, headers=headers)
    assert too_long.status_code == 400
    saved = client.put(f"/api/v1/bookings/{code}/notes", json={"notes": "<script>x</script>干皮"}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["notes"] == "<script>x</script>干皮"
    page = client.get("/advisor/bookings").get_data(as_text=True)
    assert "<script>x</script>" not in page and "\\u003cscript\\u003ex\\u003c/script\\u003e" in page
    boss = app.test_client()
    signed_in(boss, add_staff(app, "boss", role="store_manager", name="周店长")["username"])
    assert "edited a booking" in boss.get("/advisor/audit?lang=en").get_data(as_text=True)


def test_the_customer_view_of_a_look_a_plan_and_an_unknown_code(client, member, advisor):
    look = _look_code(client, member)
    plan = client.post(
        "/api/v1/plans",
        json={"room": {"width": 4, "depth": 3.5}, "items": [{"sku": "FUR-OSLO-3S", "x": 2, "z": 3}]},
    ).get_json()["code"]
    signed_in(client, "li.na")
    shown = client.get(f"/advisor/data/share/{look.lower()}?lang=en").get_json()
    assert shown["kind"] == "look" and shown["try_on_url"] == f"/makeup?look={look}&lang=en"
    assert shown["items"][0]["sku"] == "LIP-108" and "stock" in shown["items"][0]
    opened = client.get(f"/advisor/data/share/{plan}").get_json()
    assert opened["kind"] == "plan" and opened["plan_url"].startswith(f"/planner?plan={plan}")
    missing = client.get("/advisor/data/share/PZZZZZZ?lang=en")
    assert missing.status_code == 404 and "PZZZZZZ" in missing.get_json()["error"]["message"]


def test_a_recommendation_is_delivered_into_the_chat_the_advisor_took(client, app, advisor):
    with app.extensions["store_db"].session() as session:
        shop = session.scalar(select(Store).where(Store.code == "jingan"))
        conversation = chat.open_conversation(session, store=shop, lang="zh")
        public_id = conversation.public_id
        # created at an hour the store is open, whenever the test runs
        opened = timeutil.now().replace(hour=15)
        handoff_id = handoffs.create(session, {"sender_id": chat.sender_id(conversation)}, now=opened)["id"]
    headers = signed_in(client, "li.na")
    assert client.post(f"/api/v1/handoffs/{handoff_id}/take", json={}, headers=headers).status_code == 200
    assert client.post("/advisor/data/recommendations", json={"items": []}).status_code == 400  # no CSRF
    bad = client.post("/advisor/data/recommendations?lang=en", json={"items": [{"sku": 5}]}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_field"
    made = client.post(
        "/advisor/data/recommendations", json={"items": [{"sku": "LIP-101", "note": "日常"}]}, headers=headers
    )
    assert made.status_code == 201
    code = made.get_json()["code"]
    neither = client.post(f"/advisor/data/recommendations/{code}/send", json={}, headers=headers)
    assert neither.status_code == 400 and neither.get_json()["error"]["code"] == "missing_field"
    sent = client.post(f"/advisor/data/recommendations/{code}/send", json={"handoff": handoff_id}, headers=headers)
    assert sent.status_code == 201
    with app.extensions["store_db"].session() as session:
        conversation = chat.by_public_id(session, public_id)
        history = chat.messages(session, conversation)
        assert handoffs.current(session, conversation).taken_by == "李娜"
    product, text = history[-2], history[-1]
    assert product["type"] == "product" and product["product"]["sku"] == "LIP-101"
    assert product["product"]["try_on_url"].endswith("/makeup?sku=LIP-101&lang=zh")
    assert text["type"] == "text" and code in text["text"] and "日常" in text["text"]
    public = client.get(f"/api/v1/recommendations/{code}").get_json()
    assert public["items"][0]["note"] == "日常" and public["advisor"] == "李娜"


def test_a_recommendation_reaches_a_signed_in_members_chat_history(client, app, advisor):
    member = sign_in(client, "13700137000")
    code = _book(client, member).get_json()["code"]
    headers = signed_in(client, "li.na")
    made = client.post("/advisor/data/recommendations", json={"items": [{"sku": "LIP-101"}]}, headers=headers)
    listed = made.get_json()["code"]
    sent = client.post(f"/advisor/data/recommendations/{listed}/send", json={"booking": code}, headers=headers)
    assert sent.status_code == 201
    history = app.test_client().get("/api/v1/chat/history", headers=member).get_json()
    assert [m["type"] for m in history["messages"]] == ["product", "text"]
    assert listed in history["messages"][-1]["text"]
