"""Input an outside probe turned into 500s (or a 1.5 GB answer) before the JSON API declared its schemas:
each is now a 4xx in the one error shape, naming the field, with a small answer."""

import json

import pytest

from ..conftest import SERVICE

EN = {"Accept-Language": "en"}
ROOM = {"width": 4.0, "depth": 3.5, "height": 2.7}


def caller(url: str, staff: dict | None = None) -> dict:
    """Who may post there: the ERP's stock sync and the assistant's hand-overs are back ends' (service);
    the rest take the advisor signed in on the client (``staff``), the member, or anyone."""
    return SERVICE if url in ("/api/v1/stock", "/api/v1/handoffs") else staff or {}


def _refused(response, status=400, code="invalid_field", field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert len(response.data) < 1000
    error = response.get_json()["error"]
    assert set(response.get_json()) == {"error"} and error["code"] == code
    if field:
        assert field in error["message"]
    return error["message"]


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=9999-12-31T23:00:00Z", "from=0001-01-01T00:00:00+09:00"])
def test_far_off_dates_in_a_query(client, query):
    _refused(client.get(f"/api/v1/consultations/slots?service=makeup&{query}", headers=EN), field=query.split("=")[0])


def test_far_off_dates_in_bodies(client, staff_headers):
    _refused(
        client.post(
            "/api/v1/repairs/R-20417/events",
            headers={**staff_headers, **EN},
            json={"status": "repairing", "eta": "9999-12-31T23:00:00-10:00"},
        ),
        field="eta",
    )
    rows = [{"store": "jingan", "sku": "LIP-101", "quantity": 1, "updated_at": "9999-12-31T23:00:00Z"}]
    _refused(client.post("/api/v1/stock", headers={**SERVICE, **EN}, json={"items": rows}), field="items.0.updated_at")


@pytest.fixture(autouse=True)
def _signed_in(client, member):
    """Bookings open only to a verified member, checked before the input is read; these tests are about input."""
    client.environ_base["HTTP_X_MEMBER_TOKEN"] = member["X-Member-Token"]


@pytest.mark.parametrize("slot_id", [2**63, -1, 0, 1.5, "1e3", True])
def test_integers_are_bounded(client, slot_id):
    _refused(client.post("/api/v1/bookings", json={"slot_id": slot_id, "name": "Li Lei"}), field="slot_id")
    _refused(client.post("/api/v1/bookings/BK123456/reschedule", json={"slot_id": slot_id}), field="slot_id")


@pytest.mark.parametrize("variant", [[], {}, 5])
def test_a_list_or_object_where_text_belongs(client, variant):
    item = {"sku": "FUR-OSLO-3S", "variant": variant, "x": 2.0, "z": 1.5}
    message = _refused(
        client.post("/api/v1/plans/check", json={"room": ROOM, "items": [item]}, headers=EN), field="items.0.variant"
    )
    assert "text of 1 to 40 characters" in message


def test_messages_name_the_field_in_both_languages(client):
    body = {"slot_id": 1, "name": "x" * 61}
    assert (
        _refused(client.post("/api/v1/bookings?lang=en", json=body))
        == "Invalid value for name: expected text of 1 to 60 characters, without NUL."
    )
    assert (
        _refused(client.post("/api/v1/bookings", json=body))
        == "字段 name 的值无效：应为 1 到 60 个字符的文本，不含 NUL 字符。"
    )
    assert (
        _refused(client.post("/api/v1/bookings?lang=en", json={"slot_id": 1}), code="missing_field")
        == "Missing required field: name."
    )


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("/api/v1/bookings", {"slot_id": 1, "name": "x" * 61}, "name"),
        ("/api/v1/handoffs", {"sender_id": "x" * 121}, "sender_id"),
        ("/api/v1/repairs/R-20417/events", {"status": "repairing", "engineer": "x" * 61}, "engineer"),
        ("/api/v1/stock", {"items": [{"store": "x" * 41, "sku": "LIP-101", "quantity": 1}]}, "items.0.store"),
        ("/api/v1/coupons/redeem", {"code": "x" * 21, "store": "jingan", "order_amount": 1}, "code"),
    ],
)
def test_strings_longer_than_their_column(client, staff_headers, url, body, field):
    _refused(client.post(url, json=body, headers={**caller(url, staff_headers), **EN}), field=field)


def test_over_long_strings_in_paths_and_queries(client):
    _refused(client.get("/api/v1/products/" + "X" * 41, headers=EN), field="sku")
    _refused(client.get("/api/v1/stores/search?q=" + "x" * 101, headers=EN), field="q")
    _refused(client.get("/api/v1/stock/nearby?store=jingan&sku=" + "X" * 41, headers=EN), field="sku")


