"""The whole chain: Rasa (trained model) → action server → web app, over the REST channel.

A Chinese and an English shopper, each signed in (the web app sends the member token as
message metadata), book a consultation in their own words without being asked for a phone;
the booking must then exist in the store for that member, through the API. A shade named
mid-sentence in Chinese is understood as the product. A repair is looked up for a signed-in
member without digits, and by ticket id and digits for anyone else, the store judging them.
"""

from __future__ import annotations

import re

import pytest
import requests

CODE = re.compile(r"BK[2-9A-HJ-NP-Z]{6}")


@pytest.fixture(scope="module")
def rasa_webhook(assistant):
    return assistant.webhook


def say(webhook: str, sender: str, text: str, token: str | None = None) -> str:
    body = {"sender": sender, "message": text, **({"metadata": {"member_token": token}} if token else {})}
    replies = requests.post(webhook, json=body, timeout=60).json()
    return "\n".join(r.get("text", "") for r in replies)


def converse(webhook: str, sender: str, turns: list[tuple[str, str]], token: str | None = None) -> str:
    reply = ""
    for text, expected in turns:
        reply = say(webhook, sender, text, token)
        assert re.search(expected, reply), f"after {text!r} expected /{expected}/, got {reply!r}"
        assert not re.search("手机号|mobile number|phone number", reply), f"asked for a phone: {reply!r}"
    return reply


def test_chinese_booking(rasa_webhook, api, sign_in, new_phone):
    token = sign_in(new_phone())
    last = converse(
        rasa_webhook,
        "e2e-zh",
        [
            ("帮我约周六下午三点的化妆咨询", "哪家门店"),
            ("静安", "怎么称呼"),
            ("李雷", "确认号"),
        ],
        token,
    )
    code = CODE.search(last).group(0)
    booking = api.get(f"/bookings/{code}", member=token)
    assert booking["service"]["code"] == "makeup" and booking["store"]["code"] == "jingan"
    assert booking["slot"]["starts_at"][11:16] == "15:00" and booking["name"] == "李雷"
    assert code in str(api.get("/members/me/bookings", member=token))


def test_english_booking(rasa_webhook, api, sign_in, new_phone):
    token = sign_in(new_phone())
    last = converse(
        rasa_webhook,
        "e2e-en",
        [
            ("book a makeup consultation at Xujiahui tomorrow 3pm", "name"),
            ("Lucy", "confirmation code"),
        ],
        token,
    )
    code = CODE.search(last).group(0)
    booking = api.get(f"/bookings/{code}", member=token)
    assert booking["store"]["code"] == "xujiahui" and booking["slot"]["starts_at"][11:16] == "15:00"
    assert code in str(api.get("/members/me/bookings", member=token))


def test_an_answer_the_booking_cannot_use_is_not_understood_once_and_the_booking_goes_on(
    rasa_webhook, sign_in, new_phone
):
    token = sign_in(new_phone())
    sender = "e2e-unusable-answer"
    converse(rasa_webhook, sender, [("book a makeup consultation at Qiantan", "When would you like to come")], token)
    reply = say(rasa_webhook, sender, "Lucy", token)  # a name where the time is asked
    assert reply.count("another way") == 1, reply  # said once, then the assistant waits (it looped before)
    converse(rasa_webhook, sender, [("tomorrow 4pm", "name"), ("Lucy", "confirmation code")], token)
    sender = "e2e-unusable-answer-zh"  # a Chinese name the NLU does not understand at all
    converse(rasa_webhook, sender, [("帮我约前滩店的化妆咨询", "想约什么时间")], token)
    assert say(rasa_webhook, sender, "李雷", token).count("换个说法") == 1
    converse(rasa_webhook, sender, [("明天下午四点", "怎么称呼|确认号")], token)


def test_booking_before_signing_in_asks_to_sign_in_first(rasa_webhook):
    reply = say(rasa_webhook, "e2e-anonymous", "帮我约周六下午三点的化妆咨询")
    assert "登录" in reply and "哪家门店" not in reply and not CODE.search(reply)


def test_chinese_stock_question_names_the_shade_mid_sentence(rasa_webhook):
    # jieba alone splits 买奶咖 as 买奶 | 咖; the catalog dictionary keeps the shade whole
    converse(
        rasa_webhook,
        "e2e-stock",
        [
            ("想去店里买奶咖，有货吗", "哪家门店或哪个地方"),  # the product is known; only the place is asked
            ("静安", "奶咖"),
        ],
    )


def test_a_signed_in_member_asks_about_a_repair_without_giving_digits(rasa_webhook, owner_token):
    reply = say(rasa_webhook, "e2e-member-repair", "我的维修到哪一步了", owner_token)
    assert "维修单 R-20417" in reply and "后 4 位" not in reply


def test_a_shopper_without_a_sign_in_gives_ticket_and_digits(rasa_webhook):
    converse(
        rasa_webhook,
        "e2e-anonymous-repair",
        [
            ("where is my repair R-20417", "last 4 digits"),
            ("1111", "(?s)not right.*ticket number"),  # the store's answer, then the ticket asked again
            ("R-20417", "last 4 digits"),
            ("5678", "Ticket R-20417.*awaiting parts"),
        ],
    )
