"""When the store system is down, slow or failing, every action that asks it still answers: the
domain's ``utter_store_unreachable`` (with the store hotline), in the shopper's language, and no
exception or traceback in the action server.

Checked on each action against a closed loopback port, a server that never answers and one that
fails with an HTML error page; and end to end, with Rasa and the action server started from the
Procfile's lines while nothing listens at STORELENS_API_URL.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from rasa_sdk import Tracker, utils
from rasa_sdk.executor import CollectingDispatcher

import actions.store_api
from actions import booking_actions, coupon_actions, member_actions, repair_actions, stock_actions, support_actions

from . import stack
from .replies import domain, response_text, said

TOKEN = "m" * 43  # a member token; nobody checks it while the store is down


def closed_url() -> str:
    """An API address where nothing listens (a free loopback port)."""
    return f"http://{stack.HOST}:{stack.free_port()}/api/v1"


def tracker(
    text: str = "",
    slots: dict | None = None,
    metadata: dict | None = None,
    events: list | None = None,
    entities: list | None = None,
    loop: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": "inform", "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker(
        "store-down",
        {"lang": "zh", **(slots or {})},
        latest,
        events or [],
        False,
        None,
        {"name": loop} if loop else {},
        "action_listen",
    )


def form_turn(slots: dict, requested: str | None, loop: str, metadata: dict | None = None) -> Tracker:
    """A form's turn: the slots the shopper just gave are the tracker's last events, as Rasa sends them."""
    events = [{"event": "user", "text": "..."}] + [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
    return tracker(slots={**slots, "requested_slot": requested}, metadata=metadata, events=events, loop=loop)


# every action that calls the API, in a state where it does
CASES = {
    "stock form": (
        stock_actions.ValidateStockForm(),
        lambda: form_turn({"product": "豆沙红"}, "product", "stock_form"),
    ),
    "stock answer": (
        stock_actions.CheckStock(),
        lambda: tracker(slots={"product": "SKU:LIP-101", "place": "store:jingan"}),
    ),
    "claim": (
        coupon_actions.ClaimCoupon(),
        lambda: tracker(slots={"coupon_code": "NEW50"}, metadata={"member_token": TOKEN}),
    ),
    "claim, which one": (coupon_actions.ClaimCoupon(), lambda: tracker(metadata={"member_token": TOKEN})),
    "my coupons": (coupon_actions.MyCoupons(), lambda: tracker(metadata={"member_token": TOKEN})),
    "my coupons, no sign-in": (coupon_actions.MyCoupons(), lambda: tracker()),
    "coupon rules": (coupon_actions.CouponRules(), lambda: tracker()),
    "phone typed": (member_actions.PhoneTyped(), lambda: tracker("13800138000")),
    "repair form": (
        repair_actions.ValidateRepairForm(),
        lambda: form_turn({"ticket_id": "R-20417", "phone_last4": "5678"}, "phone_last4", "repair_form"),
    ),
    "member's repairs": (repair_actions.RepairStatus(), lambda: tracker(metadata={"member_token": TOKEN})),
    "service question": (booking_actions.AskService(), lambda: tracker(metadata={"member_token": TOKEN})),
    "booking form": (
        booking_actions.ValidateBookingForm(),
        lambda: form_turn({"service": "makeup"}, "service", "booking_form", {"member_token": TOKEN}),
    ),
    "book": (
        booking_actions.Book(),
        lambda: tracker(slots={"slot_id": 7, "customer_name": "李雷"}, metadata={"member_token": TOKEN}),
    ),
    "cancel": (
        booking_actions.CancelBooking(),
        lambda: tracker(slots={"booking_code": "BK7K2M9Q"}, metadata={"member_token": TOKEN}),
    ),
    "store info": (support_actions.StoreInfo(), lambda: tracker(entities=[{"entity": "store", "value": "静安"}])),
    "a person": (support_actions.HumanHandoff(), lambda: tracker()),
    "lost twice": (
        support_actions.Fallback(),
        lambda: tracker(
            events=[{"event": "user", "text": "??", "parse_data": {"intent": {"name": "nlu_fallback"}}}] * 2
        ),
    ),
}


def run(action, t: Tracker, lang: str = "zh"):
    t.slots["lang"] = lang
    dispatcher = CollectingDispatcher()
    events = asyncio.run(utils.call_potential_coroutine(action.run(dispatcher, t, domain().as_dict())))
    return dispatcher, events


def assert_hotline(dispatcher: CollectingDispatcher, lang: str) -> None:
    assert any(m.get("response") == "utter_store_unreachable" for m in dispatcher.messages), dispatcher.messages
    assert response_text("utter_store_unreachable", lang) in said(dispatcher, lang)
    assert ("热线" if lang == "zh" else "hotline") in said(dispatcher, lang)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_action_answers_with_the_hotline_when_the_store_is_unreachable(monkeypatch, case, lang):
    monkeypatch.setenv("STORELENS_API_URL", closed_url())
    action, make_tracker = CASES[case]
    dispatcher, events = run(action, make_tracker(), lang)  # no exception
    assert_hotline(dispatcher, lang)
    if case.endswith("form"):  # the form stops: nothing kept from this turn, nothing more asked
        slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        assert slots.pop("requested_slot", "missing") is None and set(slots.values()) == {None}


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind((stack.HOST, 0))
        server.listen(16)
        yield f"http://{stack.HOST}:{server.getsockname()[1]}/api/v1"


def test_a_slow_store_counts_as_unreachable(monkeypatch, silent_server):
    monkeypatch.setenv("STORELENS_API_URL", silent_server)
    monkeypatch.setattr(actions.store_api, "TIMEOUT", 0.5)
    started = time.monotonic()
    dispatcher, _ = run(stock_actions.CheckStock(), tracker(slots={"product": "SKU:LIP-101", "place": "store:jingan"}))
    assert_hotline(dispatcher, "zh")
    assert time.monotonic() - started < 5  # one timeout, not one per call


class FailingStore(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's name)
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>502 Bad Gateway</body></html>")

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_server():
    server = ThreadingHTTPServer((stack.HOST, 0), FailingStore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{stack.HOST}:{server.server_address[1]}/api/v1"
    server.shutdown()
    server.server_close()


def test_a_failing_store_counts_as_unreachable(monkeypatch, failing_server):
    monkeypatch.setenv("STORELENS_API_URL", failing_server)
    for action, make_tracker in (CASES["stock answer"], CASES["a person"], CASES["claim"]):
        dispatcher, _ = run(action, make_tracker(), "en")
        assert_hotline(dispatcher, "en")


# --- end to end: Rasa and the action server as the Procfile starts them, the web app gone -----------


@pytest.fixture(scope="module")
def assistant_without_store(tmp_path_factory):
    with stack.assistant_stack(closed_url(), tmp_path_factory.mktemp("rasa-store-down")) as started:
        yield started


def chat(assistant, sender: str, text: str, token: str | None = None, locale: str | None = None) -> str:
    metadata = {**({"member_token": token} if token else {}), **({"locale": locale} if locale else {})}
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    replies = requests.post(assistant.webhook, json=body, timeout=120).json()
    return "\n".join(r.get("text", "") for r in replies)


CONVERSATIONS = {  # sender: turns (text, member token); the last reply must give the hotline
    "down-stock": [("静安店还有豆沙红吗", None)],
    "down-repair": [("维修单R-20417到哪一步了", None), ("5678", None)],
    "down-my-repairs": [("where is my repair", TOKEN)],
    "down-coupons": [("我的券", None)],
    "down-claim": [("领一张新人券", TOKEN)],
    "down-rules": [("can I use my coupon in the store", None)],
    "down-hours": [("徐家汇店几点关门", None)],
    "down-person": [("转人工", None)],
    "down-booking": [("帮我约周六下午三点的化妆咨询", TOKEN)],
    "down-cancel": [("cancel my booking BK7K2M9Q", TOKEN)],
}


def test_the_whole_assistant_answers_with_the_hotline_and_logs_no_traceback(assistant_without_store):
    hotline = {lang: response_text("utter_store_unreachable", lang) for lang in ("zh", "en")}
    for sender, turns in CONVERSATIONS.items():
        for text, token in turns:
            reply = chat(assistant_without_store, sender, text, token)
        assert hotline["zh"] in reply or hotline["en"] in reply, f"{sender}: {reply!r}"
    log = assistant_without_store.logs["actions"].read_text()
    assert "store API unreachable" in log  # the action server did try, and said so in one line
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
    assert "Traceback" not in assistant_without_store.logs["rasa"].read_text()
