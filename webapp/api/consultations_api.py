from marshmallow import Schema

from ..auth import current_staff, optional_member, signed_in_member
from ..database import db_session
from ..limits import limiter
from ..store import consultations
from .base import Blueprint, Choice, Code, Integer, Items, Moment, Text, requires, signed_in

blp = Blueprint("consultations", __name__, description="Consultation services, free slots and bookings")


class SlotQuery(Schema):
    service = Code(required=True)
    store_code = Code(data_key="store")
    start = Moment(data_key="from")
    end = Moment(data_key="to")


# a short code with the booker's phone digits, a link code, or the owner signed in opens a booking;
# lookups are rationed per client, which makes guessing short code + digits (~43 bits) hopeless
LOOKUP_LIMIT = "10 per minute;100 per hour"
MEMBER_OR_CODE = [{"memberToken": []}, {}]


def Last4(**kwargs):  # noqa: N802
    return Text(4, pattern=r"^\d{4}$", metadata={"example": "5678"}, **kwargs)


class BookingBody(Schema):
    slot_id = Integer(required=True)
    name = Text(60, min_length=1, required=True)
    # saved looks and room plans the shopper brings: the advisor sees them with the booking
    share_codes = Items(Code(), consultations.MAX_SHARE_CODES)


class NotesBody(Schema):
    notes = Text(consultations.MAX_NOTES, required=True)


class OwnerQuery(Schema):
    phone_last4 = Last4()


class OwnerBody(Schema):
    phone_last4 = Last4()


class MoveBody(OwnerBody):
    slot_id = Integer(required=True)


class BookingPath(Schema):
    code = Code(required=True)


class StaffMovePath(BookingPath):
    action = Choice(tuple(consultations.STAFF_MOVES), required=True)


@blp.get("/consultations/services")
@blp.response(200)
def list_services():
    return {"services": consultations.list_services(db_session())}


@blp.get("/consultations/slots")
@blp.arguments(SlotQuery, location="query", as_kwargs=True)
@blp.response(200)
def available_slots(service: str, **query):
    return {"slots": consultations.available_slots(db_session(), service, **query)}


@blp.post("/bookings")
@limiter.limit("10 per minute;50 per hour")
@signed_in
@blp.arguments(BookingBody)
@blp.response(201)
def book(body: dict):
    return consultations.book(
        db_session(), body["slot_id"], body["name"], signed_in_member(), share_codes=body.get("share_codes")
    )


def by_code(view):
    """A route on one booking named by its code: a rationed lookup, opened by the signed-in owner or the
    phone's last four digits."""
    view = blp.arguments(BookingPath, location="path", as_kwargs=True)(view)
    return limiter.limit(LOOKUP_LIMIT)(blp.doc(security=MEMBER_OR_CODE)(view))


@blp.get("/bookings/<code>")
@by_code
@blp.arguments(OwnerQuery, location="query", as_kwargs=True)
@blp.response(200)
def get_booking(code: str, phone_last4: str | None = None):
    return consultations.get_booking(db_session(), code, phone_last4=phone_last4, member=optional_member())


@blp.post("/bookings/<code>/cancel")
@by_code
@blp.arguments(OwnerBody, as_kwargs=True)
@blp.response(200)
def cancel_booking(code: str, phone_last4: str | None = None):
    return consultations.cancel(db_session(), code, phone_last4=phone_last4, member=optional_member())


@blp.post("/bookings/<code>/reschedule")
@by_code
@blp.arguments(MoveBody, as_kwargs=True)
@blp.response(200)
def reschedule_booking(code: str, slot_id: int, phone_last4: str | None = None):
    return consultations.reschedule(db_session(), code, slot_id, phone_last4=phone_last4, member=optional_member())


@blp.post("/bookings/<code>/staff/<action>")
@requires("staff")
@blp.arguments(StaffMovePath, location="path", as_kwargs=True)
@blp.response(200)
def staff_move_booking(code: str, action: str):
    """At the store: ``check_in``, ``complete`` or ``no_show`` (a console session: own store only, audited)."""
    return consultations.staff_mark(db_session(), code, action, staff=current_staff())


@blp.put("/bookings/<code>/notes")
@requires("staff")
@blp.arguments(BookingPath, location="path", as_kwargs=True)
@blp.arguments(NotesBody)
@blp.response(200)
def staff_booking_notes(body: dict, code: str):
    """The advisors' notes on a booking (a console session: own store only, audited)."""
    return consultations.set_notes(db_session(), code, body["notes"], staff=current_staff())
