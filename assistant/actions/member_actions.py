"""Who the shopper is: only a verified sign-in says so, never a phone number typed in the chat.

The web app sends the signed-in member's token with every message (``metadata.member_token``
on the REST channel). Actions read it from the latest message for the one API call that needs
it (``X-Member-Token``) and never put it in a slot, so no tracker store ever keeps it. Without
it, or when the API says the sign-in is no longer valid, the shopper is asked to sign in, with
the link the API gives.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .common import API, lang_of, metadata, relay
from .store_api import ApiError


def member_token(tracker: Tracker) -> str | None:
    """The signed-in member's token sent with this message, if any."""
    token = metadata(tracker).get("member_token")
    return token.strip() if isinstance(token, str) and token.strip() else None


def ask_to_sign_in(
    dispatcher: CollectingDispatcher, lang: str, error: ApiError | None = None, response: str = "utter_sign_in"
) -> None:
    """Ask the shopper to sign in, with the API's sign-in link.

    ``error`` is the API's 401 ``sign_in_required`` when there is one; with no token at all the
    link comes from asking ``/members/me`` anonymously, which the API refuses with it.
    ``response`` says what the sign-in is for (``utter_sign_in``: coupons and bookings); its
    ``…_no_link`` twin is used when the API gave no link.
    """
    if error is None or not error.sign_in_url:
        try:
            API.get("/members/me", lang)
            error = ApiError(401, "sign_in_required")  # cannot happen: no token, no member
        except ApiError as refused:
            error = refused
    if error.sign_in_url:
        dispatcher.utter_message(response=response, sign_in_url=error.sign_in_url)
    elif error.sign_in_required:
        dispatcher.utter_message(response=f"{response}_no_link")
    else:
        relay(dispatcher, error)  # e.g. the store system is unreachable


class PhoneTyped(Action):
    """A phone number typed outside any form: it opens nothing; a shopper who is not signed in
    is asked to sign in instead."""

    def name(self) -> str:
        return "action_phone_typed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_phone_not_used")
        if not member_token(tracker):
            ask_to_sign_in(dispatcher, lang_of(tracker))
        return []
