from datetime import timedelta

import pytest
from sqlalchemy import update

from webapp.store import consultations, timeutil
from webapp.store.models import Member, TimeSlot

from .helpers import answer, fails, member

NAME, PHONE, LAST4 = "李雷", "13800138000", "8000"
OTHER_PHONE = "13900139000"


def _first_slot(session, service="makeup", store="jingan"):
    return consultations.available_slots(session, service, store_code=store)[0]


def _move_slot_to_the_past(session, slot_id):
    session.execute(
        update(TimeSlot).where(TimeSlot.id == slot_id).values(starts_at=timeutil.now() - timedelta(hours=1))
    )
    session.commit()


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


def test_a_member_books_and_gets_a_short_code_and_a_link_code(session):
    owner = member(session, PHONE)
    slot = _first_slot(session)
    booking = consultations.book(session, slot["id"], f" {NAME} ", owner)
    assert booking["status"] == "confirmed" and booking["code"].startswith("BK") and len(booking["code"]) == 8
    assert len(booking["link_code"]) == 32 and booking["slot"]["available"] == slot["available"] - 1
    # the phone comes from the verified member, and is never shown whole
    assert booking["name"] == NAME and booking["phone"] == "138****8000"


def test_a_short_code_opens_only_with_the_phones_last_digits(session):
    booking = consultations.book(session, _first_slot(session)["id"], NAME, member(session, PHONE))
    seen = consultations.get_booking(session, booking["code"].lower(), phone_last4=LAST4)
    assert seen["code"] == booking["code"] and (seen["name"], seen["phone"]) == ("李*", "138****8000")
    assert "link_code" not in seen
    wrong_digits = fails(
        "booking_not_found", 404, consultations.get_booking, session, booking["code"], phone_last4="0000"
    )
    wrong_code = fails("booking_not_found", 404, consultations.get_booking, session, "BK222222", phone_last4=LAST4)
    assert answer(wrong_digits) == answer(wrong_code)  # nothing tells which one was wrong
    fails("missing_field", 400, consultations.get_booking, session, booking["code"])
    fails("invalid_field", 400, consultations.get_booking, session, booking["code"], phone_last4="80")


def test_the_link_code_opens_alone_and_shows_masked_data(session):
    booking = consultations.book(session, _first_slot(session)["id"], "Jane Doe", member(session, PHONE))
    seen = consultations.get_booking(session, booking["link_code"])
    assert seen["code"] == booking["code"] and (seen["name"], seen["phone"]) == ("J*", "138****8000")
    assert "link_code" not in seen
    other = ("A" if booking["link_code"][0] != "A" else "B") + booking["link_code"][1:]
    fails("booking_not_found", 404, consultations.get_booking, session, other)


def test_the_signed_in_owner_opens_with_no_digits(session):
    owner, stranger = member(session, PHONE), member(session, OTHER_PHONE)
    booking = consultations.book(session, _first_slot(session)["id"], NAME, owner)
    seen = consultations.get_booking(session, booking["code"], member=owner)
    assert (seen["name"], seen["phone"], seen["link_code"]) == (NAME, "138****8000", booking["link_code"])
    refused = fails("booking_not_found", 404, consultations.get_booking, session, booking["code"], member=stranger)
    unknown = fails("booking_not_found", 404, consultations.get_booking, session, "BK222222", member=owner)
    assert answer(refused) == answer(unknown)


def test_a_members_bookings_newest_first(session):
    owner, stranger = member(session, PHONE), member(session, OTHER_PHONE)
    first, second = consultations.available_slots(session, "makeup", store_code="jingan")[:2]
    older = consultations.book(session, first["id"], NAME, owner, now=timeutil.now() - timedelta(minutes=5))
    newer = consultations.book(session, second["id"], NAME, owner)
    consultations.book(session, second["id"], "韩梅梅", stranger)
    listed = consultations.member_bookings(session, owner)
    assert [b["code"] for b in listed] == [newer["code"], older["code"]]
    assert all(b["name"] == NAME and b["link_code"] for b in listed)
    assert consultations.member_bookings(session, member(session, "13700137000")) == []


def test_a_member_holds_at_most_three_upcoming_bookings(session):
    owner = member(session, PHONE)
    slots = consultations.available_slots(session, "makeup", store_code="xujiahui")[:5]
    made = [consultations.book(session, s["id"], NAME, owner) for s in slots[: consultations.MAX_ACTIVE_BOOKINGS]]
    error = fails("booking_limit_reached", 409, consultations.book, session, slots[3]["id"], NAME, owner)
    assert "3" in error.message("zh") and "3" in error.message("en")
    assert session.get(TimeSlot, slots[3]["id"]).booked == 0  # the refused booking took no seat
    consultations.cancel(session, made[0]["code"], member=owner)
    consultations.book(session, slots[3]["id"], NAME, owner)
    # a booking whose time has passed is no longer held
    _move_slot_to_the_past(session, slots[1]["id"])
    assert consultations.book(session, slots[4]["id"], NAME, owner)["status"] == "confirmed"


