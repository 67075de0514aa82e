"""How shoppers really write: 繁體 read like simplified (the NLU's OpenCC step), replies in the script
the shopper wrote in, and store details (phone, address, holiday hours, parking) from the store data.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

import pytest
import requests
from cantonese import RULES, to_mandarin
from components.chinese_normalizer import normalize
from components.entity_spans import tidy
from components.language_policy import LanguagePolicy, language_events
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher
from script import script_of, to_simplified, to_traditional
from script_nlg import ScriptAwareNLG

from actions import stock_actions, support_actions
from actions.common import relay
from actions.store_api import ApiError
from actions.timeparse import parse as parse_time

from .fakes import run, tracker
from .replies import domain, responses, said


def test_traditional_text_is_read_as_simplified_and_keeps_its_offsets():
    text = "請問靜安店還有豆沙紅嗎"
    message = Message(
        data={"text": text, "entities": [{"entity": "product", "start": 7, "end": 10, "value": "豆沙紅"}]}
    )
    normalize(message)
    assert message.get("text") == "请问静安店还有豆沙红吗" and len(message.get("text")) == len(text)
    assert message.get("entities")[0]["value"] == "豆沙红"  # what the catalog search and synonyms know
    assert message.as_dict(only_output_properties=True)["script"] == "hant"
    simplified = Message(data={"text": "单号R-20417维修进度"})
    normalize(simplified)
    assert simplified.get("text") == "单号R-20417维修进度" and simplified.get("script") == "hans"
    english = Message(data={"text": "is the oslo in stock"})
    normalize(english)
    assert english.get("script") is None


def test_entity_spans_leave_out_spaces():
    def found(start, end, text):
        return {"entity": "product", "start": start, "end": end, "value": text, "extractor": "DIETClassifier"}

    text = "need rose bean lipstick"
    assert tidy(text, [found(5, 9, "rose"), found(10, 14, "bean")]) == [found(5, 14, "rose bean")]
    assert tidy("looking for Plum near", [found(12, 17, "Plum ")]) == [found(12, 16, "Plum")]
    mapped = {"entity": "service", "start": 0, "end": 4, "value": "makeup", "extractor": "DIETClassifier"}
    assert tidy("化妆咨询", [mapped]) == [mapped]  # a synonym's value is not a span to trim


def test_script_of_a_message():
    assert script_of("門市幾點開") == "hant"
    assert script_of("门店几点开") == "hans"
    assert script_of("这个lipstick有货吗") == "hans"
    assert script_of("88") is None and script_of("👍") is None
    assert to_traditional(to_simplified("維修進度")) == "維修進度"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("豆沙色仲有冇", "豆沙色还有没"),  # Hong Kong 繁體 and Cantonese words at once
        ("係呀，冇錯", "是呀，没错"),
        ("唔係喎", "不是㖞"),  # OpenCC writes 喎 as 㖞
        ("奧斯陸沙發喺前灘睇唔睇到", "奥斯陆沙发在前滩看不看到"),
        ("我揸車過嚟，架車泊邊度", "我开车过来，架车停哪里"),
        ("聽日個約我嚟唔到喇", "明天个约我来不到喇"),
        ("你系咪真人", "你是不真人"),  # Cantonese typed in simplified characters
        ("唔該晒", "谢谢晒"),  # thanks, not 不该
        ("我想联系客服，这跟系统有关系", "我想联系客服，这跟系统有关系"),  # Mandarin 系 words stay
        ("那边还有吗", "那边还有吗"),
    ],
)
def test_written_cantonese_is_read_as_mandarin_of_the_same_length(written, read):
    message = Message(data={"text": written})
    normalize(message)
    assert message.get("text") == read and len(read) == len(written)


def test_every_cantonese_rule_keeps_the_length():
    for pattern, replacement in RULES:
        word = re.sub(r"\(\?.*?\)", "", pattern).split("|")[0]  # the rule's word without its context
        assert len(word) == len(replacement) == len(to_mandarin(word)), pattern


def test_a_cantonese_time_is_understood():
    assert parse_time("聽日下午三點", datetime(2026, 11, 25, 9, 30)).start == datetime(2026, 11, 26, 15, 0)


def render(name: str, lang: str, script: str | None, **values) -> dict:
    nlg = ScriptAwareNLG(domain=domain())
    events = [SlotSet("lang", lang), SlotSet("script", script)]
    state = DialogueStateTracker.from_events("render", events, slots=domain().slots)
    return asyncio.run(nlg.generate(name, state, "rest", **values))


def test_replies_come_back_in_the_shoppers_script():
    hant = render("utter_greet", "zh", "hant")
    assert hant["text"].startswith("您好！我是瀾悅門店助手") and "預約" in hant["text"]
    assert [b["title"] for b in hant["buttons"]][:2] == ["查庫存", "領優惠券"]
    assert hant["buttons"][0]["payload"] == "/check_stock"  # payloads are not the shopper's words
    assert render("utter_greet", "zh", "hans")["text"].startswith("您好！我是澜悦门店助手")
    assert render("utter_greet", "en", "hant")["text"].startswith("Hi! I'm the LANYUE")
    filled = render(
        "utter_store_phone",
        "zh",
        "hant",
        store="澜悦 静安嘉里中心店",
        phone="021-52981515",
        opens="10:00",
        closes="22:00",
    )
    assert filled["text"] == "瀾悅 靜安嘉里中心店：電話 021-52981515（營業 10:00–22:00）"


def test_the_stores_own_messages_come_back_in_the_shoppers_script():
    dispatcher = CollectingDispatcher()
    relay(dispatcher, ApiError(409, "slot_in_past", "这个时间已经过去了，换一个吧。"))
    [message] = dispatcher.messages
    assert message["response"] == "utter_store_says"
    shown = render(message["response"], "zh", "hant", message=message["message"])
    assert shown["text"] == "這個時間已經過去了，換一個吧。"
    assert render("utter_store_says", "en", "hant", message="That time has passed.")["text"] == "That time has passed."


def said_by(text: str, written: str | None = None, metadata: dict | None = None, **slots) -> DialogueStateTracker:
    """A conversation whose latest message is ``text``, in the script ``written`` as the NLU's OpenCC step
    marks it, with ``slots`` set before."""
    parse = {"intent": {"name": "greet"}, "entities": [], **({"script": written} if written else {})}
    events = [SlotSet(name, value) for name, value in slots.items()]
    events.append(UserUttered(text, parse_data=parse, metadata=metadata or {}))
    return DialogueStateTracker.from_events("shopper", events, slots=domain().slots)


def slots_set(tracker: DialogueStateTracker) -> dict:
    return {event.key: event.value for event in language_events(tracker)}


def test_the_script_follows_the_shopper():
    assert slots_set(said_by("請問靜安店還有豆沙紅嗎", "hant")) == {"lang": "zh", "script": "hant"}
    assert slots_set(said_by("88", lang="zh", script="hant")) == {}  # no Chinese: keeps writing 繁體
    assert slots_set(said_by("静安店几点关门", "hans", lang="zh", script="hant")) == {"script": "hans"}


def test_the_language_follows_the_message_then_the_conversation_then_the_page():
    assert slots_set(said_by("is the Oslo sofa in stock", metadata={"lang": "zh"})) == {"lang": "en"}
    assert slots_set(said_by("88", metadata={"lang": "en", "channel": "web"})) == {"lang": "en"}
    assert slots_set(said_by("88", metadata={"lang": "en"}, lang="zh")) == {}  # the conversation's own
    assert slots_set(said_by("5678", metadata={"locale": "en-US"})) == {"lang": "en"}  # a widget's locale
    assert slots_set(said_by('/claim_coupon{"coupon_code": "NEW50"}', lang="en")) == {}  # a button, not English
    assert slots_set(said_by("你好", "hans", metadata={"lang": "en"}, lang="en")) == {"lang": "zh", "script": "hans"}


def test_the_language_policy_predicts_no_action_but_sets_the_language():
    policy = LanguagePolicy.create(
        LanguagePolicy.get_default_config(), None, Resource("language"), ExecutionContext(GraphSchema({}))
    )
    prediction = policy.predict_action_probabilities(said_by("請問靜安店還有豆沙紅嗎", "hant"), domain())
    assert max(prediction.probabilities) == 0.0 and prediction.policy_priority == 0
    assert {(event.key, event.value) for event in prediction.events} == {("lang", "zh"), ("script", "hant")}


@pytest.mark.parametrize(
    "intent, response, shown",
    [
        ("store_phone", "utter_store_phone", "021-52981515"),
        ("store_address", "utter_store_address", "南京西路1515号"),
        ("store_parking", "utter_store_parking", "每小时15元"),
    ],
)
def test_store_details_from_the_store_data(api, intent, response, shown):
    t = tracker(text="静安店", intent=intent, entities=[{"entity": "store", "value": "静安"}])
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    assert list(responses(dispatcher)) == [response]
    assert shown in said(dispatcher) and "静安" in said(dispatcher)


def test_parking_in_english_and_where_the_store_has_no_details(api):
    t = tracker(
        text="parking at jing'an?",
        intent="store_parking",
        slots={"lang": "en"},
        entities=[{"entity": "store", "value": "jingan"}],
    )
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    assert "Parking at LANYUE Jing'an Kerry Centre" in said(dispatcher, "en") and "¥15/hour" in said(dispatcher, "en")
    unknown = CollectingDispatcher()
    support_actions.store_hours(
        unknown, {**api.get("/stores/jingan", "zh"), "parking": None}, "zh", "utter_store_parking"
    )
    assert list(responses(unknown)) == ["utter_store_parking_unknown"] and "021-52981515" in said(unknown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_holiday_hours_are_the_coming_ones_from_the_store_data(api, lang):
    store = api.get("/stores/jingan", lang)
    t = tracker(
        text="静安店春节营业吗",
        intent="store_holiday_hours",
        slots={"lang": lang},
        entities=[{"entity": "store", "value": "静安"}],
    )
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    periods = store["holiday_hours"]  # which holidays are coming is the store API's rule
    expected = [f"utter_store_holiday_{'open' if p['hours'] else 'closed'}" for p in periods]
    asked = [m["response"] for m in dispatcher.messages]
    assert asked == (["utter_store_holiday_hours", *expected] if periods else ["utter_store_holiday_regular"])
    text = said(dispatcher, lang)
    for period in periods:
        assert support_actions.days_label(period["from"], period["to"], lang) in text
        assert period["name"][lang] in text
        if period["hours"]:
            assert f"{period['hours']['opens']}–{period['hours']['closes']}" in text


def test_holiday_hours_of_all_stores_come_once_per_schedule(api):
    stores = api.get("/stores", "zh")["stores"]
    t = tracker(text="过年开门吗", intent="store_holiday_hours")
    dispatcher, _ = run(support_actions.StoreInfo(), t)
    schedules = {repr([s["hours"], s["holiday_hours"]]) for s in stores}
    headers = [
        m["response"]
        for m in dispatcher.messages
        if m["response"] in ("utter_store_holiday_hours", "utter_store_holiday_regular")
    ]
    assert len(headers) == len(schedules)
    text = said(dispatcher)
    assert all(text.count(s["name"]["zh"]) == 1 for s in stores)


def test_holiday_periods_read_as_dates():
    assert support_actions.days_label("2027-02-07", "2027-02-11", "zh") == "2月7日至11日"
    assert (
        support_actions.days_label("2027-01-30", "2027-02-02", "en") == "Jan 30\u2009–\u2009Feb 2"
    )  # CLDR spaces a range with thin spaces
    assert support_actions.days_label("2027-02-05", "2027-02-05", "zh") == "2月5日"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("請問靜安店還有豆沙紅嗎", "豆沙红"),  # the stock answer names the shade
        ("單號R-20417維修進度", "后 4 位"),  # the ticket is taken; the phone's digits are asked
        ("門市幾點開", "10:00–22:00"),
        ("这个lipstick有货吗", "想查哪款商品"),
        ("幫我訂一張去北京的機票", "我只能帮您"),  # a lookalike outside the store's scope
        ("yuyue 周六", "哪种服务|哪家门店|登录"),
    ],
)
def test_the_assistant_understands_them(assistant, text, expected):
    body = {"sender": f"understanding-{abs(hash(text))}", "message": text}
    replies = requests.post(assistant.webhook, json=body, timeout=60).json()
    reply = to_simplified("\n".join(r.get("text", "") for r in replies))  # either script
    assert re.search(expected, reply), f"{text!r} got {reply!r}"


def test_partial_and_english_names_find_the_same_product(api):
    form = stock_actions.ValidateStockForm()
    t = tracker()
    for said_name in ("豆沙红", "豆沙", "Rose Bean", "rose bean", "101"):
        assert form.validate_product(said_name, CollectingDispatcher(), t, {}) == {"product": "SKU:LIP-101"}, said_name
    sofas = {
        form.validate_product(name, CollectingDispatcher(), t, {})["product"]
        for name in ("Oslo沙发", "oslo sofa", "奥斯陆沙发")
    }
    assert len(sofas) == 1 and None not in sofas
