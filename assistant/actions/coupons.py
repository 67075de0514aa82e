"""Coupons: claim one, list mine, explain the rules and how to use them in store.

Claiming and listing are for the signed-in member only (``members.member_token``); a phone
number typed in the chat opens nobody's coupons.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .api import ApiError
from .common import API, lang_of, names, say
from .members import ask_to_sign_in, member_token

DEFAULT_CAMPAIGN = "NEW50"


def coupon_line(coupon: dict, lang: str) -> str:
    status = {"claimed": ("可使用", "ready to use"), "redeemed": ("已使用", "used"), "expired": ("已过期", "expired")}
    zh, en = status.get(coupon["status"], (coupon["status"], coupon["status"]))
    title = names(coupon["campaign"]["title"], lang)
    until = coupon["campaign"]["valid_to"][:10]
    return say(lang, f"· {title}，券码 {coupon['code']}，{zh}，有效期至 {until}",
               f"· {title}, code {coupon['code']}, {en}, valid until {until}")


class ClaimCoupon(Action):
    def name(self) -> str:
        return "action_claim_coupon"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return []
        campaign = tracker.get_slot("coupon_code") or DEFAULT_CAMPAIGN
        try:
            coupon = API.post("/coupons/claims", {"campaign": campaign}, lang, member=token)
        except ApiError as error:
            if error.sign_in_required:
                ask_to_sign_in(dispatcher, lang, error)
            else:
                dispatcher.utter_message(text=error.message)
            return []
        dispatcher.utter_message(response="utter_coupon_claimed", coupon=coupon_line(coupon, lang),
                                 rules=names(coupon["campaign"]["rules"], lang))
        return []


class MyCoupons(Action):
    def name(self) -> str:
        return "action_my_coupons"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        token = member_token(tracker)
        if not token:
            ask_to_sign_in(dispatcher, lang)
            return []
        try:
            coupons = API.get("/members/me/coupons", lang, member=token)["coupons"]
        except ApiError as error:
            if error.sign_in_required:
                ask_to_sign_in(dispatcher, lang, error)
            else:
                dispatcher.utter_message(text=error.message)
            return []
        if not coupons:
            dispatcher.utter_message(response="utter_no_coupons")
            return []
        dispatcher.utter_message(response="utter_my_coupons", coupons="\n".join(coupon_line(c, lang) for c in coupons))
        return []


class CouponRules(Action):
    def name(self) -> str:
        return "action_coupon_rules"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        try:
            campaigns = API.get("/coupons/campaigns", lang)["campaigns"]
        except ApiError as error:
            dispatcher.utter_message(text=error.message)
            return []
        asked = tracker.get_slot("coupon_code")
        shown = [c for c in campaigns if c["code"] == asked] or campaigns
        lines = [f"· {names(c['title'], lang)}：{names(c['rules'], lang)}" if lang == "zh"
                 else f"· {names(c['title'], lang)}: {names(c['rules'], lang)}" for c in shown]
        dispatcher.utter_message(response="utter_coupon_rules", rules="\n".join(lines))
        return []
