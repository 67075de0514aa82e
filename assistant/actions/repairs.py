"""Repair progress: ticket id and the phone's last 4 digits; three misses and a person takes over."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .api import ApiError
from .common import API, lang_of, names, say
from .support import hand_over

TICKET = re.compile(r"R-?\d{5}", re.IGNORECASE)
LAST4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
MAX_TRIES = 3


class ValidateRepairForm(FormValidationAction):
    def name(self) -> str:
        return "validate_repair_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if (tracker.get_slot("repair_failures") or 0) >= MAX_TRIES or tracker.get_slot("repair_ticket"):
            return []  # verified, or given up on: nothing more to ask
        return domain_slots

    def validate_ticket_id(self, value, dispatcher, tracker, domain) -> dict:
        match = TICKET.search(str(value or ""))
        if not match:
            dispatcher.utter_message(text=say(lang_of(tracker), "维修单号是 R- 加 5 位数字，例如 R-20417。",
                                              "A repair ticket looks like R- and 5 digits, e.g. R-20417."))
            return {"ticket_id": None}
        digits = re.sub(r"\D", "", match.group(0))
        return {"ticket_id": f"R-{digits}"}

    def validate_phone_last4(self, value, dispatcher, tracker, domain) -> dict:
        lang = lang_of(tracker)
        match = LAST4.search(str(value or ""))
        if not match:
            dispatcher.utter_message(text=say(lang, "请告诉我登记手机号的后 4 位数字。", "Please give the last 4 digits of the phone on the ticket."))
            return {"phone_last4": None}
        try:
            ticket = API.get(f"/repairs/{tracker.get_slot('ticket_id')}", lang, phone_last4=match.group(0),
                             conversation=tracker.sender_id)
        except ApiError as error:
            if error.code == "ticket_not_found":
                dispatcher.utter_message(text=error.message)
                return {"ticket_id": None, "phone_last4": None}
            failures = (tracker.get_slot("repair_failures") or 0) + 1
            locked = error.code == "repair_locked"
            if not locked and failures < MAX_TRIES:
                dispatcher.utter_message(text=error.message + say(lang, "请再试一次。", " Please try again."))
            return {"phone_last4": None, "repair_failures": MAX_TRIES if locked else failures}
        return {"phone_last4": match.group(0), "repair_ticket": ticket}


class RepairStatus(Action):
    def name(self) -> str:
        return "action_repair_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        ticket = tracker.get_slot("repair_ticket")
        reset = [SlotSet("repair_ticket", None), SlotSet("ticket_id", None), SlotSet("phone_last4", None)]
        if not ticket:
            dispatcher.utter_message(text=say(lang, "为保护您的信息，验证失败次数过多，我先暂停查询。",
                                              "To protect your details I've stopped after too many failed checks."))
            return hand_over(dispatcher, tracker, "verification_failed") + reset + [SlotSet("repair_failures", 0)]
        last = ticket["timeline"][-1]
        eta = ticket["eta"] or say(lang, "待定", "to be confirmed")
        engineer = ticket["engineer"] or say(lang, "待分配", "not yet assigned")
        dispatcher.utter_message(text=say(
            lang,
            f"维修单 {ticket['id']}（{names(ticket['product'], lang)}）：{names(ticket['status_label'], lang)}"
            f"（第 {ticket['step']}/{ticket['steps']} 步）。工程师：{engineer}；预计完成：{eta}。\n最新进展：{names(last['note'], lang)}",
            f"Ticket {ticket['id']} ({names(ticket['product'], lang)}): {names(ticket['status_label'], lang)} "
            f"(step {ticket['step']} of {ticket['steps']}). Engineer: {engineer}; expected: {eta}.\n"
            f"Latest: {names(last['note'], lang)}"))
        return reset + [SlotSet("repair_failures", 0)]
