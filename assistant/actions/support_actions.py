"""Language, store info, hand-over to a person, and what to do when the bot is lost."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import language
from .common import API, entity, lang_of, metadata, names, relay
from .store_action import StoreAction
from .store_api import ApiError

MAX_FALLBACKS = 2
SHOWN_MATCHES = 3  # stores listed for a store asked by name
SHOWN_ALL = 10  # stores listed when none was named (or found)


class DetectLanguage(Action):
    """Custom slot mapping for ``lang``: runs after every user message."""

    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        return [SlotSet("lang", language.detect(text, metadata(tracker), tracker.get_slot("lang")))]


def store_hours(dispatcher: CollectingDispatcher, store: dict, lang: str) -> None:
    dispatcher.utter_message(
        response="utter_store_hours",
        store=names(store["name"], lang),
        opens=store["hours"]["opens"],
        closes=store["hours"]["closes"],
        address=names(store["address"], lang),
        phone=store["phone"],
    )


class StoreInfo(StoreAction):
    def name(self) -> str:
        return "action_store_info"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        query = entity(tracker, "store") or entity(tracker, "location")
        stores = API.get("/stores/search", lang, q=query)["stores"][:SHOWN_MATCHES] if query else []
        if not stores:
            if query:
                dispatcher.utter_message(response="utter_store_not_found_listing")
            stores = API.get("/stores", lang)["stores"][:SHOWN_ALL]
        for store in stores:
            store_hours(dispatcher, store, lang)
        return []


def conversation_summary(tracker: Tracker, turns: int = 6) -> str:
    said = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    return "\n".join(said[-turns:]) or "-"


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    """Pass the conversation to a store advisor; when the store system is down, the hotline instead."""
    lang = lang_of(tracker)
    try:
        API.post(
            "/handoffs",
            {
                "sender_id": tracker.sender_id,
                "reason": reason,
                "lang": lang,
                "channel": metadata(tracker).get("channel", "web"),
                "summary": conversation_summary(tracker),
            },
            lang,
        )
    except ApiError as error:
        relay(dispatcher, error)
        return []
    dispatcher.utter_message(response="utter_handed_over")
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
