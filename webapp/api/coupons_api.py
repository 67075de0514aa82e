from marshmallow import Schema

from ..auth import acting_role, current_staff, member_token, signed_in_member
from ..database import db_session
from ..store import coupons
from .base import Blueprint, Code, Moment, Number, Text, requires

blp = Blueprint("coupons", __name__, description="Coupon campaigns, claims and in-store redemption")


class ClaimBody(Schema):
    """For the signed-in member (``X-Member-Token``), or for a ``phone`` by staff at the counter."""

    campaign = Code(required=True)
    phone = Text(20)


class PhonePath(Schema):
    phone = Text(20, min_length=1, required=True)


class CouponPath(Schema):
    code = Text(20, min_length=1, pattern=r"^[A-Za-z0-9-]+$", required=True, metadata={"example": "C8K2M4Q7"})


class RedemptionsQuery(Schema):
    store = Code()  # a console session's own store when not given
    day = Moment()


class RedeemBody(Schema):
    code = Text(20, min_length=1, required=True)
    store = Code(required=True)
    order_amount = Number(0, 10_000_000, required=True)


@blp.get("/coupons/campaigns")
@blp.response(200)
def list_campaigns():
    return {"campaigns": coupons.list_campaigns(db_session())}


@blp.post("/coupons/claims")
@blp.doc(security=[{"memberToken": []}, {"staffSession": []}])
@blp.arguments(ClaimBody)
@blp.response(201)
def claim_coupon(body: dict):
    # a typed phone number proves nothing: only staff, who see the shopper, may claim for one
    staff_for_phone = body.get("phone") and not member_token() and acting_role() == "staff"
    phone = body["phone"] if staff_for_phone else signed_in_member().phone
    return coupons.claim(db_session(), body["campaign"], phone)


@blp.get("/members/<phone>/coupons")
@requires("staff")
@blp.arguments(PhonePath, location="path", as_kwargs=True)
@blp.response(200)
def member_coupons(phone: str):
    return {"coupons": coupons.member_coupons(db_session(), phone)}


@blp.post("/coupons/redeem")
@requires("staff")
@blp.arguments(RedeemBody)
@blp.response(200)
def redeem_coupon(body: dict):
    return coupons.redeem(db_session(), body["code"], body["store"], body["order_amount"], staff=current_staff())


@blp.get("/coupons/claims/<code>")
@requires("staff")
@blp.arguments(CouponPath, location="path", as_kwargs=True)
@blp.response(200)
def coupon_at_the_till(code: str):
    return coupons.till_view(db_session(), code)


@blp.get("/coupons/redemptions")
@requires("staff")
@blp.arguments(RedemptionsQuery, location="query", as_kwargs=True)
@blp.response(200)
def store_redemptions(store: str | None = None, day=None):
    return {"redemptions": coupons.store_redemptions(db_session(), current_staff(), store, day.date() if day else None)}
