from datetime import timedelta

import pytest
from sqlalchemy import update

from webapp.store import consultations, timeutil
from webapp.store.models import TimeSlot

from .helpers import fails

NAME, PHONE = "李雷", "13800138000"


def _first_slot(session, service="makeup", store="jingan"):
    return consultations.available_slots(session, service, store_code=store)[0]


def test_services_and_slots(session):
    assert {s["code"] for s in consultations.list_services(session)} == {"makeup", "home_design", "repair_dropoff"}
    slots = consultations.available_slots(session, "home_design", store_code="jingan")
    starts = [s["starts_at"] for s in slots]
    assert starts == sorted(starts) and len(slots) > 50
    assert all(s["store"] == "jingan" and s["available"] >= 1 for s in slots)
    assert starts[0] > timeutil.to_iso(timeutil.now())


def test_slots_in_a_date_range(session):
    start = timeutil.now().replace(hour=0, minute=0, second=0) + timedelta(days=3)
    slots = consultations.available_slots(session, "makeup", start=start, end=start + timedelta(days=1))
    assert slots and all(s["starts_at"][:10] == start.date().isoformat() for s in slots)
    assert len({s["store"] for s in slots}) == 10


def test_book_takes_a_seat_and_returns_a_code(session):
    slot = _first_slot(session)
    booking = consultations.book(session, slot["id"], NAME, "138 0013 8000")
    assert booking["status"] == "confirmed" and booking["code"].startswith("BK") and len(booking["code"]) == 8
    assert booking["phone"] == PHONE and booking["slot"]["available"] == slot["available"] - 1
    assert consultations.booking_dict(consultations.get_booking(session, booking["code"].lower()))["code"] == booking["code"]


def test_full_slot_is_refused(session):
    slot = _first_slot(session, "home_design")  # capacity 1
    consultations.book(session, slot["id"], NAME, PHONE)
    fails("slot_full", 409, consultations.book, session, slot["id"], "韩梅梅", "13900139000")
    assert slot["id"] not in {s["id"] for s in consultations.available_slots(session, "home_design", store_code="jingan")}


def test_past_slot_is_refused(session):
    slot = _first_slot(session)
    session.execute(update(TimeSlot).where(TimeSlot.id == slot["id"])
                    .values(starts_at=timeutil.now() - timedelta(hours=1)))
    session.commit()
    fails("slot_in_past", 422, consultations.book, session, slot["id"], NAME, PHONE)


@pytest.mark.parametrize("slot_id, name, phone, code, status", [
    (None, NAME, "12345", "invalid_phone", 400),
    (None, "", PHONE, "invalid_field", 400),
    (None, "x" * 61, PHONE, "invalid_field", 400),
    ("abc", NAME, PHONE, "invalid_field", 400),
    (99999999, NAME, PHONE, "slot_not_found", 404),
])
def test_bad_bookings(session, slot_id, name, phone, code, status):
    fails(code, status, consultations.book, session, slot_id or _first_slot(session)["id"], name, phone)


def test_cancel_frees_the_seat(session):
    slot = _first_slot(session, "home_design")
    booking = consultations.book(session, slot["id"], NAME, PHONE)
    cancelled = consultations.cancel(session, booking["code"])
    assert cancelled["status"] == "cancelled" and cancelled["slot"]["available"] == 1
    fails("booking_cancelled", 409, consultations.cancel, session, booking["code"])
    fails("booking_not_found", 404, consultations.cancel, session, "BKNOPE")
    assert consultations.book(session, slot["id"], "韩梅梅", "13900139000")["status"] == "confirmed"


def test_reschedule_moves_the_seat(session):
    first, second = consultations.available_slots(session, "home_design", store_code="xujiahui")[:2]
    booking = consultations.book(session, first["id"], NAME, PHONE)
    moved = consultations.reschedule(session, booking["code"], second["id"])
    assert moved["slot"]["id"] == second["id"] and moved["code"] == booking["code"]
    ids = {s["id"] for s in consultations.available_slots(session, "home_design", store_code="xujiahui")}
    assert first["id"] in ids and second["id"] not in ids
    fails("booking_same_slot", 409, consultations.reschedule, session, booking["code"], second["id"])


def test_reschedule_to_a_full_slot_keeps_the_booking(session):
    first, second = consultations.available_slots(session, "home_design", store_code="qiantan")[:2]
    booking = consultations.book(session, first["id"], NAME, PHONE)
    consultations.book(session, second["id"], "韩梅梅", "13900139000")
    fails("slot_full", 409, consultations.reschedule, session, booking["code"], second["id"])
    session.expire_all()
    kept = consultations.booking_dict(consultations.get_booking(session, booking["code"]))
    assert kept["slot"]["id"] == first["id"] and kept["status"] == "confirmed"


def test_unknown_service(session):
    fails("service_not_found", 404, consultations.available_slots, session, "tattoo")
