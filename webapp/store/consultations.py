"""Consultation services, their time slots per store, and bookings.

A seat is taken with one conditional UPDATE (``booked = booked + 1 WHERE booked <
capacity``), so concurrent bookings can never overfill a slot on SQLite or PostgreSQL.
A booking is changed only by an UPDATE conditioned on the slot and status it was read with,
so a move or cancel that lost a race changes nothing. Booking needs a verified member, whose
row is locked before their bookings are counted.

A booking opens by its long link code alone, or by its short code with the phone's last 4
digits, or by its short code for the signed-in member who made it; names and phones shown
are masked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..text import BOOKING_STATUS_WORDS
from . import audit, codes, timeutil, validate
from .catalog import get_store, store_dict
from .db import found, unit_of_work
from .errors import StoreError
from .members import mask_phone
from .models import Booking, ConsultationService, Look, Member, RoomPlan, TimeSlot
from .staff import StaffContext, require_store

MAX_RANGE_DAYS = 31
MAX_ACTIVE_BOOKINGS = 3  # upcoming confirmed bookings one member may hold
MAX_SHARE_CODES = 5  # saved looks and room plans brought to one consultation
MAX_NOTES = 2000
MAX_UPCOMING_DAYS = 14  # how far ahead the console's list of bookings reaches


def service_dict(service: ConsultationService) -> dict:
    return {
        "code": service.code,
        "name": {"zh": service.name_zh, "en": service.name_en},
        "duration_min": service.duration_min,
    }


def slot_dict(slot: TimeSlot) -> dict:
    return {
        "id": slot.id,
        "service": slot.service_code,
        "store": slot.store.code,
        "starts_at": timeutil.to_iso(slot.starts_at),
        "ends_at": timeutil.to_iso(slot.ends_at),
        "capacity": slot.capacity,
        "available": slot.capacity - slot.booked,
    }


def booking_dict(booking: Booking, member: Member | None = None) -> dict:
    """The phone is always masked; only the signed-in owner sees the full name and the link code."""
    owner = member is not None and booking.member_id == member.id
    slot = booking.slot
    result = {
        "code": booking.code,
        "status": booking.status,
        "name": booking.name if owner else booking.name[:1] + "*",
        "phone": mask_phone(booking.phone),
        "service": service_dict(slot.service),
        "store": store_dict(slot.store),
        "slot": slot_dict(slot),
        "created_at": timeutil.to_iso(booking.created_at),
    }
    if owner:
        result["link_code"] = booking.link_code
    return result


def list_services(session: Session) -> list[dict]:
    return [service_dict(s) for s in session.scalars(select(ConsultationService).order_by(ConsultationService.code))]


def get_service(session: Session, code: object) -> ConsultationService:
    service = session.get(ConsultationService, str(code).strip().lower()) if code else None
    return found(service, "service_not_found", service=code)


def available_slots(
    session: Session,
    service: object,
    *,
    store_code: object = None,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """Slots with a free seat, in time order; at most ``MAX_RANGE_DAYS`` are searched."""
    now = now or timeutil.now()
    code = get_service(session, service).code
    start = max(start or now, now)
    end = end or start + timedelta(days=14)
    if end <= start:
        raise StoreError("invalid_field", field="to", reason="must be after 'from'")
    end = min(end, start + timedelta(days=MAX_RANGE_DAYS))
    query = (
        select(TimeSlot)
        .where(
            TimeSlot.service_code == code,
            TimeSlot.starts_at >= start,
            TimeSlot.starts_at < end,
            TimeSlot.booked < TimeSlot.capacity,
        )
        .order_by(TimeSlot.starts_at, TimeSlot.store_id)
    )
    if store_code:
        query = query.where(TimeSlot.store_id == get_store(session, store_code).id)
    return [slot_dict(s) for s in session.scalars(query)]


def _open_slot(session: Session, slot_id: object, now: datetime) -> TimeSlot:
    slot = found(session.get(TimeSlot, validate.integer(slot_id, "slot_id", minimum=1)), "slot_not_found")
    if slot.starts_at <= now:
        raise StoreError("slot_in_past", 422)
    return slot


def _take_seat(session: Session, slot_id: int) -> None:
    taken = session.execute(
        update(TimeSlot)
        .where(TimeSlot.id == slot_id, TimeSlot.booked < TimeSlot.capacity)
        .values(booked=TimeSlot.booked + 1)
    ).rowcount
    if not taken:
        raise StoreError("slot_full", 409)


def _release_seat(session: Session, slot_id: int) -> None:
    session.execute(
        update(TimeSlot).where(TimeSlot.id == slot_id, TimeSlot.booked > 0).values(booked=TimeSlot.booked - 1)
    )


def lock_member(session: Session, member: Member) -> None:
    """Lock the member's row before counting or erasing, so one member's parallel bookings (and an erasure)
    go one at a time; a member erased meanwhile (tokens revoked, phone gone) no longer books."""
    locked = session.execute(
        update(Member).where(Member.id == member.id, Member.erased_at.is_(None)).values(name=Member.name)
    ).rowcount
    if not locked:
        raise StoreError("sign_in_required", 401)


def _active_bookings(session: Session, member: Member, now: datetime) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Booking)
        .join(TimeSlot, Booking.slot_id == TimeSlot.id)
        .where(Booking.member_id == member.id, Booking.status == "confirmed", TimeSlot.starts_at > now)
    )


def _share_codes(session: Session, raw: object) -> list[str]:
    """Share codes of saved looks or room plans that exist, upper-cased, each once; unknown ones are 422."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_SHARE_CODES or not all(isinstance(c, str) for c in raw):
        raise StoreError("invalid_field", field="share_codes", reason=f"a list of up to {MAX_SHARE_CODES} codes")
    wanted = list(dict.fromkeys(c.strip().upper() for c in raw if c.strip()))
    known = set(session.scalars(select(Look.share_code).where(Look.share_code.in_(wanted))))
    known |= set(session.scalars(select(RoomPlan.code).where(RoomPlan.code.in_(wanted))))
    for code in wanted:
        if code not in known:
            raise StoreError("share_code_unknown", 422, share=code[:20])
    return wanted


