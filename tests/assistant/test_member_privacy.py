"""A member's coupons, claims and bookings are for that member's verified sign-in only.

The web app passes the signed-in member's token as message metadata; a phone number typed in
the chat opens nothing. And nothing but Rasa reaches the action server, while Rasa's HTTP API
(trackers) is not open to web pages. Checked on the actions against the real API, end to end
through Rasa's REST channel, and on the servers as the Procfile starts them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_actions, coupon_actions, member_actions

from . import stack
from .fakes import run
from .fakes import tracker as fake_tracker
from .replies import said


def tracker(*args, **kwargs) -> Tracker:
    return fake_tracker(*args, sender="privacy-user", **kwargs)


COUPON_CODE = re.compile(r"(?:券码|code) ([A-Z0-9-]{4,})")


def anonymous_sign_in_url(web_app: str, lang: str = "zh") -> str:
    """The link the API gives when a member's data is asked for without a sign-in."""
    answer = requests.get(
        f"{web_app}/members/me",
        headers={"Authorization": f"Bearer {stack.SERVICE_TOKEN}", "Accept-Language": lang},
        timeout=10,
    )
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "sign_in_required"
    return answer.json()["error"]["sign_in_url"]


def asked_to_sign_in(dispatcher: CollectingDispatcher, web_app: str, lang: str = "zh") -> bool:
    return any(
        m.get("response") == "utter_sign_in" and m.get("sign_in_url") == anonymous_sign_in_url(web_app, lang)
        for m in dispatcher.messages
    )


@pytest.fixture(scope="module")
def victim(api, sign_in, new_phone):
    """A member with an unused coupon that a till would redeem by its code alone."""
    phone = new_phone()
    token = sign_in(phone)
    claimed = api.post("/coupons/claims", {"campaign": "NEW50"}, member=token)
    return {"phone": phone, "token": token, "code": claimed["code"]}


# --- the actions, against the real API -------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "phone slot", "entity"])
def test_my_coupons_without_a_sign_in_asks_to_sign_in(api, web_app, victim, typed):
    text = f"我的券 {victim['phone']}" if typed else "我的券"
    slots = {"phone": victim["phone"]} if typed == "phone slot" else {}
    entities = [{"entity": "phone", "value": victim["phone"]}] if typed == "entity" else []
    dispatcher, events = run(coupon_actions.MyCoupons(), tracker(text, slots, intent="my_coupons", entities=entities))
    assert asked_to_sign_in(dispatcher, web_app)
    assert victim["code"] not in json.dumps(dispatcher.messages, ensure_ascii=False) + json.dumps(events)


def test_a_made_up_token_is_asked_to_sign_in_too(api, web_app, victim):
    dispatcher, _ = run(
        coupon_actions.MyCoupons(), tracker("my coupons", {"lang": "en"}, metadata={"member_token": "x" * 43})
    )
    assert asked_to_sign_in(dispatcher, web_app, "en")
    assert victim["code"] not in json.dumps(dispatcher.messages)


def test_a_signed_in_member_sees_only_their_own_coupons(api, victim, sign_in, new_phone):
    token = sign_in(new_phone())
    mine = api.post("/coupons/claims", {"campaign": "NEW50"}, member=token)["code"]
    dispatcher, events = run(coupon_actions.MyCoupons(), tracker("我的券", metadata={"member_token": token}))
    listed = said(dispatcher)
    assert "您的券（1 张）" in listed and f"券码 {mine}" in listed and victim["code"] not in listed
    assert token not in json.dumps(events)


def test_a_claim_with_a_typed_phone_and_no_sign_in_claims_nothing(api, web_app, sign_in, new_phone):
    phone = new_phone()  # nobody has claimed anything for this number yet
    t = tracker(
        f"领一张新人券，手机{phone}",
        {"phone": phone, "coupon_code": "NEW50"},
        intent="claim_coupon",
        entities=[{"entity": "phone", "value": phone}],
    )
    dispatcher, _ = run(coupon_actions.ClaimCoupon(), t)
    assert asked_to_sign_in(dispatcher, web_app)
    assert not any(m.get("response") == "utter_coupon_claimed" for m in dispatcher.messages)
    assert api.get("/members/me/coupons", member=sign_in(phone))["coupons"] == []


def test_booking_needs_a_sign_in_and_never_asks_for_a_phone(api, web_app, sign_in, new_phone):
    form = booking_actions.ValidateBookingForm()
    domain_slots = ["service", "store", "date_time", "customer_name"]
    anonymous = tracker("帮我约化妆咨询", {"service": "makeup"}, intent="book_consultation")
    assert asyncio.run(form.required_slots(domain_slots, CollectingDispatcher(), anonymous, {})) == []
    slot = api.get("/consultations/slots", service="makeup", store="xintiandi")["slots"][0]
    dispatcher, _ = run(
        booking_actions.Book(), tracker(slots={"slot_id": slot["id"], "customer_name": "王芳", "phone": "13800138000"})
    )
    assert asked_to_sign_in(dispatcher, web_app)
    free = api.get("/consultations/slots", service="makeup", store="xintiandi")["slots"]
    assert {s["id"]: s["available"] for s in free}.get(slot["id"], 0) == slot["available"]  # nothing was booked

    token = sign_in(new_phone())
    signed_in = tracker("帮我约化妆咨询", {"service": "makeup"}, metadata={"member_token": token})
    assert "phone" not in asyncio.run(form.required_slots(domain_slots, CollectingDispatcher(), signed_in, {}))
    dispatcher, events = run(
        booking_actions.Book(),
        tracker(slots={"slot_id": slot["id"], "customer_name": "王芳"}, metadata={"member_token": token}),
    )
    code = next(m for m in dispatcher.messages if m.get("response") == "utter_booked")["code"]
    assert code in json.dumps(api.get("/members/me/bookings", member=token))
    assert token not in json.dumps(events)


