"""Coupons: claim one, list mine, explain the rules and how to use them in store."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .api import ApiError
from .common import API, lang_of, metadata, names, say
from .phone import validate_phone

DEFAULT_CAMPAIGN = "NEW50"


class ValidateClaimForm(FormValidationAction):
    """The widget's member token identifies the member; otherwise we ask for the phone."""

    def name(self) -> str:
        return "validate_claim_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return [] if metadata(tracker).get("member_token") else domain_slots

    def validate_phone(self, value, dispatcher, tracker, domain) -> dict:
        return validate_phone(value, dispatcher, tracker)


class ValidateCouponsForm(ValidateClaimForm):
    def name(self) -> str:
        return "validate_coupons_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return domain_slots  # listing coupons needs the phone: that is how they are filed


def coupon_line(coupon: dict, lang: str) -> str:
    status = {"claimed": ("可使用", "ready to use"), "redeemed": ("已使用", "used"), "expired": ("已过期", "expired")}
    zh, en = status[coupon["status"]]
    title = names(coupon["campaign"]["title"], lang)
    until = coupon["campaign"]["valid_to"][:10]
    return say(lang, f"· {title}，券码 {coupon['code']}，{zh}，有效期至 {until}",
               f"· {title}, code {coupon['code']}, {en}, valid until {until}")


class ClaimCoupon(Action):
    def name(self) -> str:
        return "action_claim_coupon"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        campaign = tracker.get_slot("coupon_code") or DEFAULT_CAMPAIGN
        token = metadata(tracker).get("member_token")
        body = {"campaign": campaign, **({"member_token": token} if token else {"phone": tracker.get_slot("phone")})}
        try:
            coupon = API.post("/coupons/claims", body, lang)
        except ApiError as error:
            dispatcher.utter_message(text=error.message)
            return []
        dispatcher.utter_message(text=say(lang, "领取成功！", "Done, it's yours!") + "\n" + coupon_line(coupon, lang)
                                 + "\n" + names(coupon["campaign"]["rules"], lang))
        return []


class MyCoupons(Action):
    def name(self) -> str:
        return "action_my_coupons"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        try:
            coupons = API.get(f"/members/{tracker.get_slot('phone')}/coupons", lang)["coupons"]
        except ApiError as error:
            if error.code == "member_not_found":
                dispatcher.utter_message(text=say(lang, "这个手机号还没有领过券。", "No coupons on that number yet."))
            else:
                dispatcher.utter_message(text=error.message)
            return []
        if not coupons:
            dispatcher.utter_message(text=say(lang, "您还没有券。", "You have no coupons yet."))
            return []
        dispatcher.utter_message(text=say(lang, "您的券：", "Your coupons:") + "\n" + "\n".join(coupon_line(c, lang) for c in coupons)
                                 + "\n" + say(lang, "到店结账时出示券码，店员核销即可。",
                                              "In store, show the code at the till and staff will redeem it."))
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
        dispatcher.utter_message(text="\n".join(lines) + "\n" + say(
            lang, "标注“门店”或“线上和门店”的券可以在门店用：结账时出示券码，每张券只能用一次。",
            "Coupons marked \"in store\" or \"online and in store\" work in our stores: show the code at the till; "
            "each can be used once."))
        return []