@unit_of_work
def book(
    session: Session,
    slot_id: object,
    name: object,
    member: Member,
    now: datetime | None = None,
    share_codes: object = None,
) -> dict:
    """Book a seat for a verified member (phone from the member), up to MAX_ACTIVE_BOOKINGS upcoming;
    ``share_codes`` name the saved looks and room plans the advisor should see."""
    now = now or timeutil.now()
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 60:
        raise StoreError("invalid_field", field="name", reason="a name up to 60 characters")
    shared = _share_codes(session, share_codes)
    slot = _open_slot(session, slot_id, now)
    lock_member(session, member)
    if _active_bookings(session, member, now) >= MAX_ACTIVE_BOOKINGS:
        raise StoreError("booking_limit_reached", 409, limit=MAX_ACTIVE_BOOKINGS)
    _take_seat(session, slot.id)
    booking = Booking(
        code=codes.new_code("BK", 6),
        link_code=codes.new_link_code(),
        member_id=member.id,
        slot_id=slot.id,
        name=name.strip(),
        phone=member.phone,
        status="confirmed",
        created_at=now,
        share_codes=shared,
    )
    session.add(booking)
    session.flush()
    session.refresh(slot)
    return booking_dict(booking, member)


def find_booking(
    session: Session, code: object, *, phone_last4: object = None, member: Member | None = None
) -> Booking:
    """The booking ``code`` opens: a link code alone, a short code with the phone's last 4 digits
    or for the signed-in member who made it. Every miss is the same 404, so nothing leaks."""
    text = str(code or "").strip()
    if len(text) == codes.LINK_CODE_LENGTH:
        booking = session.scalar(select(Booking).where(Booking.link_code == text))
        opened = booking is not None
    else:
        if phone_last4 is None and member is None:
            raise StoreError("missing_field", field="phone_last4")
        digits = None if phone_last4 is None else codes.phone_last4(phone_last4)
        booking = session.scalar(select(Booking).where(Booking.code == text.upper())) if text else None
        opened = booking is not None and (
            (member is not None and booking.member_id == member.id)
            or (digits is not None and codes.last4_matches(booking.phone, digits))
        )
    if not opened:
        raise StoreError("booking_not_found", 404)
    return booking


