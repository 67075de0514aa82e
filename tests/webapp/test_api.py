"""The JSON API: shapes, languages, auth and the error contract (never a 500 for bad input)."""

import io

import pytest

from webapp.store import handoffs, members, timeutil

from ..conftest import SERVICE, sign_in
from ..staff_session import add_staff, signed_in

EN = {"Accept-Language": "en-US,en;q=0.9"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]["message"]


def test_catalog(client):
    stores = client.get("/api/v1/stores").get_json()["stores"]
    assert len(stores) >= 8 and {"zh", "en"} == set(stores[0]["name"])
    lips = client.get("/api/v1/products?category=makeup&type=lip").get_json()["products"]
    assert len(lips) >= 24 and all(p["shade_hex"] for p in lips)
    sofa = client.get("/api/v1/products/FUR-OSLO-3S").get_json()
    assert sofa["dimensions_m"]["width"] == 2.2 and sofa["variants"]
    _error(client.get("/api/v1/products/NOPE", headers=EN), 404, "product_not_found")
    _error(client.get("/api/v1/products?category=cars"), 400, "invalid_field")


def test_messages_follow_the_callers_language(client):
    assert _error(client.get("/api/v1/stores/mars", headers=EN), 404, "store_not_found") == "No store called mars."
    assert _error(client.get("/api/v1/stores/mars", headers=ZH), 404, "store_not_found") == "找不到门店：mars。"
    assert _error(client.get("/api/v1/stores/mars"), 404, "store_not_found").startswith("找不到")  # Chinese first
    assert _error(client.get("/api/v1/stores/mars?lang=en", headers=ZH), 404, "store_not_found").startswith("No store")


def test_nearby_stock_endpoint(client):
    body = client.get("/api/v1/stock/nearby?sku=LIP-101&lat=31.2323&lon=121.4737&radius_km=5").get_json()
    assert body["sku"] == "LIP-101" and body["radius_km"] >= 5
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)
    by_store = client.get("/api/v1/stock/nearby?sku=LIP-101&store=jingan").get_json()
    assert by_store["origin"]["store"] == "jingan"


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("sku=LIP-101&lat=abc&lon=121.4", 400, "invalid_field"),
        ("sku=LIP-101&lat=31.2&lon=999", 400, "invalid_field"),
        ("sku=LIP-101&lat=31.2&lon=121.4&radius_km=-3", 400, "invalid_field"),
        ("sku=LIP-101&lat=nan&lon=121.4", 400, "invalid_field"),
        ("sku=LIP-101", 400, "missing_field"),
        ("lat=31.2&lon=121.4", 400, "missing_field"),
        ("sku=LIP-101&store=nowhere", 404, "store_not_found"),
    ],
)
def test_nearby_stock_bad_queries(client, query, status, code):
    _error(client.get(f"/api/v1/stock/nearby?{query}"), status, code)


def test_coupon_flow_over_http(client, staff_headers):
    assert {c["code"] for c in client.get("/api/v1/coupons/campaigns").get_json()["campaigns"]} == {
        "NEW50",
        "STORE100",
        "APP30",
    }
    # staff at the counter claim for the shopper in front of them, by phone
    claimed = client.post(
        "/api/v1/coupons/claims", json={"campaign": "STORE100", "phone": "13800138000"}, headers=staff_headers
    )
    assert claimed.status_code == 201
    code = claimed.get_json()["code"]
    mine = client.get("/api/v1/members/13800138000/coupons", headers=staff_headers).get_json()["coupons"]
    assert [c["code"] for c in mine] == [code]
    redeemed = client.post(
        "/api/v1/coupons/redeem", json={"code": code, "store": "jingan", "order_amount": 900}, headers=staff_headers
    )
    assert redeemed.status_code == 200 and redeemed.get_json()["status"] == "redeemed"
    message = _error(
        client.post(
            "/api/v1/coupons/redeem",
            json={"code": code, "store": "jingan", "order_amount": 900},
            headers={**staff_headers, **EN},
        ),
        409,
        "coupon_already_redeemed",
    )
    assert "already redeemed" in message


