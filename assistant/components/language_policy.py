"""Which language to answer in, decided inside Rasa: the script the shopper wrote in; when the message
has none (digits, emoji, a button), the conversation's language so far, else the page's
(``metadata.lang`` from the web app's chat, or a widget's ``locale``). English typed on a Chinese page
gets English. ``script`` (hans/hant) comes from the NLU's OpenCC step and is kept when a message has no
Chinese.

A policy that never predicts an action but returns the ``lang``/``script`` slot events with its
prediction (Rasa applies every policy's events before the next action runs): this was a custom slot
mapping before, one action server call with the whole tracker on every message (bench/chat_bench.py).
The words themselves live in domain.yml, one variation per language chosen by the ``lang`` slot.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def detect(text: str, metadata: dict | None = None, previous: str | None = None) -> str:
    """ "zh" or "en" for one message (see the module's docstring for the order of evidence)."""
    given = metadata or {}
    page = str(given.get("lang") or given.get("locale") or "")[:2]
    fallback = previous or (page if page in ("zh", "en") else "zh")
    text = text or ""
    if text.startswith("/"):  # a button's payload ("/claim_coupon{...}"): not the shopper's words
        return fallback
    if CJK.search(text):
        return "zh"
    if LATIN.search(text):
        return "en"
    return fallback  # "5678", "R-20417", "👍": keep the conversation's language


def language_events(tracker: DialogueStateTracker) -> list[SlotSet]:
    """The slot events that bring ``lang`` and ``script`` in line with the latest message (none when
    they already are, so later predictions of the same turn add nothing)."""
    message = tracker.latest_message
    if message is None or message.text is None:
        return []
    wanted = {
        "lang": detect(message.text, message.metadata, tracker.get_slot("lang")),
        # the NLU's OpenCC step says which Chinese script the shopper wrote; none: keep the last one
        "script": message.parse_data.get("script") or tracker.get_slot("script"),
    }
    return [SlotSet(name, value) for name, value in wanted.items() if tracker.get_slot(name) != value]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguagePolicy(Policy):
    """Sets the reply language; predicts no action (all zeros, lowest priority)."""

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 0}

    def train(self, training_trackers: list, domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain), events=language_events(tracker))
