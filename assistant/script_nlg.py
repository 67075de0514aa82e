"""Rasa's own response generator, writing back in the script the shopper wrote in: when the ``script``
slot is "hant", a Chinese reply (text and button titles) is converted to traditional Chinese by OpenCC,
so each sentence is written once, in domain.yml. Loaded by module path from endpoints.yml (``nlg``).
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from script import to_traditional


def in_script(reply: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """The reply in traditional characters when the shopper writes them (English replies unchanged)."""
    if slots.get("script") != "hant" or slots.get("lang") == "en":
        return reply
    if isinstance(reply.get("text"), str):
        reply["text"] = to_traditional(reply["text"])
    for button in reply.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = to_traditional(button["title"])
    return reply


class ScriptAwareNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def generate_from_slots(
        self, utter_action: str, filled_slots: dict[str, Any], output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        reply = super().generate_from_slots(utter_action, filled_slots, output_channel, **kwargs)
        return in_script(reply, filled_slots) if reply else reply