def test_auth_is_enforced(client):
    body = {"campaign": "NEW50", "phone": "13800138000"}
    # a typed phone number claims nothing, whoever relays it: only a verified member or staff
    for headers in ({}, SERVICE, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        _error(client.post("/api/v1/coupons/claims", json=body, headers=headers), 401, "sign_in_required")
    _error(client.get("/api/v1/members/13800138000/coupons", headers=SERVICE), 403, "forbidden")
    # the assistant's service token may not redeem at a counter, nor add repair events
    _error(
        client.post(
            "/api/v1/coupons/redeem", json={"code": "C1", "store": "jingan", "order_amount": 1}, headers=SERVICE
        ),
        403,
        "forbidden",
    )
    _error(
        client.post("/api/v1/repairs/R-20417/events", json={"status": "repairing"}, headers=SERVICE), 403, "forbidden"
    )
    _error(client.get("/api/v1/members/13800138000/coupons"), 401, "unauthorized")
    # there is no staff bearer token: any other bearer is nobody, whatever it says
    _error(client.get("/api/v1/repairs?store=jingan", headers={"Authorization": "Bearer staff"}), 401, "unauthorized")


def test_unconfigured_tokens_open_nothing(db_url):
    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": db_url})
    response = app.test_client().post("/api/v1/stock", json={"items": []}, headers={"Authorization": "Bearer "})
    _error(response, 401, "unauthorized")
    app.extensions["store_db"].dispose()


def test_repair_endpoints(client, staff_headers):
    ticket = client.get("/api/v1/repairs/R-20417?phone_last4=5678").get_json()
    assert ticket["status"] == "awaiting_parts"
    _error(client.get("/api/v1/repairs/R-20417?phone_last4=0000"), 403, "repair_verification_failed")
    _error(client.get("/api/v1/repairs/R-20417"), 400, "missing_field")
    _error(client.get("/api/v1/repairs/hello?phone_last4=5678"), 400, "invalid_field")
    added = client.post(
        "/api/v1/repairs/R-20417/events",
        headers=staff_headers,
        json={"status": "repairing", "note_zh": "开始维修", "note_en": "Repair started"},
    )
    assert added.status_code == 201 and added.get_json()["status"] == "repairing"
    _error(
        client.post("/api/v1/repairs/R-20417/events", headers=staff_headers, json={"status": "received"}),
        409,
        "repair_status_backwards",
    )
    _error(
        client.post(
            "/api/v1/repairs/R-20417/events", headers=staff_headers, json={"status": "repairing", "note_zh": 5}
        ),
        400,
        "invalid_field",
    )


def test_booking_endpoints(client, member):
    slots = client.get("/api/v1/consultations/slots?service=home_design&store=jingan").get_json()["slots"]
    first, second = slots[:2]
    _error(client.post("/api/v1/bookings", json={"slot_id": first["id"], "name": "Li Lei"}), 401, "sign_in_required")
    made = client.post("/api/v1/bookings", json={"slot_id": first["id"], "name": "Li Lei"}, headers=member)
    assert made.status_code == 201
    code, link = made.get_json()["code"], made.get_json()["link_code"]
    # a short code alone opens nothing; with the phone's last digits it opens a masked view
    _error(client.get(f"/api/v1/bookings/{code}"), 400, "missing_field")
    _error(client.get(f"/api/v1/bookings/{code}?phone_last4=0000"), 404, "booking_not_found")
    by_digits = client.get(f"/api/v1/bookings/{code}?phone_last4=0123").get_json()
    assert by_digits["slot"]["id"] == first["id"] and by_digits["phone"] == "136****0123" and by_digits["name"] == "L*"
    assert client.get(f"/api/v1/bookings/{link}").get_json()["code"] == code
    other = sign_in(client, "13700137999")
    _error(
        client.post("/api/v1/bookings", json={"slot_id": first["id"], "name": "Han"}, headers=other), 409, "slot_full"
    )
    _error(client.post(f"/api/v1/bookings/{code}/cancel", headers=other), 404, "booking_not_found")
    moved = client.post(
        f"/api/v1/bookings/{code}/reschedule", json={"slot_id": second["id"]}, headers=member
    ).get_json()
    assert moved["slot"]["id"] == second["id"]
    assert (
        client.post(f"/api/v1/bookings/{code}/cancel", json={"phone_last4": "0123"}).get_json()["status"] == "cancelled"
    )
    _error(client.post(f"/api/v1/bookings/{link}/cancel"), 409, "booking_cancelled")
    assert [b["code"] for b in client.get("/api/v1/members/me/bookings", headers=member).get_json()["bookings"]] == [
        code
    ]


def test_booking_lookups_are_rate_limited(client):
    answers = [client.get(f"/api/v1/bookings/BK{i:06d}?phone_last4=1234").status_code for i in range(11)]
    assert answers == [404] * 10 + [429]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/consultations/slots",
        "/api/v1/consultations/slots?service=makeup&from=soon",
        "/api/v1/consultations/slots?service=makeup&from=2030-01-02&to=2030-01-01",
    ],
)
def test_slot_query_errors(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        None,
        "not json",
        "[1, 2]",
        '{"slot_id": "x", "name": "a", "phone": "13800138000"}',
        '{"slot_id": 1, "name": ["a"], "phone": "13800138000"}',
        '{"slot_id": 1, "name": "a", "phone": 5}',
        '{"slot_id": true, "name": "a", "phone": "13800138000"}',
    ],
)
def test_bad_booking_bodies_are_4xx(client, body):
    response = client.post("/api/v1/bookings", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()


def test_stock_sync_endpoint(client):
    csv_body = "store,sku,quantity\njingan,LIP-101,77\nmars,LIP-101,1\n"
    response = client.post(
        "/api/v1/stock", data={"file": (io.BytesIO(csv_body.encode()), "erp.csv")}, headers={**SERVICE, **EN}
    )
    report = response.get_json()
    assert response.status_code == 200 and report["applied"] == 1
    assert report["errors"] == [{"row": 3, "code": "store_not_found", "message": "No store called mars."}]
    raw = client.post("/api/v1/stock", data=csv_body, content_type="text/csv", headers=SERVICE).get_json()
    assert raw["unchanged"] == 1
    as_json = client.post(
        "/api/v1/stock", json={"items": [{"store": "jingan", "sku": "LIP-101", "quantity": 5}]}, headers=SERVICE
    ).get_json()
    assert as_json["applied"] == 1
    nearby = client.get("/api/v1/stock/nearby?sku=LIP-101&store=jingan").get_json()["results"]
    assert nearby[0]["store"]["code"] == "jingan" and nearby[0]["quantity"] == 5
    _error(
        client.post("/api/v1/stock", data="store,sku,quantity\njingan,LIP-101,1\n", content_type="text/csv"),
        401,
        "unauthorized",
    )
    _error(client.post("/api/v1/stock", data=b"\x00\x00", content_type="text/csv", headers=SERVICE), 400, "invalid_csv")
    _error(client.post("/api/v1/stock", json={"rows": []}, headers=SERVICE), 400, "missing_field")
    _error(client.post("/api/v1/stock", data=b"", content_type="text/csv", headers=SERVICE), 400, "missing_field")


def test_http_level_errors_keep_the_shape(client, app):
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    _error(client.delete("/api/v1/stores"), 405, "method_not_allowed")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    _error(
        client.post("/api/v1/stock", data=b"x" * 4096, content_type="text/csv", headers=SERVICE),
        413,
        "payload_too_large",
    )


def test_assistant_endpoints(app, client, monkeypatch):
    monkeypatch.setattr(handoffs, "is_open", lambda store, now: True)  # whatever the hour of the run
    found = client.get("/api/v1/products/search?q=豆沙色口红").get_json()["products"]
    assert found[0]["sku"] == "LIP-101"
    assert client.get("/api/v1/stores/search?q=静安").get_json()["stores"][0]["code"] == "jingan"
    assert client.get("/api/v1/places/resolve?q=人民广场").get_json()["lat"] > 31
    _error(client.get("/api/v1/places/resolve?q=mars", headers=EN), 404, "place_not_found")
    _error(client.get("/api/v1/products/search"), 400, "missing_field")
    similar = client.get("/api/v1/products/LIP-101/similar?store=jingan").get_json()["products"]
    assert len(similar) == 3
    made = client.post(
        "/api/v1/handoffs",
        json={"sender_id": "web-1", "reason": "asked", "summary": "想找人", "store": "jingan"},
        headers=SERVICE,
    )
    assert made.status_code == 201
    _error(client.post("/api/v1/handoffs", json={"sender_id": "web-1"}), 401, "unauthorized")
    advisor = app.test_client()  # the store's advisor, in a browser of their own
    add_staff(app, "li.na")
    listed = advisor.get("/api/v1/handoffs", headers=signed_in(advisor, "li.na")).get_json()["handoffs"]
    assert [h["sender_id"] for h in listed] == ["web-1"]
    _error(client.get("/api/v1/handoffs", headers=SERVICE), 403, "forbidden")


def test_claim_by_member_token(client, app):
    with app.extensions["store_db"].session() as session:
        token = members.issue_token(
            session, members.get_or_create_member(session, "13700137000", timeutil.now()), timeutil.now()
        )
        session.commit()
    claimed = client.post(
        "/api/v1/coupons/claims", json={"campaign": "NEW50"}, headers={**SERVICE, "X-Member-Token": token}
    )
    assert claimed.status_code == 201
    assert (
        client.get("/api/v1/members/me/coupons", headers={"X-Member-Token": token}).get_json()["coupons"][0]["code"]
        == claimed.get_json()["code"]
    )
    _error(
        client.post(
            "/api/v1/coupons/claims", json={"campaign": "NEW50"}, headers={**SERVICE, "X-Member-Token": "n" * 30}
        ),
        401,
        "sign_in_required",
    )


def test_assistant_lookups_are_rationed_per_conversation(client):
    """Every chat reaches the API from the action server's one address: budgets follow the conversation."""

    def lookups(sender):
        headers = {**SERVICE, "X-Chat-Sender": sender}
        return [client.get("/api/v1/repairs/R-20417?phone_last4=0000", headers=headers).status_code for _ in range(11)]

    assert lookups("shopper-a") == [403] * 10 + [429]
    assert lookups("shopper-b")[0] == 403  # another shopper is not locked out by the first one's budget