def test_an_erased_member_no_longer_books(session):
    gone = member(session, PHONE)
    session.execute(update(Member).where(Member.id == gone.id).values(erased_at=timeutil.now()))
    session.commit()
    fails("sign_in_required", 401, consultations.book, session, _first_slot(session)["id"], NAME, gone)


def test_full_slot_is_refused(session):
    slot = _first_slot(session, "home_design")  # capacity 1
    consultations.book(session, slot["id"], NAME, member(session, PHONE))
    fails("slot_full", 409, consultations.book, session, slot["id"], "韩梅梅", member(session, OTHER_PHONE))
    free = consultations.available_slots(session, "home_design", store_code="jingan")
    assert slot["id"] not in {s["id"] for s in free}


def test_past_slot_is_refused(session):
    slot = _first_slot(session)
    _move_slot_to_the_past(session, slot["id"])
    fails("slot_in_past", 422, consultations.book, session, slot["id"], NAME, member(session, PHONE))


@pytest.mark.parametrize(
    "slot_id, name, code, status",
    [
        (None, "", "invalid_field", 400),
        (None, "x" * 61, "invalid_field", 400),
        (None, None, "invalid_field", 400),
        ("abc", NAME, "invalid_field", 400),
        (99999999, NAME, "slot_not_found", 404),
    ],
)
def test_bad_bookings(session, slot_id, name, code, status):
    slot_id = slot_id or _first_slot(session)["id"]
    fails(code, status, consultations.book, session, slot_id, name, member(session, PHONE))


def test_cancel_frees_the_seat(session):
    slot = _first_slot(session, "home_design")
    booking = consultations.book(session, slot["id"], NAME, member(session, PHONE))
    fails("booking_not_found", 404, consultations.cancel, session, booking["code"], phone_last4="0000")
    cancelled = consultations.cancel(session, booking["code"], phone_last4=LAST4)
    assert cancelled["status"] == "cancelled" and cancelled["slot"]["available"] == 1
    fails("booking_cancelled", 409, consultations.cancel, session, booking["link_code"])
    fails("booking_not_found", 404, consultations.cancel, session, "BKNOPE", phone_last4=LAST4)
    assert consultations.book(session, slot["id"], "韩梅梅", member(session, OTHER_PHONE))["status"] == "confirmed"


def test_reschedule_moves_the_seat(session):
    owner = member(session, PHONE)
    first, second = consultations.available_slots(session, "home_design", store_code="xujiahui")[:2]
    booking = consultations.book(session, first["id"], NAME, owner)
    moved = consultations.reschedule(session, booking["link_code"], second["id"])
    assert moved["slot"]["id"] == second["id"] and moved["code"] == booking["code"] and moved["name"] == "李*"
    ids = {s["id"] for s in consultations.available_slots(session, "home_design", store_code="xujiahui")}
    assert first["id"] in ids and second["id"] not in ids
    fails("booking_same_slot", 409, consultations.reschedule, session, booking["code"], second["id"], member=owner)
    back = consultations.reschedule(session, booking["code"], first["id"], phone_last4=LAST4)
    assert back["slot"]["id"] == first["id"]
    assert [session.get(TimeSlot, s["id"]).booked for s in (first, second)] == [1, 0]


def test_reschedule_to_a_full_slot_keeps_the_booking(session):
    owner = member(session, PHONE)
    first, second = consultations.available_slots(session, "home_design", store_code="qiantan")[:2]
    booking = consultations.book(session, first["id"], NAME, owner)
    consultations.book(session, second["id"], "韩梅梅", member(session, OTHER_PHONE))
    fails("slot_full", 409, consultations.reschedule, session, booking["code"], second["id"], member=owner)
    session.expire_all()
    kept = consultations.get_booking(session, booking["code"], member=owner)
    assert kept["slot"]["id"] == first["id"] and kept["status"] == "confirmed"
    assert session.get(TimeSlot, first["id"]).booked == 1


def test_a_booking_whose_time_has_come_can_no_longer_change(session):
    owner = member(session, PHONE)
    first, second = consultations.available_slots(session, "makeup", store_code="jingan")[:2]
    booking = consultations.book(session, first["id"], NAME, owner)
    _move_slot_to_the_past(session, first["id"])
    fails("booking_started", 409, consultations.reschedule, session, booking["code"], second["id"], member=owner)
    fails("booking_started", 409, consultations.cancel, session, booking["code"], member=owner)


def test_unknown_service(session):
    fails("service_not_found", 404, consultations.available_slots, session, "tattoo")
