"""Helpers every action shares: the API client, the language, Shanghai time, and relaying the API.

Actions say nothing in their own words: they name a response of domain.yml (zh and en variations,
chosen by the ``lang`` slot) and pass it values, or relay the API's own message, which the API
writes in the shopper's language.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .store_api import ApiError, StoreApi

API = StoreApi()
SHANGHAI = ZoneInfo("Asia/Shanghai")
UNKNOWN = "—"  # a value the store has not given yet (no engineer assigned, no date)
__all__ = ["API", "UNKNOWN", "lang_of", "now", "metadata", "names", "entity", "relay"]


def lang_of(tracker: Tracker) -> str:
    return tracker.get_slot("lang") or "zh"


def now() -> datetime:
    return datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)


def metadata(tracker: Tracker) -> dict:
    return tracker.latest_message.get("metadata") or {}


def names(pair: dict, lang: str) -> str:
    """The shopper's language of a ``{"zh": ..., "en": ...}`` the API sent."""
    return pair.get(lang) or pair.get("zh", "")


def entity(tracker: Tracker, name: str) -> str | None:
    """The value of an entity the NLU found in the latest message, if any."""
    return next(tracker.get_latest_entity_values(name), None)


def relay(dispatcher: CollectingDispatcher, error: ApiError) -> None:
    """Tell the shopper what went wrong: the API's own message, or, when the store system did not
    answer, the domain's reply with the store hotline."""
    if error.unavailable or not error.message:
        dispatcher.utter_message(response="utter_store_unreachable")
    else:
        dispatcher.utter_message(response="utter_store_says", message=error.message)
