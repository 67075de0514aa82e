"""Consultation booking form: service, store, time, name; cancel and reschedule by code.

Bookings are made, moved and cancelled for the signed-in member (``members.member_token``):
the form never asks for a phone number, and without a sign-in the shopper is asked to sign in
before anything else.
Availability always comes from the API: the asked time is booked only if it is free, and
otherwise the nearest free slots are offered as buttons. The services offered, the confirmation
code and the name are the API's to judge: codes are found by the NLU (a regex entity) and sent as
typed; a name it refuses is asked again with its reason.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_skeleton
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import timeparse
from .common import API, entity, lang_of, names, now, relay
from .member_actions import ask_to_sign_in, member_token
from .store_action import StoreAction, StoreFormValidation
from .store_api import ApiError, part

LOCALES = {"zh": "zh_CN", "en": "en"}  # how dates read (CLDR, through babel)
OFFERED = 4  # free times offered as buttons
NOT_TIMES = ("phone", "booking_code", "ticket_id")  # entities that make a message something else than a time


def slot_label(starts_at: str, lang: str) -> str:
    """11月28日周六 15:00, Sat, Nov 28 15:00."""
    moment = datetime.fromisoformat(starts_at).replace(tzinfo=None)
    return f"{format_skeleton('MMMEd', moment, locale=LOCALES.get(lang, 'zh_CN'))} {moment:%H:%M}"


def slot_button(slot: dict, lang: str) -> dict:
    return {"title": slot_label(slot["starts_at"], lang), "payload": slot["starts_at"][:16].replace("T", " ")}


def service_button(service: dict, lang: str) -> dict:
    entities = json.dumps({"service": service["code"]})
    return {"title": names(service["name"], lang), "payload": f"/inform{entities}"}


def service_code(text: str, services: list[dict]) -> str | None:
    """The service the shopper means: its code, or its name in either language (also inside a sentence)."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    spelled = [(s["code"], [s["code"].lower(), *(n.lower() for n in s["name"].values() if n)]) for s in services]
    exact = next((code for code, words in spelled if wanted in words), None)
    return exact or next((code for code, words in spelled if any(w in wanted for w in words)), None)


def free_slots(service: str, store: str, start: datetime, end: datetime, lang: str) -> list[dict]:
    return API.get(
        "/consultations/slots", lang, service=service, store=store, **{"from": start.isoformat(), "to": end.isoformat()}
    )["slots"]


def nearest_free(service: str, store: str, wanted: datetime, lang: str) -> list[dict]:
    around = free_slots(service, store, wanted - timedelta(days=1), wanted + timedelta(days=4), lang)
    return sorted(around, key=lambda s: abs(datetime.fromisoformat(s["starts_at"]).replace(tzinfo=None) - wanted))[
        :OFFERED
    ]


def booking_values(booking: dict, lang: str) -> dict:
    """What ``utter_booked`` says about a booking."""
    return {
        "service_name": names(booking["service"]["name"], lang),
        "store_name": names(booking["store"]["name"], lang),
        "when": slot_label(booking["slot"]["starts_at"], lang),
        "code": booking["code"],
    }


class AskService(StoreAction):
    """The form's question for the service: the services the store offers, as buttons."""

    def name(self) -> str:
        return "action_ask_service"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        services = API.get("/consultations/services", lang)["services"]
        dispatcher.utter_message(response="utter_ask_service", buttons=[service_button(s, lang) for s in services])
        return []


