"""Repair progress.

A signed-in member sees their own tickets (``/members/me/repairs``): nothing is asked, or only which
ticket when they name one. Anyone else gives the ticket id and the phone's last 4 digits (NLU regex
entities, or the words as typed), which the store checks: it answers one 403 for an unknown ticket,
wrong digits and a ticket locked after its own count of misses, and 400 for words that are not a
ticket id or digits. The assistant relays that answer and asks again; it counts nothing itself.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .common import API, UNKNOWN, lang_of, names, relay
from .member_actions import ask_to_sign_in, member_token
from .store_action import StoreAction, StoreFormValidation
from .store_api import ApiError, part

RESET = [SlotSet("repair_ticket", None), SlotSet("ticket_id", None), SlotSet("phone_last4", None)]


def show_ticket(dispatcher: CollectingDispatcher, ticket: dict, lang: str) -> None:
    latest = ticket["timeline"][-1]["note"] if ticket.get("timeline") else None
    dispatcher.utter_message(
        response="utter_repair_status",
        ticket=ticket["id"],
        product=names(ticket["product"], lang),
        status=names(ticket["status_label"], lang),
        step=ticket["step"],
        steps=ticket["steps"],
        engineer=ticket.get("engineer") or UNKNOWN,
        eta=ticket.get("eta") or UNKNOWN,
        latest=names(latest, lang) if latest else UNKNOWN,
    )


class ValidateRepairForm(StoreFormValidation):
    def name(self) -> str:
        return "validate_repair_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if member_token(tracker) or tracker.get_slot("repair_ticket"):
            return []  # a member's own tickets need no digits; a checked ticket needs nothing more
        return domain_slots

    def validate_ticket_id(self, value, dispatcher, tracker, domain) -> dict:
        ticket = str(value or "").strip() or None
        digits = tracker.get_slot("phone_last4")
        if ticket and digits:  # both given in one message: check them now
            return self.check(ticket, str(digits), dispatcher, tracker)
        return {"ticket_id": ticket}

    def validate_phone_last4(self, value, dispatcher, tracker, domain) -> dict:
        digits = str(value or "").strip() or None
        ticket = tracker.get_slot("ticket_id")
        if not ticket and tracker.slots_to_validate().get("ticket_id"):
            return {"phone_last4": None}  # given with a ticket id the store just refused: both again
        if tracker.get_slot("repair_ticket") or not (ticket and digits):
            return {"phone_last4": digits}  # checked with the ticket id already, or no ticket id yet
        return self.check(str(ticket), digits, dispatcher, tracker)

    @staticmethod
    def check(ticket: str, digits: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
        """The store's check of ticket id and digits; its refusal is relayed and both are asked again."""
        try:
            found = API.get(
                f"/repairs/{part(ticket)}", lang_of(tracker), phone_last4=digits, conversation=tracker.sender_id
            )
        except ApiError as error:
            if error.unavailable or error.status not in (400, 403, 404, 429):
                raise  # the form stops and says why
            relay(dispatcher, error)
            if error.status == 429:  # checks are rationed per shopper: the same ticket, a little later
                return {"ticket_id": ticket, "phone_last4": None}
            dispatcher.utter_message(response="utter_repair_try_again")
            return {"ticket_id": None, "phone_last4": None}
        return {"ticket_id": ticket, "phone_last4": digits, "repair_ticket": found}


class RepairStatus(StoreAction):
    def name(self) -> str:
        return "action_repair_status"

    def after_failure(self, tracker: Tracker) -> list[dict[str, Any]]:
        return RESET

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if token:
            self.members_tickets(dispatcher, tracker, token, lang)
        elif tracker.get_slot("repair_ticket"):
            show_ticket(dispatcher, tracker.get_slot("repair_ticket"), lang)
        # else the form stopped, and said why
        return RESET

    @staticmethod
    def members_tickets(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, lang: str) -> None:
        """The signed-in member's ticket they named, or all their open and recent ones."""
        asked = tracker.get_slot("ticket_id")
        try:
            if asked:
                try:
                    show_ticket(dispatcher, API.get(f"/members/me/repairs/{part(asked)}", lang, member=token), lang)
                    return
                except ApiError as error:
                    if error.status not in (400, 404):
                        raise
                    relay(dispatcher, error)  # not one of theirs: what they do have follows
            tickets = API.get("/members/me/repairs", lang, member=token)["tickets"]
        except ApiError as error:
            if not error.sign_in_required:
                raise
            ask_to_sign_in(dispatcher, lang, error, response="utter_sign_in_repairs")
            return
        if not tickets:
            dispatcher.utter_message(response="utter_no_repairs")
            return
        if len(tickets) > 1 or asked:
            dispatcher.utter_message(response="utter_your_repairs", count=len(tickets))
        for ticket in tickets:
            show_ticket(dispatcher, ticket, lang)
