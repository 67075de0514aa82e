"""The chat API with a scripted stand-in for Rasa (tests/fake_assistant.py)."""

import json
import threading
import time
from datetime import datetime

import pytest
from simple_websocket import Client, ConnectionClosed
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from webapp import create_app
from webapp.store import timeutil
from webapp.store.models import ChatMessage, HandoffRequest

from ..conftest import SERVICE_TOKEN, sign_in
from ..fake_assistant import PRODUCT_SKU, fake_assistant
from ..staff_session import add_staff, signed_in

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """Stores are open (hand-overs outside opening hours are refused)."""
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 11, 25, 15, 0))


@pytest.fixture
def rasa(app, client):
    with fake_assistant(service_token=SERVICE_TOKEN, api_client=client) as fake:
        app.config["ASSISTANT_URL"] = fake.base_url
        yield fake


def say(client, message, conversation=None, **extra):
    headers = {**extra.pop("headers", {}), **({"X-Chat-Conversation": conversation} if conversation else {})}
    return client.post("/api/v1/chat", json={"message": message, **extra}, headers=headers)


def test_chat_answers_with_text_buttons_and_a_product_card(client, rasa):
    first = say(client, "你好", locale="zh", store="jingan")
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["state"] == "assistant" and body["handoff"] is None
    shopper, reply = body["messages"]
    assert (shopper["author"], shopper["text"]) == ("shopper", "你好")
    assert reply["author"] == "assistant" and len(reply["buttons"]) == 2
    assert rasa.received[-1]["sender"].startswith("chat-")
    assert rasa.received[-1]["metadata"] == {"lang": "zh", "channel": "web", "store": "jingan"}
    second = say(client, "I want a lipstick", body["conversation"], locale="en").get_json()
    assert second["conversation"] == body["conversation"]
    card = second["messages"][-1]
    assert card["type"] == "product" and card["product"]["sku"] == PRODUCT_SKU
    assert card["product"]["price"] == 260 and card["product"]["name"].startswith("Velvet")
    assert "sku=LIP-101" in card["product"]["try_on_url"] and card["product"]["image"].startswith("data:image/svg")
    history = client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": body["conversation"]}).get_json()
    assert [m["id"] for m in history["messages"]] == [m["id"] for m in body["messages"] + second["messages"]]
    after = client.get(
        f"/api/v1/chat/history?after={shopper['id']}", headers={"X-Chat-Conversation": body["conversation"]}
    ).get_json()
    assert after["messages"][0]["id"] == reply["id"]


def test_bad_messages(client, rasa):
    too_long = say(client, "字" * 1001, headers=EN)
    assert too_long.status_code == 413 and too_long.get_json()["error"]["code"] == "message_too_long"
    assert "1000" in too_long.get_json()["error"]["message"]
    assert say(client, " \n\t ").status_code == 422
    assert say(client, "\x00\x07").status_code == 422
    cleaned = say(client, "he\x00l\x1blo\nthere").get_json()["messages"][0]
    assert cleaned["text"] == "hello\nthere"
    script = "<script>alert(1)</script>"
    stored = say(client, script).get_json()["messages"]
    assert stored[0]["text"] == script and stored[1]["text"] == f"echo: {script}"
    assert say(client, "hi", channel="fax").status_code == 400
    assert not rasa.received or all(r["message"] != "字" * 1001 for r in rasa.received)


