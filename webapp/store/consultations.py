"""Consultation services, their time slots per store, and bookings.

A seat is taken with one conditional UPDATE (``booked = booked + 1 WHERE booked <
capacity``), so concurrent bookings can never overfill a slot on SQLite or PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import timeutil, validate
from .catalog import get_store, store_dict
from .codes import new_code
from .db import unit_of_work
from .errors import StoreError
from .models import Booking, ConsultationService, TimeSlot

MAX_RANGE_DAYS = 31


def service_dict(service: ConsultationService) -> dict:
    return {"code": service.code, "name": {"zh": service.name_zh, "en": service.name_en},
            "duration_min": service.duration_min}


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


def booking_dict(booking: Booking) -> dict:
    slot = booking.slot
    return {
        "code": booking.code,
        "status": booking.status,
        "name": booking.name,
        "phone": booking.phone,
        "service": service_dict(slot.service),
        "store": store_dict(slot.store),
        "slot": slot_dict(slot),
        "created_at": timeutil.to_iso(booking.created_at),
    }


def list_services(session: Session) -> list[dict]:
    return [service_dict(s) for s in session.scalars(select(ConsultationService).order_by(ConsultationService.code))]


def get_service(session: Session, code: object) -> ConsultationService:
    service = session.get(ConsultationService, str(code).strip().lower()) if code else None
    if service is None:
        raise StoreError("service_not_found", 404, service=code)
    return service


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
        .where(TimeSlot.service_code == code, TimeSlot.starts_at >= start, TimeSlot.starts_at < end,
               TimeSlot.booked < TimeSlot.capacity)
        .order_by(TimeSlot.starts_at, TimeSlot.store_id)
    )
    if store_code:
        query = query.where(TimeSlot.store_id == get_store(session, store_code).id)
    return [slot_dict(s) for s in session.scalars(query)]


def _take_seat(session: Session, slot_id: object, now: datetime) -> TimeSlot:
    slot = session.get(TimeSlot, validate.integer(slot_id, "slot_id", minimum=1))
    if slot is None:
        raise StoreError("slot_not_found", 404)
    if slot.starts_at <= now:
        raise StoreError("slot_in_past", 422)
    taken = session.execute(
        update(TimeSlot).where(TimeSlot.id == slot.id, TimeSlot.booked < TimeSlot.capacity)
        .values(booked=TimeSlot.booked + 1)
    ).rowcount
    if not taken:
        raise StoreError("slot_full", 409)
    return slot


def _release_seat(session: Session, slot_id: int) -> None:
    session.execute(update(TimeSlot).where(TimeSlot.id == slot_id, TimeSlot.booked > 0)
                    .values(booked=TimeSlot.booked - 1))


@unit_of_work
def book(session: Session, slot_id: object, name: object, phone: object, now: datetime | None = None) -> dict:
    now = now or timeutil.now()
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 60:
        raise StoreError("invalid_field", field="name", reason="a name up to 60 characters")
    number = validate.phone(phone)
    slot = _take_seat(session, slot_id, now)
    booking = Booking(code=new_code("BK", 6), slot_id=slot.id, name=name.strip(), phone=number,
                      status="confirmed", created_at=now)
    session.add(booking)
    session.flush()
    session.refresh(slot)
    return booking_dict(booking)


def get_booking(session: Session, code: object) -> Booking:
    booking = session.scalar(select(Booking).where(Booking.code == str(code).strip().upper())) if code else None
    if booking is None:
        raise StoreError("booking_not_found", 404, booking=code)
    return booking


def _active_booking(session: Session, code: object) -> Booking:
    booking = get_booking(session, code)
    if booking.status == "cancelled":
        raise StoreError("booking_cancelled", 409)
    return booking


@unit_of_work
def cancel(session: Session, code: object, now: datetime | None = None) -> dict:
    booking = _active_booking(session, code)
    cancelled = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == "confirmed")
        .values(status="cancelled", cancelled_at=now or timeutil.now())
    ).rowcount
    if not cancelled:  # a concurrent cancel got there first
        raise StoreError("booking_cancelled", 409)
    _release_seat(session, booking.slot_id)
    session.refresh(booking)
    session.refresh(booking.slot)
    return booking_dict(booking)


@unit_of_work
def reschedule(session: Session, code: object, new_slot_id: object, now: datetime | None = None) -> dict:
    now = now or timeutil.now()
    booking = _active_booking(session, code)
    if validate.integer(new_slot_id, "slot_id", minimum=1) == booking.slot_id:
        raise StoreError("booking_same_slot", 409)
    new_slot = _take_seat(session, new_slot_id, now)
    _release_seat(session, booking.slot_id)
    booking.slot_id = new_slot.id
    session.flush()
    session.refresh(booking)
    session.refresh(new_slot)
    return booking_dict(booking)
