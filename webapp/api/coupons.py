from flask import jsonify

from ..auth import require_role
from ..database import db_session
from ..store import coupons, looks, validate
from . import bp
from .params import json_body


@bp.get("/coupons/campaigns")
def list_campaigns():
    return jsonify(campaigns=coupons.list_campaigns(db_session()))


@bp.post("/coupons/claims")
@require_role("service", "staff")
def claim_coupon():
    """For a member by ``phone``, or by the ``member_token`` the chat widget knows."""
    body = json_body()
    session = db_session()
    phone = looks.member_for_token(session, body["member_token"]).phone if body.get("member_token") \
        else validate.required(body, "phone")
    return jsonify(coupons.claim(session, validate.required(body, "campaign"), phone)), 201


@bp.get("/members/<phone>/coupons")
@require_role("service", "staff")
def member_coupons(phone: str):
    return jsonify(coupons=coupons.member_coupons(db_session(), phone))


@bp.post("/coupons/redeem")
@require_role("staff")
def redeem_coupon():
    body = json_body()
    return jsonify(coupons.redeem(
        db_session(), validate.required(body, "code"), validate.required(body, "store"),
        validate.required(body, "order_amount"),
    ))
