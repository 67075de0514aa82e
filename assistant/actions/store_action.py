"""What every action that asks the store shares: an API failure it does not handle itself becomes a
reply (the API's message, a sign-in link, or the hotline when the store system is down or slow),
never an exception in the action server.

Both bases are abstract, so rasa_sdk registers only the actions built on them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from .common import lang_of, relay
from .member_actions import ask_to_sign_in
from .store_api import ApiError


def answer_failure(dispatcher: CollectingDispatcher, tracker: Tracker, error: ApiError) -> None:
    if error.sign_in_required:
        ask_to_sign_in(dispatcher, lang_of(tracker), error)
    else:
        relay(dispatcher, error)


class StoreAction(Action, ABC):
    """An action that asks the store: ``answer`` does the work; ``after_failure`` are the events
    when an API failure ended it (by default none)."""

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]: ...

    def after_failure(self, tracker: Tracker) -> list[dict[str, Any]]:
        return []

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        try:
            return self.answer(dispatcher, tracker, domain)
        except ApiError as error:
            answer_failure(dispatcher, tracker, error)
            return self.after_failure(tracker)


class StoreFormValidation(FormValidationAction, ABC):
    """A form's validation that asks the store. An API failure its validators do not handle stops the
    form: what the shopper gave this turn is dropped and nothing more is asked (the form's submit
    action then finds nothing to do), so a shopper is not questioned while the store cannot answer."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except ApiError as error:
            answer_failure(dispatcher, tracker, error)
            given = tracker.slots_to_validate()
            return [SlotSet(name, None) for name in given if name != REQUESTED_SLOT] + [SlotSet(REQUESTED_SLOT, None)]