def get_booking(session: Session, code: object, *, phone_last4: object = None, member: Member | None = None) -> dict:
    return booking_dict(find_booking(session, code, phone_last4=phone_last4, member=member), member)


def member_bookings(session: Session, member: Member) -> list[dict]:
    """All of a member's bookings, newest first."""
    query = select(Booking).where(Booking.member_id == member.id).order_by(Booking.created_at.desc(), Booking.id.desc())
    return [booking_dict(b, member) for b in session.scalars(query)]


def _changeable(session: Session, code: object, phone_last4: object, member: Member | None, now: datetime) -> Booking:
    booking = find_booking(session, code, phone_last4=phone_last4, member=member)
    if booking.status == "cancelled":
        raise StoreError("booking_cancelled", 409)
    if booking.slot.starts_at <= now:
        raise StoreError("booking_started", 409)
    return booking


def _change(session: Session, booking: Booking, **values: object) -> None:
    """Change the booking only as it was read: a concurrent move or cancel makes this one fail."""
    changed = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.slot_id == booking.slot_id, Booking.status == "confirmed")
        .values(**values)
    ).rowcount
    if not changed:
        raise StoreError("booking_changed", 409)


@unit_of_work
def cancel(
    session: Session,
    code: object,
    *,
    phone_last4: object = None,
    member: Member | None = None,
    now: datetime | None = None,
) -> dict:
    now = now or timeutil.now()
    booking = _changeable(session, code, phone_last4, member, now)
    slot_id = booking.slot_id
    _change(session, booking, status="cancelled", cancelled_at=now)
    _release_seat(session, slot_id)
    session.refresh(booking)
    session.refresh(booking.slot)
    return booking_dict(booking, member)


@unit_of_work
def reschedule(
    session: Session,
    code: object,
    new_slot_id: object,
    *,
    phone_last4: object = None,
    member: Member | None = None,
    now: datetime | None = None,
) -> dict:
    """Move a booking in one transaction: the move, the new seat and the old seat's release."""
    now = now or timeutil.now()
    booking = _changeable(session, code, phone_last4, member, now)
    new_slot = _open_slot(session, new_slot_id, now)
    old_slot_id = booking.slot_id
    if new_slot.id == old_slot_id:
        raise StoreError("booking_same_slot", 409)
    _change(session, booking, slot_id=new_slot.id)
    seats = {new_slot.id: _take_seat, old_slot_id: _release_seat}
    for slot_id in sorted(seats):  # slot rows locked in id order, so crossing moves never deadlock
        seats[slot_id](session, slot_id)
    session.refresh(booking)
    session.refresh(new_slot)
    return booking_dict(booking, member)


def cancel_upcoming(session: Session, member: Member, now: datetime) -> int:
    """Cancel the member's bookings that have not started (on erasure), freeing their seats; the caller
    holds ``lock_member`` and commits."""
    upcoming = session.scalars(
        select(Booking)
        .join(TimeSlot, Booking.slot_id == TimeSlot.id)
        .where(Booking.member_id == member.id, Booking.status == "confirmed", TimeSlot.starts_at > now)
    ).all()
    for booking in upcoming:
        slot_id = booking.slot_id
        _change(session, booking, status="cancelled", cancelled_at=now)
        _release_seat(session, slot_id)
    return len(upcoming)


# --- at the store: staff check shoppers in, complete or mark no-shows -------------------------

