"""Consultation booking form: service, store, time, name; cancel and reschedule by code.

Bookings are made, moved and cancelled for the signed-in member (``members.member_token``):
the form never asks for a phone number, and without a sign-in the shopper is asked to sign in
before anything else.
Availability always comes from the API: the asked time is booked only if it is free, and
otherwise the nearest free slots are offered as buttons.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import timeparse
from .api import ApiError
from .common import API, lang_of, names, now, say
from .members import ask_to_sign_in, member_token

BOOKING_CODE = re.compile(r"\bBK[2-9A-HJ-NP-Z]{6}\b", re.IGNORECASE)
SERVICE_WORDS = {"makeup": ("化妆", "彩妆", "妆", "makeup", "make-up", "make up"),
                 "home_design": ("家居", "设计", "软装", "home", "design", "interior"),
                 "repair_dropoff": ("维修", "送修", "repair", "fix", "drop-off", "drop off")}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
OFFERED = 4


def service_code(text: str) -> str | None:
    text = text.lower()
    return text if text in SERVICE_WORDS else next(
        (code for code, words in SERVICE_WORDS.items() if any(w in text for w in words)), None)


def slot_label(starts_at: str, lang: str) -> str:
    moment = datetime.fromisoformat(starts_at).replace(tzinfo=None)
    if lang == "zh":
        return f"{moment.month}月{moment.day}日 {WEEKDAYS[moment.weekday()]} {moment:%H:%M}"
    return f"{moment:%a %b} {moment.day}, {moment:%H:%M}"


def slot_button(slot: dict, lang: str) -> dict:
    return {"title": slot_label(slot["starts_at"], lang), "payload": slot["starts_at"][:16].replace("T", " ")}


def free_slots(service: str, store: str, start: datetime, end: datetime, lang: str) -> list[dict]:
    return API.get("/consultations/slots", lang, service=service, store=store,
                   **{"from": start.isoformat(), "to": end.isoformat()})["slots"]


def nearest_free(service: str, store: str, wanted: datetime, lang: str) -> list[dict]:
    around = free_slots(service, store, wanted - timedelta(days=1), wanted + timedelta(days=4), lang)
    return sorted(around, key=lambda s: abs(datetime.fromisoformat(s["starts_at"]).replace(tzinfo=None) - wanted))[:OFFERED]


def booking_values(booking: dict, lang: str) -> dict:
    """What ``utter_booked`` says about a booking."""
    return {"service_name": names(booking["service"]["name"], lang),
            "store_name": names(booking["store"]["name"], lang),
            "when": slot_label(booking["slot"]["starts_at"], lang), "code": booking["code"]}


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if not member_token(tracker):  # not signed in: nothing to ask; action_book asks to sign in
            return []
        if tracker.get_slot("booking_code"):  # rescheduling: only the new time is needed
            return ["date_time"]
        return domain_slots

    async def extract_booking_code(self, dispatcher, tracker: Tracker, domain) -> dict:
        match = BOOKING_CODE.search(tracker.latest_message.get("text") or "")
        return {"booking_code": match.group(0).upper()} if match else {}

    async def get_validation_events(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        """The time is (re)checked whenever the service and store it depends on become known or change."""
        if not member_token(tracker):
            return []  # not signed in: no times checked or offered before the sign-in
        events = await super().get_validation_events(dispatcher, tracker, domain)
        known = tracker.copy()
        known.add_slots(events)
        if any(e.get("name") in ("service", "store") for e in events):
            known.slots["slot_id"] = None  # a changed service or store: the chosen slot no longer applies
        if known.get_slot("date_time") and not known.get_slot("slot_id") and all(self._service_and_store(known)):
            checked = self.validate_date_time(known.get_slot("date_time"), dispatcher, known, domain)
            events += [SlotSet(name, value) for name, value in checked.items()]
        return events

    async def extract_date_time(self, dispatcher, tracker: Tracker, domain) -> dict:
        text = tracker.latest_message.get("text") or ""
        if re.fullmatch(r"[\d\s+-]{7,}", text) or BOOKING_CODE.fullmatch(text.strip()):
            return {}  # a phone number or a code, not a time
        when = timeparse.parse(text, now())
        if when is None:
            return {}
        value = when.start.isoformat(timespec="minutes") if when.exact else \
            f"{when.start.isoformat(timespec='minutes')}/{when.end.isoformat(timespec='minutes')}"
        return {"date_time": value}

    async def extract_service(self, dispatcher, tracker: Tracker, domain) -> dict:
        """The service named anywhere in the message, when the NLU did not tag it."""
        code = service_code(tracker.latest_message.get("text") or "")
        return {"service": code} if code and code != tracker.get_slot("service") else {}

    def validate_service(self, value, dispatcher, tracker, domain) -> dict:
        return {"service": service_code(str(value or ""))}  # None: the form asks again

    def validate_store(self, value, dispatcher, tracker, domain) -> dict:
        lang = lang_of(tracker)
        if isinstance(value, str) and value.startswith("store:"):
            return {"store": value}
        stores = API.get("/stores/search", lang, q=str(value))["stores"]
        if not stores:
            dispatcher.utter_message(text=say(lang, f"没有找到“{value}”这家门店。", f"I couldn't find a store called \"{value}\"."))
            return {"store": None}
        return {"store": f"store:{stores[0]['code']}"}

    def validate_date_time(self, value, dispatcher, tracker: Tracker, domain) -> dict:
        lang = lang_of(tracker)
        service, store = self._service_and_store(tracker)
        if not service or not store:
            return {"date_time": value}  # checked again once service and store are known
        start, _, end = str(value).partition("/")
        wanted = datetime.fromisoformat(start)
        if wanted < now():
            dispatcher.utter_message(text=say(lang, "这个时间已经过去了，换一个吧。", "That time has passed; please pick another."))
            return {"date_time": None}
        if end:  # a window ("周六下午"): offer what is free in it
            offered = free_slots(service, store, wanted, datetime.fromisoformat(end), lang)[:OFFERED]
            intro = say(lang, "这段时间可以约：", "Free in that window:")
        else:
            match = [s for s in free_slots(service, store, wanted, wanted + timedelta(minutes=1), lang)
                     if datetime.fromisoformat(s["starts_at"]).replace(tzinfo=None) == wanted]
            if match:
                return {"date_time": start, "slot_id": match[0]["id"]}
            offered = nearest_free(service, store, wanted, lang)
            intro = say(lang, "这个时间约满了或不开放，最近的空位有：", "That time is full or not open; the nearest free times are:")
        if not offered:
            dispatcher.utter_message(text=say(lang, "这几天都约满了，换个日期或门店试试？", "Those days are fully booked; try another day or store?"))
        else:
            dispatcher.utter_message(text=intro, buttons=[slot_button(s, lang) for s in offered])
        return {"date_time": None, "slot_id": None}

    def validate_customer_name(self, value, dispatcher, tracker, domain) -> dict:
        name = str(value or "").strip()
        if not name or len(name) > 30 or re.search(r"\d{4,}", name):
            dispatcher.utter_message(response="utter_ask_customer_name")
            return {"customer_name": None}
        return {"customer_name": name}

    @staticmethod
    def _service_and_store(tracker: Tracker) -> tuple[str | None, str | None]:
        code = tracker.get_slot("booking_code")
        if code:  # the signed-in member's own booking
            try:
                booking = API.get(f"/bookings/{code}", lang_of(tracker), member=member_token(tracker),
                                  conversation=tracker.sender_id)
            except ApiError:  # not theirs, or gone: action_book reports it
                return None, None
            return booking["service"]["code"], booking["store"]["code"]
        store = tracker.get_slot("store")
        return tracker.get_slot("service"), store.removeprefix("store:") if store else None


BOOKING_SLOTS = ("service", "store", "date_time", "customer_name", "slot_id", "booking_code")


class Book(Action):
    """Submit the booking form: book (or reschedule) the chosen slot through the API."""

    def name(self) -> str:
        return "action_book"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        code, slot_id = tracker.get_slot("booking_code"), tracker.get_slot("slot_id")
        token = member_token(tracker)
        cleared = [SlotSet(s, None) for s in BOOKING_SLOTS]
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return cleared
        try:
            if code:
                booking = API.post(f"/bookings/{code}/reschedule", {"slot_id": slot_id}, lang, member=token,
                                   conversation=tracker.sender_id)
            else:  # for the signed-in member, who the API knows by the token
                booking = API.post("/bookings", {"slot_id": slot_id, "name": tracker.get_slot("customer_name")},
                                   lang, member=token, conversation=tracker.sender_id)
        except ApiError as error:
            if error.sign_in_required:
                ask_to_sign_in(dispatcher, lang, error)
                return cleared
            dispatcher.utter_message(text=error.message)
            if error.code in ("slot_full", "slot_in_past"):  # taken meanwhile: pick again
                return [SlotSet("date_time", None), SlotSet("slot_id", None), FollowupAction("booking_form")]
            return cleared
        dispatcher.utter_message(response="utter_booked", **booking_values(booking, lang))
        return cleared


class ValidateCancelForm(FormValidationAction):
    def name(self) -> str:
        return "validate_cancel_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return domain_slots if member_token(tracker) else []  # not signed in: action_cancel_booking says so

    async def extract_booking_code(self, dispatcher, tracker: Tracker, domain) -> dict:
        match = BOOKING_CODE.search(tracker.latest_message.get("text") or "")
        return {"booking_code": match.group(0).upper()} if match else {}


class CancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:  # a code alone opens nobody's booking here: the member who made it signs in
            ask_to_sign_in(dispatcher, lang)
            return [SlotSet("booking_code", None)]
        try:
            booking = API.post(f"/bookings/{tracker.get_slot('booking_code')}/cancel", {}, lang, member=token,
                               conversation=tracker.sender_id)
        except ApiError as error:
            if error.sign_in_required:
                ask_to_sign_in(dispatcher, lang, error)
            else:
                dispatcher.utter_message(text=error.message)
            return [SlotSet("booking_code", None)]
        dispatcher.utter_message(response="utter_booking_cancelled",
                                 when=slot_label(booking["slot"]["starts_at"], lang), code=booking["code"])
        return [SlotSet("booking_code", None)]
