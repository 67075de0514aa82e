"""Store info, hand-over to a person (or a call-back), and what to do when the bot is lost."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from babel.dates import format_interval, format_skeleton
from babel.lists import format_list
from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from .booking_actions import LOCALES, slot_label
from .common import API, UNKNOWN, entity, lang_of, metadata, names, relay
from .member_actions import ask_to_sign_in, member_token
from .store_action import StoreAction
from .store_api import ApiError

MAX_FALLBACKS = 2
SHOWN_MATCHES = 3  # stores listed for a store asked by name
SHOWN_ALL = 10  # stores listed when none was named (or found)


# what the shopper asked about a store → the reply that answers it from the store's own data
STORE_REPLIES = {
    "store_phone": "utter_store_phone",
    "store_address": "utter_store_address",
    "store_parking": "utter_store_parking",
}


def store_hours(dispatcher: CollectingDispatcher, store: dict, lang: str, response: str = "utter_store_hours") -> None:
    parking = store.get("parking")
    if response == "utter_store_parking" and not parking:
        response = "utter_store_parking_unknown"
    dispatcher.utter_message(
        response=response,
        store=names(store["name"], lang),
        opens=store["hours"]["opens"],
        closes=store["hours"]["closes"],
        address=names(store["address"], lang),
        district=names(store["district"], lang),
        phone=store["phone"],
        parking=names(parking, lang) if parking else "",
    )


def days_label(first: str, last: str, lang: str) -> str:
    """2月7日至11日, Feb 7 – 11; one day: 2月5日, Feb 5."""
    start, end, locale = date.fromisoformat(first), date.fromisoformat(last), LOCALES.get(lang, "zh_CN")
    return (
        format_skeleton("MMMd", start, locale=locale)
        if start == end
        else format_interval(start, end, "MMMd", locale=locale)
    )


def holiday_hours(dispatcher: CollectingDispatcher, stores: list[dict], lang: str) -> None:
    """The coming holidays' hours, stores that keep the same ones answered together (the API says which
    holidays are coming)."""
    groups: dict[str, list[dict]] = {}
    for store in stores:
        groups.setdefault(json.dumps([store["hours"], store["holiday_hours"]], sort_keys=True), []).append(store)
    for same in groups.values():
        shown = {
            "stores": format_list([names(s["name"], lang) for s in same], locale=LOCALES.get(lang, "zh_CN")),
            "opens": same[0]["hours"]["opens"],
            "closes": same[0]["hours"]["closes"],
        }
        periods = same[0]["holiday_hours"]
        dispatcher.utter_message(
            response="utter_store_holiday_hours" if periods else "utter_store_holiday_regular", **shown
        )
        for period in periods:
            dispatcher.utter_message(
                response="utter_store_holiday_open" if period["hours"] else "utter_store_holiday_closed",
                holiday=names(period["name"], lang),
                days=days_label(period["from"], period["to"], lang),
                opens=(period["hours"] or {}).get("opens", ""),
                closes=(period["hours"] or {}).get("closes", ""),
            )


class StoreInfo(StoreAction):
    """Hours, phone, address and directions, holiday hours, parking: one store asked by name, else all."""

    def name(self) -> str:
        return "action_store_info"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        asked = (tracker.latest_message.get("intent") or {}).get("name")
        response = STORE_REPLIES.get(asked, "utter_store_hours")
        query = entity(tracker, "store") or entity(tracker, "location")
        stores = API.get("/stores/search", lang, q=query)["stores"][:SHOWN_MATCHES] if query else []
        if not stores:
            if query:
                dispatcher.utter_message(response="utter_store_not_found_listing")
            stores = API.get("/stores", lang)["stores"][:SHOWN_ALL]
        if asked == "store_holiday_hours":
            holiday_hours(dispatcher, stores, lang)
            return []
        for store in stores:
            store_hours(dispatcher, store, lang, response)
        return []


def conversation_summary(tracker: Tracker, turns: int = 6) -> str:
    said = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    return "\n".join(said[-turns:]) or "-"


def handoff_body(tracker: Tracker, reason: str) -> dict:
    """What the store's advisors see of the conversation, and which store it goes to (the chat's own)."""
    given = metadata(tracker)
    store = given.get("store")
    return {
        "sender_id": tracker.sender_id,
        "reason": reason,
        "lang": lang_of(tracker),
        "channel": given.get("channel") or "web",
        "summary": conversation_summary(tracker),
        **({"store": store.strip()} if isinstance(store, str) and store.strip() else {}),
    }


def opening_label(opens_at: object, lang: str) -> str:
    """When the store opens, as the shopper reads it ("11月26日周四 10:00"); the API's words if not a time."""
    try:
        return slot_label(str(opens_at), lang)
    except ValueError:
        return str(opens_at or UNKNOWN)


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    """Pass the conversation to a store advisor, with the shopper's place in the queue; when the store
    is closed, when it opens and a call-back or a booking instead; when the store system is down, the
    hotline."""
    lang = lang_of(tracker)
    try:
        handoff = API.post("/handoffs", handoff_body(tracker, reason), lang, conversation=tracker.sender_id)
    except ApiError as error:
        if error.code == "store_closed":
            opens_at = opening_label(error.details.get("opens_at"), lang)
            dispatcher.utter_message(response="utter_store_closed_now", opens_at=opens_at)
        else:
            relay(dispatcher, error)
        return []
    dispatcher.utter_message(
        response="utter_handed_over", position=handoff["position"], wait_minutes=handoff["wait_minutes"]
    )
    return []


class HumanHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        return hand_over(dispatcher, tracker, "asked")


class RequestCallback(StoreAction):
    """A call-back from the store (offered when it is closed), to the phone of the signed-in member:
    the member's token tells the store who to call, never a number typed in the chat."""

    def name(self) -> str:
        return "action_request_callback"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang, response="utter_sign_in_callback")
            return []
        API.post("/handoffs", handoff_body(tracker, "callback"), lang, member=token, conversation=tracker.sender_id)
        dispatcher.utter_message(response="utter_callback_requested")
        return []


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
        # as Rasa's default fallback, the message is taken back and the conversation waits where it was:
        # inside a form no rule follows a fallback, and the same prediction would repeat ten times
        if fallbacks_in_a_row(tracker) >= MAX_FALLBACKS:
            return [*hand_over(dispatcher, tracker, "fallback"), UserUtteranceReverted()]
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]
