"""A tracker as the action server receives it, and a way to run one action on it."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(
    text: str = "",
    slots: dict | None = None,
    intent: str = "inform",
    metadata: dict | None = None,
    events: list | None = None,
    sender: str = "test-user",
    entities: list | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker(sender, {"lang": "zh", **(slots or {})}, latest, events or [], False, None, {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher, events