# action: (status it moves from, status it moves to)
STAFF_MOVES = {
    "check_in": ("confirmed", "checked_in"),
    "complete": ("checked_in", "completed"),
    "no_show": ("confirmed", "no_show"),
}


def staff_booking_dict(booking: Booking) -> dict:
    """What the store's staff see: the full name to greet the shopper by, the phone still masked."""
    slot = booking.slot
    return {
        "code": booking.code,
        "status": booking.status,
        "name": booking.name,
        "phone": mask_phone(booking.phone),
        "service": service_dict(slot.service),
        "store": slot.store.code,
        "starts_at": timeutil.to_iso(slot.starts_at),
        "ends_at": timeutil.to_iso(slot.ends_at),
        "notes": booking.notes or "",
        "share_codes": booking.share_codes or [],
        "member": booking.member_id is not None,  # a member's chat can receive recommendations
    }


def store_day_bookings(session: Session, store_id: int, day: date, days: int = 1) -> list[dict]:
    """A store's bookings on ``day`` and the ``days - 1`` after it, in time order, cancelled ones left out."""
    start = datetime.combine(day, datetime.min.time())
    days = max(1, min(days, MAX_UPCOMING_DAYS))
    query = (
        select(Booking)
        .join(TimeSlot, Booking.slot_id == TimeSlot.id)
        .where(
            TimeSlot.store_id == store_id,
            TimeSlot.starts_at >= start,
            TimeSlot.starts_at < start + timedelta(days=days),
            Booking.status != "cancelled",
        )
        .order_by(TimeSlot.starts_at, Booking.id)
    )
    return [staff_booking_dict(b) for b in session.scalars(query)]


@unit_of_work
def staff_mark(
    session: Session, code: object, action: str, *, staff: StaffContext, now: datetime | None = None
) -> dict:
    """Check in (on the booking's day), complete (after check-in) or mark a no-show (once started), as
    one UPDATE conditioned on the status read; ``staff`` act for their own store only, audited."""
    now = now or timeutil.now()
    booking = staff_booking(session, code, staff)
    source, target = STAFF_MOVES[action]
    starts_at = booking.slot.starts_at
    if booking.status != source:
        raise StoreError("booking_wrong_status", 409, state=BOOKING_STATUS_WORDS[booking.status])
    if action == "check_in" and starts_at.date() != now.date():
        raise StoreError("booking_not_today", 409, day=f"{starts_at:%Y-%m-%d}")
    if action == "no_show" and starts_at > now:
        raise StoreError("booking_not_started", 409, starts_at=f"{starts_at:%H:%M}")
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == source).values(status=target)
    ).rowcount
    if not changed:
        raise StoreError("booking_changed", 409)
    audit.record(session, staff, f"booking_{target}", booking.code, at=now)
    session.refresh(booking)
    return staff_booking_dict(booking)


def staff_booking(session: Session, code: object, staff: StaffContext) -> Booking:
    """The booking with short ``code``, for staff of its store only."""
    text = str(code or "").strip().upper()
    booking = found(session.scalar(select(Booking).where(Booking.code == text)) if text else None, "booking_not_found")
    require_store(staff, booking.slot.store_id)
    return booking


@unit_of_work
def set_notes(
    session: Session, code: object, notes: object, *, staff: StaffContext, now: datetime | None = None
) -> dict:
    """Replace the advisors' notes on a booking of their own store (audited); control characters other
    than line breaks are dropped."""
    if not isinstance(notes, str) or len(notes) > MAX_NOTES:
        raise StoreError("invalid_field", field="notes", reason=f"text up to {MAX_NOTES} characters")
    booking = staff_booking(session, code, staff)
    cleaned = "".join(c for c in notes if c in "\n\t" or c.isprintable()).strip()
    session.execute(update(Booking).where(Booking.id == booking.id).values(notes=cleaned))
    audit.record(session, staff, "booking_notes", booking.code, at=now, length=len(cleaned))
    session.refresh(booking)
    return staff_booking_dict(booking)