@pytest.mark.parametrize(
    "request_args",
    [
        ("GET", "/api/v1/stores/jing%00an", None),
        ("GET", "/api/v1/stock/nearby?sku=LIP%00101&store=jingan", None),
        ("GET", "/api/v1/bookings/BK%00", None),
        ("POST", "/api/v1/bookings", {"slot_id": 1, "name": "Li\x00Lei"}),
        ("POST", "/api/v1/handoffs", {"sender_id": "web\x00"}),
        ("POST", "/api/v1/plans/check", {"room": ROOM, "items": [{"sku": "FUR-OSLO-3S\x00", "x": 1, "z": 1}]}),
        ("POST", "/api/v1/bookings", {"slot_id": 1, "name": "Li \ud800"}),  # a lone surrogate
    ],
)
def test_nul_bytes_are_refused(client, request_args):
    method, url, body = request_args
    data = json.dumps(body) if body else None  # escaped, as a lone surrogate cannot be sent as UTF-8
    _refused(client.open(url, method=method, data=data, content_type="application/json", headers=caller(url)))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bookings",
        "/api/v1/plans/check",
        "/api/v1/plans",
        "/api/v1/rooms",
        "/api/v1/handoffs",
        "/api/v1/coupons/claims",
        "/api/v1/stock",
    ],
)
@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{"a": ' * 40_000, "1" * 5000, '{"slot_id": 1,'],
    ids=["100000 deep list", "40000 deep object", "5000-digit integer", "cut short"],
)
def test_malformed_json_bodies(client, url, body):
    _refused(client.post(url, data=body, content_type="application/json", headers=caller(url)), code="invalid_json")


def test_json_bodies_are_capped_but_uploads_are_not(client):
    message = _refused(
        client.post(
            "/api/v1/handoffs",
            data=json.dumps({"summary": "x" * 300_000}),
            content_type="application/json",
            headers={**SERVICE, **EN},
        ),
        status=413,
        code="payload_too_large",
    )
    assert "256 KB" in message
    csv = "store,sku,quantity\n" + "jingan,LIP-101,7\n" * 20_000  # 340 KB as CSV is fine
    assert client.post("/api/v1/stock", data=csv, content_type="text/csv", headers=SERVICE).get_json()["rows"] == 20_000


def test_a_plan_of_100_items_with_huge_ids_gets_a_small_refusal(client):
    items = [{"id": "x" * 150_000, "sku": "FUR-OSLO-3S", "x": 2.0, "z": 1.5} for _ in range(100)]
    for url in ("/api/v1/plans/check", "/api/v1/plans"):
        _refused(client.post(url, json={"room": ROOM, "items": items}), status=413, code="payload_too_large")
    few = [{"id": "x" * 150_000, "sku": "FUR-OSLO-3S", "x": 2.0, "z": 1.5}]
    _refused(client.post("/api/v1/plans", json={"room": ROOM, "items": few}, headers=EN), field="items.0.id")
    many = [{"sku": "FUR-OSLO-3S", "x": 2.0, "z": 1.5}] * 61
    _refused(client.post("/api/v1/plans/check", json={"room": ROOM, "items": many}, headers=EN), field="items")


def test_the_fit_check_answer_stays_bounded(client):
    """60 items in one spot (1,770 overlapping pairs) with the longest ids: the answer lists the first problems."""
    items = [{"id": f"{i:02}".ljust(40, "x"), "sku": "FUR-OSLO-3S", "x": 2.0, "z": 1.5} for i in range(60)]
    answer = client.post("/api/v1/plans/check", json={"room": ROOM, "items": items, "store": "jingan"})
    assert answer.status_code == 200 and answer.get_json()["fits"] is False
    assert len(answer.data) < 100_000


def test_unknown_fields_and_enums(client):
    _refused(client.post("/api/v1/plans/check", json={"room": ROOM, "itemz": []}, headers=EN), field="itemz")
    _refused(
        client.post("/api/v1/handoffs", json={"sender_id": "web-1", "reason": "bored"}, headers={**SERVICE, **EN}),
        field="reason",
    )
    _refused(
        client.get("/api/v1/furniture/fits?width=1&depth=2&lat=31.2", headers=EN), code="missing_field", field="lon"
    )


def test_empty_query_values_mean_not_given(client):
    assert client.get("/api/v1/products?category=&type=").status_code == 200
