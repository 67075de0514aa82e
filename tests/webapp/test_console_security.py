"""A sweep over every advisor-console page and every staff endpoint of the OpenAPI description: each
refuses anonymous callers, a wrong CSRF token, a disabled account and an advisor of another store."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from webapp.store import chat, coupons, handoffs, staff
from webapp.store.models import Store
from webapp.text import translate

from ..conftest import SERVICE, sign_in
from ..staff_session import add_staff, post_sign_in, signed_in

PHONE = "13800138000"
CHANGES = ("POST", "PUT", "PATCH", "DELETE")
# staff endpoints with no store to keep: brand-wide data
BRAND_WIDE = {
    ("POST", "/api/v1/coupons/claims"),  # coupons hold in every store
    ("GET", "/api/v1/members/{phone}/coupons"),
    ("GET", "/api/v1/coupons/claims/{code}"),  # looked up at any counter; redeemed only at the advisor's own
    ("POST", "/api/v1/furniture/imports"),  # the brand's catalog
}


@dataclass
class World:
    coupon: str
    booking: str
    handoff: int


@pytest.fixture
def world(app, client, monkeypatch) -> World:
    """A jingan advisor and manager, a lujiazui advisor, and jingan's coupon redemption, booking and hand-over."""
    monkeypatch.setattr(handoffs, "is_open", lambda store, now: True)
    add_staff(app, "li.na")
    add_staff(app, "boss", role="store_manager", name="周店长")
    add_staff(app, "far", "lujiazui", name="远方")
    with app.extensions["store_db"].session() as session:
        coupon = coupons.claim(session, "STORE100", PHONE)["code"]
        shop = session.scalar(select(Store).where(Store.code == "jingan"))
        sender = chat.sender_id(chat.open_conversation(session, store=shop))
    handoff = client.post("/api/v1/handoffs", json={"sender_id": sender}, headers=SERVICE).get_json()["id"]
    member = sign_in(client, "13700137000")
    slot = client.get("/api/v1/consultations/slots?service=makeup&store=jingan").get_json()["slots"][0]
    booking = client.post("/api/v1/bookings", json={"slot_id": slot["id"], "name": "韩梅梅"}, headers=member)
    return World(coupon, booking.get_json()["code"], handoff)


def staff_endpoints(client) -> set[tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and any("staffSession" in s for s in operation.get("security", []))
    }


