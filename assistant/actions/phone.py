"""The phone slot, shared by every form that needs to know who the member is."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .common import lang_of, say

MOBILE = re.compile(r"(?:\+?86)?[\s-]*(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})")


def validate_phone(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
    match = MOBILE.search(str(value or ""))
    if match:
        return {"phone": re.sub(r"[\s-]", "", match.group(1))}
    dispatcher.utter_message(text=say(lang_of(tracker), "这个手机号好像不对，请输入 11 位手机号，例如 13812345678。",
                                      "That phone number doesn't look right; please enter an 11-digit mobile number, "
                                      "e.g. 13812345678."))
    return {"phone": None}
