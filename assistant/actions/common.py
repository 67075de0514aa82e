"""Helpers every action shares: the API client, the language, and Shanghai time."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from .api import StoreApi
from .language import say

API = StoreApi()
SHANGHAI = ZoneInfo("Asia/Shanghai")
__all__ = ["API", "lang_of", "say", "now", "metadata", "names"]


def lang_of(tracker: Tracker) -> str:
    return tracker.get_slot("lang") or "zh"


def now() -> datetime:
    return datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)


def metadata(tracker: Tracker) -> dict:
    return tracker.latest_message.get("metadata") or {}


def names(pair: dict, lang: str) -> str:
    return pair.get(lang) or pair.get("zh", "")
