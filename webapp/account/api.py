"""Sign-in by SMS code, and what a signed-in member sees of their own data."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import member_token
from ..database import db_session
from ..i18n import request_language
from ..limits import limiter
from ..store import coupons, members, privacy
from ..store.members import CODE_RESEND_AFTER, CODE_TTL
from . import sms

bp = Blueprint("member", __name__, description="Member sign-in (SMS code), the member's own data, erasure")


class PhoneIn(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))


class CodeIn(PhoneIn):
    code = fields.String(required=True, validate=validate.Length(min=1, max=10))


@bp.post("/auth/codes")
@limiter.limit("5 per minute;30 per hour")
@bp.arguments(PhoneIn)
@bp.response(202)
def request_code(body: dict):
    """Text a one-time code to the phone; the answer is the same for members and strangers."""
    phone, code = members.request_code(db_session(), body["phone"])
    sms.send_code(phone, code, request_language())
    return {"sent": True, "expires_in": int(CODE_TTL.total_seconds()), "resend_after": int(CODE_RESEND_AFTER.total_seconds())}


@bp.post("/auth/codes/verify")
@limiter.limit("10 per minute;60 per hour")
@bp.arguments(CodeIn)
@bp.response(200)
def verify_code(body: dict):
    return members.verify_code(db_session(), body["phone"], body["code"])


@bp.post("/auth/sign-out")
@bp.response(200)
def sign_out():
    return members.sign_out(db_session(), member_token())


@bp.get("/members/me")
@bp.response(200)
def me():
    return members.member_dict(members.member_for_token(db_session(), member_token()))


@bp.get("/members/me/coupons")
@bp.response(200)
def my_coupons():
    session = db_session()
    return {"coupons": coupons.member_coupons(session, members.member_for_token(session, member_token()).phone)}


@bp.delete("/privacy/me")
@bp.response(200)
def erase_me():
    """Erase the member's personal data and sign every device out (PIPL)."""
    return privacy.erase_member(db_session(), member_token())