def test_the_member_token_is_read_from_the_message_only():
    assert member_actions.member_token(tracker(metadata={"member_token": " abc "})) == "abc"
    assert member_actions.member_token(tracker(slots={"member_token": "from-a-slot"})) is None
    assert member_actions.member_token(tracker(metadata={"member_token": 42})) is None


# --- end to end: Rasa's REST channel → action server → web app --------------------------------


def chat(assistant, sender: str, text: str, token: str | None = None) -> str:
    body = {"sender": sender, "message": text, **({"metadata": {"member_token": token}} if token else {})}
    replies = requests.post(assistant.webhook, json=body, timeout=60).json()
    return "\n".join(r.get("text", "") for r in replies)


def test_chat_my_coupons_without_a_sign_in(assistant, web_app, victim):
    link = anonymous_sign_in_url(web_app)
    for sender, turns in {
        "nosign-zh": ["我的券", victim["phone"], f"看下我手机号{victim['phone']}的券"],
        "nosign-en": ["my coupons", f"my number is {victim['phone']}, show my coupons"],
    }.items():
        for text in turns:
            reply = chat(assistant, sender, text)
            assert victim["code"] not in reply, f"{text!r} revealed a stranger's coupon: {reply!r}"
            assert not COUPON_CODE.search(reply), reply
        assert "登录" in reply or "sign in" in reply
    assert link in chat(assistant, "nosign-link", "我的券")


def test_chat_my_coupons_with_the_members_token(assistant, api, sign_in, new_phone, victim):
    token = sign_in(new_phone())
    mine = api.post("/coupons/claims", {"campaign": "NEW50"}, member=token)["code"]
    reply = chat(assistant, "signed-in", "我的券", token)
    assert mine in reply and victim["code"] not in reply


def test_chat_claim_with_a_typed_phone_claims_nothing(assistant, api, sign_in, new_phone):
    phone = new_phone()
    reply = chat(assistant, "claim-by-phone", f"领一张新人券，手机{phone}")
    assert "领取成功" not in reply and ("登录" in reply)
    chat(assistant, "claim-by-phone", phone)
    assert api.get("/members/me/coupons", member=sign_in(phone))["coupons"] == []


def test_member_tokens_are_not_written_to_the_tracker_store(assistant, sign_in, new_phone):
    token = sign_in(new_phone())
    assert "券码" in chat(assistant, "stored-conversation", "领一张新人券", token)
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = [data for (data,) in db.execute("SELECT data FROM events WHERE sender_id = ?", ("stored-conversation",))]
    assert any(json.loads(data).get("text") == "领一张新人券" for data in rows)  # the conversation is kept
    assert not any(token in data for data in rows)  # but not the member's token


# --- the servers, as the Procfile starts them -------------------------------------------------


def test_rasa_trackers_are_not_open(assistant):
    chat(assistant, "tracker-owner", "我的券")
    origin = {"Origin": "http://elsewhere.example"}
    tracker_url = f"{assistant.rasa_url}/conversations/tracker-owner/tracker"
    read = requests.get(tracker_url, headers=origin, timeout=10)
    assert read.status_code in (401, 403, 404) and "我的券" not in read.text
    written = requests.post(
        f"{tracker_url}/events", json={"event": "slot", "name": "lang", "value": "en"}, headers=origin, timeout=10
    )
    assert written.status_code in (401, 403, 404, 405)
    for answer in (
        read,
        written,
        requests.options(assistant.webhook, headers={**origin, "Access-Control-Request-Method": "POST"}, timeout=10),
    ):
        assert answer.headers.get("Access-Control-Allow-Origin") not in ("*", origin["Origin"])


def test_action_server_wants_rasas_secret(assistant):
    call = {
        "next_action": "action_my_coupons",
        "sender_id": "x",
        "version": "3.6.2",
        "tracker": {"sender_id": "x", "slots": {}, "latest_message": {"text": "我的券"}, "events": []},
        "domain": {},
    }
    for headers in ({}, {"X-Actions-Token": "wrong"}):
        refused = requests.post(f"{assistant.actions_url}/webhook", json=call, headers=headers, timeout=10)
        assert refused.status_code == 403
        assert requests.get(f"{assistant.actions_url}/actions", headers=headers, timeout=10).status_code == 403
    allowed = requests.get(
        f"{assistant.actions_url}/actions", headers={"X-Actions-Token": assistant.actions_token}, timeout=10
    )
    assert allowed.status_code == 200 and {"name": "action_my_coupons"} in allowed.json()


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = b"".join(bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, width, 8))
            ip = ipaddress.ip_address(raw)
            found.add(str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip))
    return found


def machine_addresses() -> list[str]:
    """This machine's own non-loopback addresses (`hostname -I`), if it has any."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [a for a in out.split() if not ipaddress.ip_address(a.split("%")[0]).is_loopback]


@pytest.mark.parametrize("server", ["actions", "rasa"])
def test_servers_listen_on_loopback_only(assistant, server):
    port = int((assistant.actions_url if server == "actions" else assistant.rasa_url).rsplit(":", 1)[1])
    bound = listening_addresses(port)
    assert bound, f"nothing listens on {port}"
    assert all(ipaddress.ip_address(a).is_loopback for a in bound), f"{server} listens on {bound}"
    for address in machine_addresses():  # and it is not reachable on this machine's own addresses
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            assert probe.connect_ex((address.split("%")[0], port)) != 0, f"{server} answers on {address}:{port}"