def concrete(path: str, world: World) -> str:
    values = {
        "phone": PHONE,
        "ticket_id": "R-20417",
        "action": "check_in",
        "handoff_id": str(world.handoff),
        "code": world.booking if path.startswith("/api/v1/bookings") else world.coupon,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def other_store_calls(world: World) -> dict[tuple[str, str], tuple[str, dict | None]]:
    """Each store-scoped staff endpoint, called on jingan's data: (url, JSON body)."""
    handoff = f"/api/v1/handoffs/{world.handoff}"
    return {
        ("POST", "/api/v1/coupons/redeem"): (
            "/api/v1/coupons/redeem",
            {"code": world.coupon, "store": "jingan", "order_amount": 900},
        ),
        ("GET", "/api/v1/coupons/redemptions"): ("/api/v1/coupons/redemptions?store=jingan", None),
        ("GET", "/api/v1/repairs"): ("/api/v1/repairs?store=jingan", None),
        ("POST", "/api/v1/repairs/{ticket_id}/events"): ("/api/v1/repairs/R-20417/events", {"status": "repairing"}),
        ("POST", "/api/v1/bookings/{code}/staff/{action}"): (f"/api/v1/bookings/{world.booking}/staff/check_in", {}),
        ("PUT", "/api/v1/bookings/{code}/notes"): (f"/api/v1/bookings/{world.booking}/notes", {"notes": "x"}),
        ("GET", "/api/v1/handoffs/{handoff_id}"): (handoff, None),
        ("POST", "/api/v1/handoffs/{handoff_id}/take"): (handoff + "/take", {}),
        ("POST", "/api/v1/handoffs/{handoff_id}/reply"): (handoff + "/reply", {"text": "hi"}),
        ("POST", "/api/v1/handoffs/{handoff_id}/close"): (handoff + "/close", {}),
        ("GET", "/api/v1/handoffs"): ("/api/v1/handoffs?store=jingan", None),
    }


CLAIM = {"campaign": "STORE100", "phone": PHONE}  # a phone makes a claim a staff act


def call(client, method: str, url: str, headers: dict | None = None, body: dict | None = CLAIM):
    return client.open(url, method=method, headers=headers or {}, json=body if method in CHANGES else None)


def test_every_staff_endpoint_is_classified_for_the_store_scope(client, world):
    assert staff_endpoints(client) == set(other_store_calls(world)) | BRAND_WIDE


def test_every_staff_endpoint_refuses_anonymous_callers(client, world):
    for method, path in sorted(staff_endpoints(client)):
        answer = call(client, method, concrete(path, world) + "?lang=en")
        assert answer.status_code == 401, (method, path, answer.get_json())


def test_every_staff_change_refuses_a_wrong_csrf_token(client, world):
    signed_in(client, "boss")
    for method, path in sorted(staff_endpoints(client)):
        if method not in CHANGES:
            continue
        answer = call(client, method, concrete(path, world), {"X-CSRFToken": "forged"})
        assert answer.status_code == 400, (method, path)
        assert answer.get_json()["error"]["code"] == "csrf_failed", (method, path)


def test_a_disabled_accounts_session_is_refused_everywhere(client, app, world):
    headers = signed_in(client, "li.na")
    with app.extensions["store_db"].session() as session:
        staff.disable(session, "li.na")
    for method, path in sorted(staff_endpoints(client)):
        answer = call(client, method, concrete(path, world), headers)
        assert answer.status_code == 401, (method, path)
    for rule in console_rules(app):
        if rule.endpoint == "console.sign_out":
            continue
        answer = client.open(fill(rule.rule), method="POST" if "GET" not in rule.methods else "GET", headers=headers)
        assert answer.status_code in (302, 401), rule.rule


def test_an_advisor_of_another_store_is_refused_and_nothing_changes(client, app, world):
    headers = signed_in(client, "far")
    for (method, path), (url, body) in other_store_calls(world).items():
        answer = call(client, method, url + ("&" if "?" in url else "?") + "lang=en", headers, body)
        assert answer.status_code == 403, (method, path, answer.get_json())
        assert answer.get_json()["error"]["code"] == "staff_wrong_store", (method, path)
    own = app.test_client()
    own_headers = signed_in(own, "li.na")
    assert own.get(f"/api/v1/coupons/claims/{world.coupon}", headers=own_headers).get_json()["status"] == "claimed"
    assert own.get(f"/api/v1/handoffs/{world.handoff}", headers=own_headers).get_json()["status"] == "open"
    for form in (("/advisor/repairs/R-20417", {"status": "repairing"}),):
        refused = client.post(form[0] + "?lang=en", data=form[1] | {"csrf_token": headers["X-CSRFToken"]})
        assert refused.status_code == 403 and "only act for your own store" in refused.get_data(as_text=True)


def console_rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/advisor") and r.endpoint != "console.sign_in"]


def fill(rule: str) -> str:
    return re.sub(
        r"<(?:\w+:)?(\w+)>", lambda m: {"ticket_id": "R-20417", "username": "li.na"}.get(m.group(1), "x1"), rule
    )


def test_every_console_page_refuses_anonymous_callers(client, app):
    for rule in console_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(fill(rule.rule), method=method)
            if rule.endpoint == "console.sign_out":  # signing out without a session changes nothing
                assert answer.status_code == 400
            elif answer.status_code == 302:
                assert answer.headers["Location"].startswith("/advisor/login"), rule.rule
            else:
                assert answer.status_code == 401, (method, rule.rule)


def test_every_console_form_refuses_a_wrong_csrf_token(client, app, world):
    signed_in(client, "boss")
    for rule in console_rules(app):
        if "POST" not in rule.methods or rule.endpoint == "console.sign_out":
            continue
        answer = client.post(fill(rule.rule) + "?lang=en", data={"csrf_token": "forged", "status": "repairing"})
        assert answer.status_code in (400, 422), rule.rule  # a form page may answer with the form again
        assert translate("csrf_failed", "en") in answer.get_data(as_text=True).replace("&#39;", "'"), rule.rule
    assert client.post("/advisor/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/advisor/").status_code == 200  # still signed in


def test_the_session_cookie_is_secure_http_only_and_same_site(client, world):
    answer = post_sign_in(client, "li.na")
    cookie = answer.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax")), cookie


def test_names_notes_and_chat_render_as_text_on_console_pages(client, app, world):
    attack = '<img src=x onerror="alert(1)">'
    add_staff(app, "evil.one", name=attack)
    headers = signed_in(client, "evil.one")
    note = {"csrf_token": headers["X-CSRFToken"], "status": "repairing", "note_zh": attack, "note_en": attack}
    assert client.post("/advisor/repairs/R-20417", data=note).status_code == 302
    assert client.post(f"/api/v1/handoffs/{world.handoff}/take", json={}, headers=headers).status_code == 200
    reply = client.post(f"/api/v1/handoffs/{world.handoff}/reply", json={"text": attack}, headers=headers)
    assert reply.status_code == 201
    for page in ("/advisor/", "/advisor/till", "/advisor/repairs", "/advisor/inbox"):
        text = client.get(page).get_data(as_text=True)
        assert "<img src=x" not in text, page
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text or "\\u003cimg" in text, page
