"""Language, store info, hand-over to a person, and what to do when the bot is lost."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import language
from .api import ApiError
from .common import API, lang_of, metadata, names, say

MAX_FALLBACKS = 2


class DetectLanguage(Action):
    """Custom slot mapping for ``lang``: runs after every user message."""

    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        return [SlotSet("lang", language.detect(text, metadata(tracker), tracker.get_slot("lang")))]


def hours_line(store: dict, lang: str) -> str:
    hours = f"{store['hours']['opens']}–{store['hours']['closes']}"
    return say(lang, f"{names(store['name'], lang)}：{hours}，{store['address']['zh']}，电话 {store['phone']}",
               f"{names(store['name'], lang)}: {hours}, {store['address']['en']}, tel {store['phone']}")


class StoreInfo(Action):
    def name(self) -> str:
        return "action_store_info"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        query = next(tracker.get_latest_entity_values("store"), None) or next(
            tracker.get_latest_entity_values("location"), None)
        try:
            stores = API.get("/stores/search", lang, q=query)["stores"] if query else API.get("/stores", lang)["stores"]
        except ApiError as error:
            dispatcher.utter_message(text=error.message)
            return []
        if not stores:
            dispatcher.utter_message(text=say(lang, "没找到这家门店，我们在上海有以下门店：", "I couldn't find that store; here are ours:"))
            stores = API.get("/stores", lang)["stores"]
        lines = [hours_line(s, lang) for s in stores[: 3 if query else 10]]
        dispatcher.utter_message(text="\n".join(lines))
        return []


def conversation_summary(tracker: Tracker, turns: int = 6) -> str:
    said = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    return "\n".join(said[-turns:]) or "-"


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    lang = lang_of(tracker)
    try:
        API.post("/handoffs", {"sender_id": tracker.sender_id, "reason": reason, "lang": lang,
                               "channel": metadata(tracker).get("channel", "web"),
                               "summary": conversation_summary(tracker)}, lang)
    except ApiError as error:
        dispatcher.utter_message(text=error.message)
        return []
    dispatcher.utter_message(text=say(
        lang, "已为您转接门店顾问，营业时间内一般 5 分钟内回复，请留在此页面；也可以直接致电门店。",
        "I've passed you to a store advisor; during opening hours they usually reply within 5 minutes. "
        "Please stay on this page, or call the store directly."))
    return []


class HumanHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        return hand_over(dispatcher, tracker, "asked")


def fallbacks_in_a_row(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class Fallback(Action):
    """Not understood: ask to rephrase; the second time in a row, bring in a person."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        if fallbacks_in_a_row(tracker) >= MAX_FALLBACKS:
            return hand_over(dispatcher, tracker, "fallback")
        dispatcher.utter_message(response="utter_default")
        return []