def test_rate_limited_per_conversation(app, client, rasa):
    app.config["CHAT_RATE_LIMIT"] = "3 per minute"
    token = say(client, "hi").get_json()["conversation"]
    # the first message came without a conversation (the address's budget); three more with it
    assert [say(client, "hi", token).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_assistant_down_or_slow_is_503_with_the_hotline_and_nothing_stored(app, client, rasa):
    token = say(client, "hi", headers=EN).get_json()["conversation"]
    rasa.stop()
    down = say(client, "still there?", token, headers=EN)
    assert down.status_code == 503
    error = down.get_json()["error"]
    assert error["code"] == "assistant_unavailable" and error["retry"] is True and "021-52981515" in error["message"]
    rasa.start()
    assert say(client, "back?", token).status_code == 200
    app.config["ASSISTANT_TIMEOUT"] = 0.2
    rasa.delay = 1
    assert say(client, "slow?", token).status_code == 503
    texts = [
        m.get("text")
        for m in client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": token}).json["messages"]
    ]
    assert "still there?" not in texts and "slow?" not in texts and "back?" in texts


@pytest.fixture
def advisor(app):
    """Jingan advisor 小王's console session in a browser of their own: (client, CSRF headers)."""
    browser = app.test_client()
    add_staff(app, "xiao.wang", name="小王")
    return browser, signed_in(browser, "xiao.wang")


def test_handoff_sends_messages_to_the_advisor_until_closed(client, rasa, advisor):
    console, staff = advisor
    token = say(client, "hi", store="jingan").get_json()["conversation"]
    handed = say(client, "转人工", token).get_json()
    assert rasa.handoff_answers[-1][0] == 201
    assert handed["state"] == "advisor" and handed["handoff"]["position"] == 1
    asked = len(rasa.received)
    waiting = say(client, "我想问一下退货", token).get_json()
    assert len(rasa.received) == asked and len(waiting["messages"]) == 1
    queue = console.get("/api/v1/handoffs?store=jingan&status=open", headers=staff).get_json()["handoffs"]
    handoff_id = queue[0]["id"]
    assert queue[0]["last_message"]["text"] == "我想问一下退货"
    assert console.post(f"/api/v1/handoffs/{handoff_id}/take", json={}, headers=staff).status_code == 200
    reply = console.post(f"/api/v1/handoffs/{handoff_id}/reply", json={"text": "您好，可以退货"}, headers=staff)
    assert reply.status_code == 201
    history = client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": token}).get_json()
    assert history["handoff"]["advisor"] == "小王"
    assert history["messages"][-1]["author"] == "advisor" and history["messages"][-1]["text"] == "您好，可以退货"
    assert console.post(f"/api/v1/handoffs/{handoff_id}/close", headers=staff).status_code == 200
    again = say(client, "hi", token).get_json()
    assert again["state"] == "assistant" and again["messages"][-1]["author"] == "assistant"


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"ws://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_live_socket_pushes_an_advisor_reply(app, client, rasa, server, advisor):
    console, staff = advisor
    app.config["CHAT_POLL_SECONDS"] = 0.1
    first = say(client, "hi").get_json()
    token = first["conversation"]
    say(client, "人工", token)
    handoff_id = console.get("/api/v1/handoffs", headers=staff).get_json()["handoffs"][0]["id"]
    console.post(f"/api/v1/handoffs/{handoff_id}/take", json={}, headers=staff)
    cursor = client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": token}).json["messages"][-1]["id"]
    ws = Client.connect(f"{server}/api/v1/chat/live")
    try:
        ws.send(json.dumps({"conversation": token, "after": cursor}))
        console.post(f"/api/v1/handoffs/{handoff_id}/reply", json={"text": "在的"}, headers=staff)
        pushed = json.loads(ws.receive(timeout=10))
        assert [m["text"] for m in pushed["messages"]] == ["在的"] and pushed["state"] == "advisor"
    finally:
        ws.close()
    refused = Client.connect(f"{server}/api/v1/chat/live")
    try:
        refused.send("not json")
        assert json.loads(refused.receive(timeout=10))["error"]["code"] == "chat_first_frame"
    finally:
        refused.close()


def _refusal(url: str) -> dict:
    """The error frame a socket over the limit gets. The client library may see the server's close
    before that frame under load (close 1005, nothing read): such a try is made again."""
    for _ in range(3):
        ws = Client.connect(url)
        try:
            frame = ws.receive(timeout=10)
        except ConnectionClosed:
            continue
        return json.loads(frame)["error"]
    raise AssertionError("three sockets over the limit were closed without their refusal")


def test_one_address_keeps_a_bounded_number_of_live_sockets(app, server):
    app.config["CHAT_SOCKETS_PER_CLIENT"] = 2
    held = [Client.connect(f"{server}/api/v1/chat/live") for _ in range(2)]
    time.sleep(0.5)  # each is counted when its handler starts, just after the handshake
    try:
        error = _refusal(f"{server}/api/v1/chat/live?lang=en")
        assert error["code"] == "too_many_chats" and "chat" in error["message"]  # and the server closed it
    finally:
        for ws in held:
            ws.close()


def test_cors_only_for_configured_origins(db_url, models_dir):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "MODELS_DIR": str(models_dir),
            "CHAT_ORIGINS": "https://shop.example.com",
        }
    )
    client = app.test_client()
    allowed = client.options(
        "/api/v1/chat",
        headers={
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Chat-Conversation",
        },
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == "https://shop.example.com"
    assert "x-chat-conversation" in allowed.headers.get("Access-Control-Allow-Headers", "").lower()
    blocked = client.get("/api/v1/chat/history", headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in blocked.headers
    other_api = client.get("/api/v1/stores", headers={"Origin": "https://shop.example.com"})
    assert "Access-Control-Allow-Origin" not in other_api.headers
    app.extensions["store_db"].dispose()


def test_erasure_removes_the_chat_and_the_tracker_events(app, client, rasa, tmp_path):
    tracker = tmp_path / "tracker.db"
    engine = create_engine(f"sqlite:///{tracker}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    app.config["ASSISTANT_TRACKER_URL"] = f"sqlite:///{tracker}"
    token = say(client, "hi").get_json()["conversation"]
    say(client, "人工", token)
    sender = rasa.received[-1]["sender"]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO events (sender_id, data) VALUES (:s, '{}'), ('chat-other', '{}')"), {"s": sender}
        )
    assert client.delete("/api/v1/chat", headers={"X-Chat-Conversation": token}).status_code == 204
    with app.extensions["store_db"].session() as session:
        assert session.scalar(select(func.count()).select_from(ChatMessage)) == 0
        assert session.scalar(select(func.count()).where(HandoffRequest.sender_id == sender)) == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sender_id FROM events")).scalars().all() == ["chat-other"]
    assert client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": token}).get_json()["messages"] == []
    engine.dispose()


def test_member_gets_their_own_conversation_and_erasure_removes_it(client, rasa):
    anonymous = say(client, "hi").get_json()["conversation"]
    member = sign_in(client)
    mine = say(client, "lipstick", anonymous, headers=member).get_json()
    assert rasa.received[-1]["metadata"]["member_token"] == member["X-Member-Token"]
    elsewhere = client.get("/api/v1/chat/history", headers=member).get_json()
    assert [m["id"] for m in elsewhere["messages"]][-3:] == [m["id"] for m in mine["messages"]]
    assert len(elsewhere["messages"]) == 2 + len(mine["messages"])  # the anonymous start came along
    assert client.delete("/api/v1/privacy/me", headers=member).get_json()["deleted_conversations"] == 1
    assert (
        client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": mine["conversation"]}).json["messages"] == []
    )
