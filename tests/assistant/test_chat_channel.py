"""The web chat end to end: the web app's ``/api/v1/chat`` → Rasa (trained model) → action server → store.

Everything runs as `make run` starts it (tests/assistant/stack.py). A greeting offers its tasks as
buttons, a stock question brings a product card built by the web app, a phone's position answers
"near me", a hand-over goes to a store advisor and back, a closed store offers a call-back or a
booking, the chat survives Rasa going down (503 with the hotline, nothing stored, context kept
once it is back), and erasing the chat erases Rasa's tracker events too.
"""

from __future__ import annotations

import sqlite3

import pytest
import requests

from actions.support_actions import opening_label

from . import stack
from .replies import response_text

OPEN_STORE, CLOSED_STORE = "qiantan", "wujiaochang"  # hours set by the tests; put back afterwards


class Shopper:
    """One chat client: keeps the conversation token as the widget keeps it in localStorage."""

    def __init__(self, api: str, locale: str | None = None, member: str | None = None) -> None:
        self.api, self.locale, self.member = api, locale, member
        self.conversation: str | None = None

    def headers(self) -> dict:
        return {
            **({"X-Chat-Conversation": self.conversation} if self.conversation else {}),
            **({"X-Member-Token": self.member} if self.member else {}),
        }

    def post(self, message: str, **fields) -> requests.Response:
        body = {"message": message, **({"locale": self.locale} if self.locale else {}), **fields}
        answer = requests.post(f"{self.api}/chat", json=body, headers=self.headers(), timeout=120)
        if answer.status_code == 200:
            self.conversation = answer.json()["conversation"]
        return answer

    def say(self, message: str, **fields) -> dict:
        answer = self.post(message, **fields)
        assert answer.status_code == 200, answer.text
        chat = answer.json()
        assert chat["messages"][0]["author"] == "shopper" and chat["messages"][0]["text"] == message
        return chat

    def history(self, after: int | None = None) -> dict:
        params = {"after": after} if after is not None else {}
        answer = requests.get(f"{self.api}/chat/history", params=params, headers=self.headers(), timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()


def replies(chat: dict) -> list[dict]:
    return [m for m in chat["messages"] if m["author"] == "assistant"]


def text_of(chat: dict) -> str:
    return "\n".join(m.get("text", "") for m in replies(chat))


@pytest.fixture
def open_store(web_app_folder):
    with stack.store_hours(web_app_folder, OPEN_STORE, "00:00", "23:59"):
        yield OPEN_STORE


@pytest.fixture
def closed_store(web_app_folder):
    # an hour's window on the other half of the day: whenever the test runs, the store is closed
    with stack.store_closed_now(web_app_folder, CLOSED_STORE) as opens:
        yield CLOSED_STORE, opens


@pytest.fixture(scope="module")
def chat_api(web_app, assistant):
    """The web app's API, with Rasa and the action server running behind its chat."""
    return web_app


def test_a_greeting_answers_with_text_and_buttons(chat_api):
    chat = Shopper(chat_api, "zh").say("你好")
    assert chat["state"] == "assistant" and chat["handoff"] is None and chat["conversation"]
    (greeting,) = replies(chat)
    assert greeting["type"] == "text" and greeting["text"] == response_text("utter_greet", "zh")
    assert [b["payload"] for b in greeting["buttons"]] == [
        "/check_stock",
        "/claim_coupon",
        "/repair_status",
        "/book_consultation",
    ]
    assert greeting["buttons"][0]["title"] == "查库存"


def test_answers_come_in_the_language_the_shopper_writes(chat_api):
    shopper = Shopper(chat_api, "en")
    chat = shopper.say("你好")  # Chinese typed on an English page gets Chinese
    assert replies(chat)[0]["text"] == response_text("utter_greet", "zh")
    chat = shopper.say("hello")
    assert replies(chat)[0]["text"] == response_text("utter_greet", "en")
    assert replies(chat)[0]["buttons"][0]["title"] == "Check stock"
    # a greeting button's payload goes back as the message and starts the task
    assert "Which product?" in text_of(shopper.say("/check_stock"))


def test_a_stock_question_brings_a_product_card(chat_api):
    chat = Shopper(chat_api, "zh").say("静安店还有豆沙红吗")
    assert "豆沙红" in text_of(chat) and "公里" in text_of(chat)
    (card,) = [m for m in replies(chat) if m["type"] == "product"]
    product = requests.get(f"{chat_api}/products/LIP-101", timeout=10).json()
    assert card["product"]["sku"] == "LIP-101" and card["product"]["price"] == product["price"]
    assert "/makeup" in card["product"]["try_on_url"]
    assert {m["type"] for m in replies(chat)} <= {"text", "product"}  # nothing unknown shown


def test_near_me_uses_the_phone_position(chat_api):
    jingan = requests.get(f"{chat_api}/stores/jingan", timeout=10).json()
    position = {"lat": jingan["lat"], "lng": jingan["lon"]}
    chat = Shopper(chat_api, "zh").say("附近有豆沙红吗", position=position)
    said = text_of(chat)
    assert "哪家门店或哪个地方" not in said  # the place is not asked: the phone said where
    assert "静安" in said and "（0 公里）" in said and any(m["type"] == "product" for m in replies(chat))


def test_a_person_takes_over_and_hands_back(chat_api, open_store):
    shopper = Shopper(chat_api, "zh")
    chat = shopper.say("我要找人工", store=open_store)
    assert chat["state"] == "advisor"
    handoff = chat["handoff"]
    assert handoff["status"] == "open" and handoff["position"] >= 1
    assert response_text("utter_handed_over", "zh", **handoff) in text_of(chat)
    console = stack.advisor(chat_api, open_store)  # the store's advisor, signed in
    queue = console.get(f"{chat_api}/handoffs", params={"status": "open"}, timeout=10)
    assert handoff["id"] in [h["id"] for h in queue.json()["handoffs"]]

    base = f"{chat_api}/handoffs/{handoff['id']}"
    assert console.post(f"{base}/take", json={}, timeout=10).status_code == 200
    assert console.post(f"{base}/reply", json={"text": "您好，我是小林"}, timeout=10).ok
    later = shopper.history(after=chat["messages"][-1]["id"])
    assert later["state"] == "advisor" and later["handoff"]["advisor"] == "小林"
    assert [m["text"] for m in later["messages"] if m["author"] == "advisor"] == ["您好，我是小林"]
    waiting = shopper.say("好的，我想问口红")  # goes to the advisor, not the assistant
    assert not replies(waiting)

    assert console.post(f"{base}/close", json={}, timeout=10).ok
    assert shopper.history()["state"] == "assistant"
    back = shopper.say("你好")
    assert back["handoff"] is None and text_of(back) == response_text("utter_greet", "zh")


def test_a_closed_store_offers_a_call_back_or_a_booking(chat_api, closed_store, sign_in, new_phone):
    store, opens = closed_store
    shopper = Shopper(chat_api, "en")
    chat = shopper.say("talk to a person", store=store)
    assert chat["state"] == "assistant" and chat["handoff"] is None
    (closed,) = [m for m in replies(chat) if m.get("buttons")]
    assert closed["text"] == response_text("utter_store_closed_now", "en", opens_at=opening_label(opens, "en"))
    assert [b["payload"] for b in closed["buttons"]] == ["/request_callback", "/book_consultation"]

    assert "sign in" in text_of(shopper.say("/request_callback", store=store))  # no member, no call-back

    shopper.member = sign_in(new_phone())
    done = shopper.say("/request_callback", store=store)
    assert text_of(done) == response_text("utter_callback_requested", "en")
    queue = stack.advisor(chat_api, store).get(f"{chat_api}/handoffs", params={"status": "open"}, timeout=10).json()
    assert any(h["reason"] == "callback" and h["phone"] for h in queue["handoffs"])


def test_rasa_down_is_a_503_with_the_hotline_and_the_chat_goes_on_when_it_is_back(chat_api, assistant):
    shopper = Shopper(chat_api, "zh")
    asked = shopper.say("豆沙红还有货吗", store="jingan")  # the chat's store: its number is the hotline
    assert "哪家门店或哪个地方" in text_of(asked)  # the stock form waits for the place
    hotline = requests.get(f"{chat_api}/stores/jingan", timeout=10).json()["phone"]
    assistant.rasa.stop()
    try:
        down = shopper.post("静安")
        assert down.status_code == 503
        error = down.json()["error"]
        assert error["code"] == "assistant_unavailable" and error["retry"] is True
        assert "热线" in error["message"] and hotline in error["message"]
        shopper.locale = "en"
        english = shopper.post("Jing'an").json()["error"]["message"]
        assert "hotline" in english
        shopper.locale = "zh"
        assert shopper.history(after=asked["messages"][-1]["id"])["messages"] == []  # nothing stored
    finally:
        assistant.rasa.start()
    back = shopper.say("静安")  # same conversation: the form still knows the product
    assert back["conversation"] == shopper.conversation and "豆沙红" in text_of(back) and "公里" in text_of(back)


def test_erasing_the_chat_erases_the_assistant_tracker(chat_api, assistant):
    def senders() -> set[str]:
        with sqlite3.connect(assistant.tracker_db) as db:
            return {s for (s,) in db.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE 'chat-%'")}

    before = senders()
    shopper = Shopper(chat_api, "zh")
    shopper.say("你好")
    (sender,) = senders() - before
    erased = requests.delete(f"{chat_api}/chat", headers=shopper.headers(), timeout=30)
    assert erased.status_code == 204
    with sqlite3.connect(assistant.tracker_db) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone() == (0,)
    assert shopper.history()["messages"] == []
