"""What the shopper reads: the actions' messages rendered as Rasa renders them.

Actions name responses of assistant/domain.yml and pass values; Rasa's own templated generator
fills them in, with the zh or en variation the ``lang`` slot picks. Tests that run actions directly
(without Rasa) render their messages here, so they check the words the shopper gets.
"""

from __future__ import annotations

import asyncio
import warnings
from functools import lru_cache

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from . import stack

MESSAGE_KEYS = ("text", "buttons", "custom", "image", "attachment", "elements")


@lru_cache(maxsize=1)
def domain() -> Domain:
    with warnings.catch_warnings():  # Rasa 3's notice that slot auto-fill is gone, on every load
        warnings.simplefilter("ignore", UserWarning)
        return Domain.load(str(stack.ROOT / "assistant" / "domain.yml"))


def response_text(name: str, lang: str, **values) -> str:
    """One response of the domain in one language, filled with ``values``."""
    return render([{"response": name, **values}], lang)[0].get("text", "")


def render(messages: list[dict], lang: str) -> list[dict]:
    """The messages as the shopper gets them (text, buttons, custom payloads)."""
    nlg = TemplatedNaturalLanguageGenerator(domain().responses)
    tracker = DialogueStateTracker.from_events("render", [SlotSet("lang", lang)], slots=domain().slots)
    rendered = []
    for message in messages:
        values = {k: v for k, v in message.items() if k != "response"}  # what Rasa passes its generator
        out = {}
        if message.get("response"):
            generated = asyncio.run(nlg.generate(message["response"], tracker, "rest", **values))
            assert generated is not None, f"no response {message['response']} in domain.yml"
            out = {k: v for k, v in generated.items() if k in MESSAGE_KEYS and v}
        for key in MESSAGE_KEYS:
            if key == "buttons" and message.get("buttons"):
                out["buttons"] = [*out.get("buttons", []), *message["buttons"]]
            elif message.get(key):
                out[key] = message[key]
        rendered.append(out)
    return rendered


def said(dispatcher: CollectingDispatcher | list[dict], lang: str = "zh") -> str:
    """All the text the shopper reads, one message a line."""
    messages = dispatcher.messages if isinstance(dispatcher, CollectingDispatcher) else dispatcher
    return "\n".join(m.get("text", "") for m in render(messages, lang) if m.get("text"))


def cards(dispatcher: CollectingDispatcher, lang: str = "zh") -> list[dict]:
    """The product cards drawn from the domain's responses (for the REST channel's own widget)."""
    return [m["custom"] for m in render(dispatcher.messages, lang) if (m.get("custom") or {}).get("type")]


def chat_cards(dispatcher: CollectingDispatcher) -> list[dict]:
    """The cards the web app's chat fills in from the store's data: ``{"card": "product"|"booking", ...}``."""
    return [m["custom"] for m in dispatcher.messages if (m.get("custom") or {}).get("card")]


def buttons(dispatcher: CollectingDispatcher, lang: str = "zh") -> list[dict]:
    return [b for m in render(dispatcher.messages, lang) for b in m.get("buttons") or []]


def responses(dispatcher: CollectingDispatcher) -> dict:
    """Domain responses the actions asked for, by name, with the values they passed."""
    return {m["response"]: m for m in dispatcher.messages if m.get("response")}
