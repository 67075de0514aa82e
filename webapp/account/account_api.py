"""Sign-in by SMS code, and what a signed-in member sees of their own data."""

from marshmallow import Schema

from ..api.base import Blueprint, Text, signed_in
from ..auth import member_token, signed_in_member
from ..chat import assistant_client
from ..database import db_session
from ..i18n import request_language
from ..limits import limiter
from ..store import consultations, coupons, members, privacy, repairs
from ..store.members import CODE_RESEND_AFTER, CODE_TTL
from . import sms

blp = Blueprint("member", __name__, description="Member sign-in (SMS code), the member's own data, erasure")


class PhoneIn(Schema):
    phone = Text(20, min_length=1, required=True, metadata={"example": "13800138000"})


class CodeIn(PhoneIn):
    code = Text(10, min_length=1, required=True, metadata={"example": "123456"})


class TicketPath(Schema):
    ticket_id = Text(8, pattern=r"^[Rr]-?\d{5}$", required=True, metadata={"example": "R-20417"})


@blp.post("/auth/codes")
@limiter.limit("5 per minute;30 per hour")
@blp.arguments(PhoneIn)
@blp.response(202)
def request_code(body: dict):
    """Text a one-time code to the phone; the answer is the same for members and strangers."""
    phone, code = members.request_code(db_session(), body["phone"])
    sms.send_code(phone, code, request_language())
    return {
        "sent": True,
        "expires_in": int(CODE_TTL.total_seconds()),
        "resend_after": int(CODE_RESEND_AFTER.total_seconds()),
    }


@blp.post("/auth/codes/verify")
@limiter.limit("10 per minute;60 per hour")
@blp.arguments(CodeIn)
@blp.response(200)
def verify_code(body: dict):
    return members.verify_code(db_session(), body["phone"], body["code"])


@blp.post("/auth/sign-out")
@signed_in
@blp.response(200)
def sign_out():
    return members.sign_out(db_session(), member_token())


@blp.get("/members/me")
@signed_in
@blp.response(200)
def me():
    return members.member_dict(signed_in_member())


@blp.get("/members/me/coupons")
@signed_in
@blp.response(200)
def my_coupons():
    return {"coupons": coupons.member_coupons(db_session(), signed_in_member().phone)}


@blp.get("/members/me/bookings")
@signed_in
@blp.response(200)
def my_bookings():
    return {"bookings": consultations.member_bookings(db_session(), signed_in_member())}


@blp.get("/members/me/repairs")
@signed_in
@blp.response(200)
def my_repairs():
    return {"tickets": repairs.member_tickets(db_session(), signed_in_member())}


@blp.get("/members/me/repairs/<ticket_id>")
@signed_in
@blp.arguments(TicketPath, location="path", as_kwargs=True)
@blp.response(200)
def my_repair(ticket_id: str):
    """The owner's own ticket: no phone digits asked, and never locked by others' wrong guesses."""
    return repairs.ticket_for_member(db_session(), ticket_id, signed_in_member())


@blp.delete("/privacy/me")
@signed_in
@blp.response(200)
def erase_me():
    """Erase the member's personal data and sign every device out (PIPL)."""
    return privacy.erase_member(db_session(), member_token(), forget=assistant_client.client().forget)
