"""Member sign-in by SMS code over HTTP, what only a verified member may see, erasure, and headers."""

import re

import pytest

from webapp import create_app

from ..conftest import PUBLIC_URL, sign_in
from ..staff_session import add_staff, signed_in

LOOK = {"consent": True, "items": [{"sku": "LIP-101"}]}


def test_sign_in_by_sms_code(client):
    sent = client.post("/api/v1/auth/codes", json={"phone": "136 5555 0123"})
    assert sent.status_code == 202 and sent.get_json()["resend_after"] == 60
    code = client.application.extensions["sms_outbox"]["13655550123"]
    wrong = client.post("/api/v1/auth/codes/verify?lang=en", json={"phone": "13655550123", "code": "x"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "sign_in_code_invalid"
    signed_in = client.post("/api/v1/auth/codes/verify", json={"phone": "13655550123", "code": code}).get_json()
    me = client.get("/api/v1/members/me", headers={"X-Member-Token": signed_in["member_token"]})
    assert me.get_json()["phone"] == "136****0123"


def test_member_data_needs_a_verified_sign_in(client):
    refused = client.post(
        "/api/v1/looks?lang=en", json={**LOOK, "phone": "13655550123"}, headers={"Host": "evil.example"}
    )
    error = refused.get_json()["error"]
    assert refused.status_code == 401 and error["code"] == "sign_in_required"
    assert error["sign_in_url"] == PUBLIC_URL + "/account/sign-in?lang=en"  # never the request's Host
    for method, path in (
        ("get", "/api/v1/looks"),
        ("get", "/api/v1/members/me/coupons"),
        ("delete", "/api/v1/privacy/me"),
    ):
        assert getattr(client, method)(path, headers={"X-Member-Token": "guessed-" + "x" * 30}).status_code == 401


def test_a_phone_number_cannot_bind_or_lock_out_another_member(client):
    owner = sign_in(client, "13655550123")
    assert client.post("/api/v1/looks", json=LOOK, headers=owner).status_code == 201
    # someone else typing the owner's number gets nothing: no lock-out, no hint that looks exist
    assert client.post("/api/v1/looks", json={**LOOK, "phone": "13655550123"}).status_code == 401
    assert len(client.get("/api/v1/looks", headers=owner).get_json()["looks"]) == 1


def test_my_coupons_are_the_signed_in_members_only(app, client, member):
    counter = app.test_client()  # staff at the counter claim for another shopper, by phone
    add_staff(app, "li.na")
    claimed = counter.post(
        "/api/v1/coupons/claims",
        json={"campaign": "NEW50", "phone": "13800138001"},
        headers=signed_in(counter, "li.na"),
    )
    assert claimed.status_code == 201
    assert client.get("/api/v1/members/me/coupons", headers=member).get_json() == {"coupons": []}


def test_erasure_signs_out_and_forgets_the_phone(client, member):
    assert client.post("/api/v1/looks", json=LOOK, headers=member).status_code == 201
    erased = client.delete("/api/v1/privacy/me", headers=member).get_json()
    assert erased["deleted_looks"] == 1 and erased["signed_out"] is True
    assert client.get("/api/v1/members/me", headers=member).status_code == 401
    fresh = sign_in(client, "13655550123")  # the number can sign up again, with nothing attached
    assert client.get("/api/v1/looks", headers=fresh).get_json()["looks"] == []


def test_code_requests_are_rate_limited_per_client(client):
    answers = [client.post("/api/v1/auth/codes", json={"phone": f"1365555{i:04d}"}) for i in range(6)]
    assert [a.status_code for a in answers] == [202] * 5 + [429]
    assert answers[-1].get_json()["error"]["code"] == "rate_limited" and int(answers[-1].headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["/", "/makeup", "/planner", "/furniture/FUR-OSLO-3S", "/account/sign-in", "/api/v1/stores"]
)
def test_security_headers_and_no_inline_script(client, path):
    answer = client.get(path)
    csp = answer.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'self'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=(self)" in answer.headers["Permissions-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", answer.get_data(as_text=True)):
        # code only from files; inline blocks are JSON data or the nonce-carrying import map
        assert "src=" in tag or 'type="application/json"' in tag or re.search(r'nonce="[^"]+"', tag), tag


def test_no_secret_key_no_start(tmp_path):
    with pytest.raises(RuntimeError, match="STORELENS_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
