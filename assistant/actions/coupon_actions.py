"""Coupons: claim one, list mine, explain the rules and how to use them in store.

Claiming and listing are for the signed-in member only (``members.member_token``); a phone
number typed in the chat opens nobody's coupons. Which coupons there are, and their rules, come
from the API: a shopper who names none is offered the live campaigns to choose from.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .common import API, lang_of, names
from .member_actions import ask_to_sign_in, member_token
from .store_action import StoreAction
from .store_api import ApiError

# how a coupon's status reads: one response each in domain.yml
STATUS_RESPONSES = {"claimed": "utter_coupon_ready", "redeemed": "utter_coupon_used", "expired": "utter_coupon_expired"}


def coupon_values(coupon: dict, lang: str) -> dict:
    return {
        "title": names(coupon["campaign"]["title"], lang),
        "code": coupon["code"],
        "valid_to": coupon["campaign"]["valid_to"][:10],
    }


def choose_campaign_button(campaign: dict, lang: str) -> dict:
    """Claims that campaign when tapped (an intent with its entity, as Rasa reads ``/intent{...}``)."""
    entities = json.dumps({"coupon_code": campaign["code"]})
    return {"title": names(campaign["title"], lang), "payload": f"/claim_coupon{entities}"}


class ClaimCoupon(StoreAction):
    def name(self) -> str:
        return "action_claim_coupon"

    def after_failure(self, tracker: Tracker) -> list[dict[str, Any]]:
        return [SlotSet("coupon_code", None)]  # e.g. already claimed: the next claim names its coupon again

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return []
        campaign = tracker.get_slot("coupon_code")
        if not campaign:  # which one: the store's live campaigns
            campaigns = API.get("/coupons/campaigns", lang)["campaigns"]
            if not campaigns:
                dispatcher.utter_message(response="utter_no_campaigns")
            else:
                dispatcher.utter_message(
                    response="utter_which_coupon", buttons=[choose_campaign_button(c, lang) for c in campaigns]
                )
            return []
        try:
            coupon = API.post(
                "/coupons/claims", {"campaign": campaign}, lang, member=token, conversation=tracker.sender_id
            )
        except ApiError as error:
            if not error.sign_in_required:
                raise  # the API's answer (quota, limit, validity) is relayed
            ask_to_sign_in(dispatcher, lang, error)
            return []
        dispatcher.utter_message(
            response="utter_coupon_claimed",
            rules=names(coupon["campaign"]["rules"], lang),
            **coupon_values(coupon, lang),
        )
        return [SlotSet("coupon_code", None)]


class MyCoupons(StoreAction):
    def name(self) -> str:
        return "action_my_coupons"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return []
        coupons = API.get("/members/me/coupons", lang, member=token, conversation=tracker.sender_id)["coupons"]
        if not coupons:
            dispatcher.utter_message(response="utter_no_coupons")
            return []
        dispatcher.utter_message(response="utter_my_coupons", count=len(coupons))
        for coupon in coupons:
            response = STATUS_RESPONSES.get(coupon["status"], "utter_coupon_other")
            dispatcher.utter_message(response=response, state=coupon["status"], **coupon_values(coupon, lang))
        return []


class CouponRules(StoreAction):
    def name(self) -> str:
        return "action_coupon_rules"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        campaigns = API.get("/coupons/campaigns", lang)["campaigns"]
        asked = tracker.get_slot("coupon_code")
        for campaign in [c for c in campaigns if c["code"] == asked] or campaigns:
            dispatcher.utter_message(
                response="utter_campaign_rules",
                title=names(campaign["title"], lang),
                rules=names(campaign["rules"], lang),
            )
        dispatcher.utter_message(response="utter_coupon_rules")
        return []
