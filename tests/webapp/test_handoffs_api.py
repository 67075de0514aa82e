"""The advisor's side of a hand-over: the store's queue, taking, replying, closing."""

from datetime import datetime

import pytest
from sqlalchemy import select

from webapp.store import timeutil
from webapp.store.models import ChatConversation

from ..conftest import SERVICE, sign_in
from ..staff_session import add_staff, signed_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": datetime(2026, 11, 25, 15, 0)}
    monkeypatch.setattr(timeutil, "now", lambda: moment["now"])
    return moment


def chat_sender(client) -> str:
    """A chat of the jingan store, as the widget opens one (the fake assistant is not needed for this)."""
    client.application.config["ASSISTANT_URL"] = "http://127.0.0.1:9"  # nothing listens: the turn is refused
    answer = client.post("/api/v1/chat", json={"message": "hi", "store": "jingan"})
    assert answer.status_code == 503
    with client.application.extensions["store_db"].session() as session:
        public_id = session.scalar(select(ChatConversation.public_id).order_by(ChatConversation.id.desc()))
    return f"chat-{public_id}"


def test_staff_work_through_the_queue(app, client, clock, staff_headers):
    li_na = staff_headers  # on ``client``; 王芳 of the same store on a browser of her own
    other = app.test_client()
    add_staff(app, "wang.fang", name="王芳")
    wang_fang = signed_in(other, "wang.fang")
    sender = chat_sender(client)
    created = client.post("/api/v1/handoffs", json={"sender_id": sender, "reason": "asked"}, headers=SERVICE)
    assert created.status_code == 201 and created.get_json()["store"] == "jingan"
    handoff_id = created.get_json()["id"]
    assert client.get("/api/v1/handoffs?store=jingan", headers=li_na).get_json()["handoffs"][0]["id"] == handoff_id
    assert client.get("/api/v1/handoffs?store=jingan", headers=SERVICE).status_code == 403
    assert client.post(f"/api/v1/handoffs/{handoff_id}/reply", json={"text": "hi"}, headers=li_na).status_code == 409
    taken = client.post(f"/api/v1/handoffs/{handoff_id}/take", json={}, headers=li_na)
    assert taken.status_code == 200 and taken.get_json()["advisor"] == "李娜"
    second = other.post(f"/api/v1/handoffs/{handoff_id}/take", json={}, headers={**wang_fang, **EN})
    assert second.status_code == 409 and "李娜" in second.get_json()["error"]["message"]
    not_yours = other.post(f"/api/v1/handoffs/{handoff_id}/reply", json={"text": "hi"}, headers=wang_fang)
    assert not_yours.status_code == 403 and not_yours.get_json()["error"]["code"] == "handoff_not_yours"
    assert client.post(f"/api/v1/handoffs/{handoff_id}/reply", json={"text": "hello"}, headers=li_na).status_code == 201
    detail = client.get(f"/api/v1/handoffs/{handoff_id}", headers=li_na).get_json()
    assert [m["author"] for m in detail["transcript"]] == ["system", "advisor"]
    assert client.get("/api/v1/handoffs?store=jingan&status=taken", headers=li_na).get_json()["handoffs"]
    assert client.post(f"/api/v1/handoffs/{handoff_id}/close", headers=li_na).status_code == 200
    assert client.post(f"/api/v1/handoffs/{handoff_id}/close", headers=li_na).status_code == 409
    assert client.get("/api/v1/handoffs/99999", headers=li_na).status_code == 404
    assert client.get("/api/v1/handoffs/abc", headers=li_na).status_code == 400


def test_closed_store_offers_a_call_back(client, clock, staff_headers):
    sender = chat_sender(client)
    clock["now"] = datetime(2026, 11, 25, 23, 0)
    closed = client.post("/api/v1/handoffs", json={"sender_id": sender}, headers={**SERVICE, **EN})
    assert closed.status_code == 409
    error = closed.get_json()["error"]
    assert (error["code"], error["opens_at"]) == ("store_closed", "2026-11-26T10:00:00+08:00")
    assert "at 10:00 tomorrow" in error["message"]
    body = {"sender_id": sender, "reason": "callback"}
    assert client.post("/api/v1/handoffs", json=body, headers=SERVICE).status_code == 401
    member = sign_in(client, "13655550177")
    callback = client.post("/api/v1/handoffs", json=body, headers={**SERVICE, **member})
    assert callback.status_code == 201 and callback.get_json()["phone"] == "136****0177"
    listed = client.get("/api/v1/handoffs?store=jingan", headers=staff_headers).get_json()["handoffs"]
    assert listed[0]["phone"] == "136****0177" and listed[0]["reason"] == "callback"
    with client.application.extensions["store_db"].session() as session:  # until someone takes the call-back,
        state = session.scalar(select(ChatConversation.state).where(ChatConversation.public_id == sender[5:]))
    assert state == "assistant"  # the assistant still answers the chat
    client.post(f"/api/v1/handoffs/{callback.get_json()['id']}/take", json={}, headers=staff_headers)
    with client.application.extensions["store_db"].session() as session:
        state = session.scalar(select(ChatConversation.state).where(ChatConversation.public_id == sender[5:]))
    assert state == "advisor"


def test_chat_and_handoff_routes_are_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/chat", "/api/v1/chat/history", "/api/v1/handoffs/{handoff_id}/take"} <= set(paths)
    assert "/api/v1/chat/live" not in paths  # a WebSocket, not a JSON operation
