"""The whole chain: Rasa (trained model) → action server → web app, over the REST channel.

A Chinese and an English shopper each book a consultation in their own words; the booking
must then exist in the store, through the API. A shade named mid-sentence in Chinese is
understood as the product.
"""
from __future__ import annotations

import re

import pytest
import requests

from . import stack

CODE = re.compile(r"BK[2-9A-HJ-NP-Z]{6}")


@pytest.fixture(scope="module")
def rasa_webhook(web_app, tmp_path_factory):
    with stack.assistant(web_app, tmp_path_factory.mktemp("rasa")) as webhook:
        yield webhook


def say(webhook: str, sender: str, text: str) -> str:
    replies = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60).json()
    return "\n".join(r.get("text", "") for r in replies)


def converse(webhook: str, sender: str, turns: list[tuple[str, str]]) -> str:
    reply = ""
    for text, expected in turns:
        reply = say(webhook, sender, text)
        assert re.search(expected, reply), f"after {text!r} expected /{expected}/, got {reply!r}"
    return reply


def test_chinese_booking(rasa_webhook, api):
    last = converse(rasa_webhook, "e2e-zh", [
        ("帮我约周六下午三点的化妆咨询", "哪家门店"),
        ("静安", "怎么称呼"),
        ("李雷", "手机号"),
        ("13812345678", "确认号"),
    ])
    booking = api.get(f"/bookings/{CODE.search(last).group(0)}")
    assert booking["service"]["code"] == "makeup" and booking["store"]["code"] == "jingan"
    assert booking["slot"]["starts_at"][11:16] == "15:00" and booking["name"] == "李雷"


def test_english_booking(rasa_webhook, api):
    last = converse(rasa_webhook, "e2e-en", [
        ("book a makeup consultation at Xujiahui tomorrow 3pm", "name"),
        ("Lucy", "mobile number"),
        ("13912345678", "confirmation code"),
    ])
    booking = api.get(f"/bookings/{CODE.search(last).group(0)}")
    assert booking["store"]["code"] == "xujiahui" and booking["slot"]["starts_at"][11:16] == "15:00"
    assert booking["phone"] == "13912345678"


def test_chinese_stock_question_names_the_shade_mid_sentence(rasa_webhook):
    # jieba alone splits 买奶咖 as 买奶 | 咖; the catalog dictionary keeps the shade whole
    converse(rasa_webhook, "e2e-stock", [
        ("想去店里买奶咖，有货吗", "哪家门店或哪个地方"),  # the product is known; only the place is asked
        ("静安", "奶咖"),
    ])