class ValidateBookingForm(StoreFormValidation):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if not member_token(tracker):  # not signed in: nothing to ask; action_book asks to sign in
            return []
        if tracker.get_slot("booking_code"):  # rescheduling: only the new time is needed
            return ["date_time"]
        return domain_slots

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
        if any(entity(tracker, name) for name in NOT_TIMES):
            return {}  # a phone number or a code, not a time
        when = timeparse.parse(tracker.latest_message.get("text") or "", now())
        if when is None:
            return {}
        value = (
            when.start.isoformat(timespec="minutes")
            if when.exact
            else f"{when.start.isoformat(timespec='minutes')}/{when.end.isoformat(timespec='minutes')}"
        )
        return {"date_time": value}

    def validate_service(self, value, dispatcher, tracker, domain) -> dict:
        services = API.get("/consultations/services", lang_of(tracker))["services"]
        # a name the tagger split ("makeup" | "consultation") arrives as several values: the first that
        # names a service wins; None: the form asks again
        candidates = [value, *tracker.get_latest_entity_values("service")]
        return {"service": next(filter(None, (service_code(str(c or ""), services) for c in candidates)), None)}

    def validate_store(self, value, dispatcher, tracker, domain) -> dict:
        if isinstance(value, str) and value.startswith("store:"):
            return {"store": value}
        stores = API.get("/stores/search", lang_of(tracker), q=str(value))["stores"]
        if not stores:
            dispatcher.utter_message(response="utter_store_not_found", store=str(value))
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
            dispatcher.utter_message(response="utter_time_passed")
            return {"date_time": None}
        if end:  # a window ("周六下午"): offer what is free in it
            offered = free_slots(service, store, wanted, datetime.fromisoformat(end), lang)[:OFFERED]
            intro = "utter_free_in_window"
        else:
            match = [
                s
                for s in free_slots(service, store, wanted, wanted + timedelta(minutes=1), lang)
                if datetime.fromisoformat(s["starts_at"]).replace(tzinfo=None) == wanted
            ]
            if match:
                return {"date_time": start, "slot_id": match[0]["id"]}
            offered = nearest_free(service, store, wanted, lang)
            intro = "utter_nearest_free"
        if not offered:
            dispatcher.utter_message(response="utter_fully_booked")
        else:
            dispatcher.utter_message(response=intro, buttons=[slot_button(s, lang) for s in offered])
        return {"date_time": None, "slot_id": None}

    def validate_customer_name(self, value, dispatcher, tracker, domain) -> dict:
        name = str(value or "").strip()
        if not name or entity(tracker, "phone"):  # a phone number is not a name (and is never kept)
            dispatcher.utter_message(response="utter_ask_customer_name")
            return {"customer_name": None}
        return {"customer_name": name}  # how long a name may be is the API's to say, when booking

    @staticmethod
    def _service_and_store(tracker: Tracker) -> tuple[str | None, str | None]:
        code = tracker.get_slot("booking_code")
        if code:  # the signed-in member's own booking
            try:
                booking = API.get(
                    f"/bookings/{part(code)}",
                    lang_of(tracker),
                    member=member_token(tracker),
                    conversation=tracker.sender_id,
                )
            except ApiError as error:
                if error.unavailable:
                    raise
                return None, None  # not theirs, or gone: action_book reports it
            return booking["service"]["code"], booking["store"]["code"]
        store = tracker.get_slot("store")
        return tracker.get_slot("service"), store.removeprefix("store:") if store else None


BOOKING_SLOTS = ("service", "store", "date_time", "customer_name", "slot_id", "booking_code")


class Book(StoreAction):
    """Submit the booking form: book (or reschedule) the chosen slot through the API."""

    def name(self) -> str:
        return "action_book"

    def after_failure(self, tracker: Tracker) -> list[dict[str, Any]]:
        return [SlotSet(s, None) for s in BOOKING_SLOTS]

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        code, slot_id = tracker.get_slot("booking_code"), tracker.get_slot("slot_id")
        token = member_token(tracker)
        cleared = self.after_failure(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return cleared
        if not slot_id:
            return cleared  # the form stopped, and said why
        try:
            if code:
                booking = API.post(
                    f"/bookings/{part(code)}/reschedule",
                    {"slot_id": slot_id},
                    lang,
                    member=token,
                    conversation=tracker.sender_id,
                )
            else:  # for the signed-in member, who the API knows by the token
                booking = API.post(
                    "/bookings",
                    {"slot_id": slot_id, "name": tracker.get_slot("customer_name")},
                    lang,
                    member=token,
                    conversation=tracker.sender_id,
                )
        except ApiError as error:
            if error.unavailable or error.sign_in_required:
                raise
            relay(dispatcher, error)
            if error.code in ("slot_full", "slot_in_past"):  # taken meanwhile: pick again
                return [SlotSet("date_time", None), SlotSet("slot_id", None), FollowupAction("booking_form")]
            if error.status == 400 and not code:  # the name, refused with the API's reason: ask again
                return [SlotSet("customer_name", None), FollowupAction("booking_form")]
            return cleared
        dispatcher.utter_message(response="utter_booked", **booking_values(booking, lang))
        if booking.get("link_code"):  # the web app's chat shows the booking as a card, from this code
            dispatcher.utter_message(json_message={"card": "booking", "code": booking["link_code"]})
        return cleared


class ValidateCancelForm(StoreFormValidation):
    def name(self) -> str:
        return "validate_cancel_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return domain_slots if member_token(tracker) else []  # not signed in: action_cancel_booking says so

    def validate_booking_code(self, value, dispatcher, tracker, domain) -> dict:
        return {"booking_code": str(value or "").strip() or None}  # the API judges it


class CancelBooking(StoreAction):
    def name(self) -> str:
        return "action_cancel_booking"

    def after_failure(self, tracker: Tracker) -> list[dict[str, Any]]:
        return [SlotSet("booking_code", None)]

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        code = tracker.get_slot("booking_code")
        if not token:  # a code alone opens nobody's booking here: the member who made it signs in
            ask_to_sign_in(dispatcher, lang)
            return self.after_failure(tracker)
        if not code:
            return self.after_failure(tracker)  # the form stopped, and said why
        booking = API.post(f"/bookings/{part(code)}/cancel", {}, lang, member=token, conversation=tracker.sender_id)
        dispatcher.utter_message(
            response="utter_booking_cancelled",
            when=slot_label(booking["slot"]["starts_at"], lang),
            code=booking["code"],
        )
        return self.after_failure(tracker)
