"""Many shoppers at once: the limits hold on SQLite and PostgreSQL alike."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from webapp.store import StoreError, codes, consultations, coupons, repairs
from webapp.store.models import Booking, CouponCampaign, Member, TimeSlot

from ..staff_session import advisor_context
from .helpers import fails, member


def _race(db, count, operation):
    """Run ``operation(session, i)`` in ``count`` threads released together; outcomes in order."""
    barrier = threading.Barrier(count)

    def attempt(i):
        with db.session() as session:
            barrier.wait()
            try:
                return "ok", operation(session, i)
            except StoreError as error:
                return error.code, error.status

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def test_fifty_redemptions_of_one_code(db):
    with db.session() as session:
        code = coupons.claim(session, "STORE100", "13800138000")["code"]
        advisor = advisor_context(session)
    outcomes = _race(db, 50, lambda s, i: coupons.redeem(s, code, "jingan", "1000", staff=advisor))
    assert sum(o[0] == "ok" for o in outcomes) == 1
    assert sorted({o for o in outcomes if o[0] != "ok"}) == [("coupon_already_redeemed", 409)]


def _seats_match_bookings(session) -> int:
    """Every slot's ``booked`` equals its confirmed bookings; returns the seats held overall."""
    booked = dict(session.execute(select(TimeSlot.id, TimeSlot.booked).where(TimeSlot.booked != 0)).all())
    held = dict(
        session.execute(
            select(Booking.slot_id, func.count()).where(Booking.status == "confirmed").group_by(Booking.slot_id)
        ).all()
    )
    assert booked == held
    return sum(booked.values())


def test_twenty_bookings_for_the_last_seat(db):
    with db.session() as session:
        slot = consultations.available_slots(session, "makeup", store_code="jingan")[0]
        session.execute(update(TimeSlot).where(TimeSlot.id == slot["id"]).values(capacity=3, booked=2))
        session.commit()
        shoppers = [member(session, f"1380013{i:04d}").id for i in range(20)]
    outcomes = _race(db, 20, lambda s, i: consultations.book(s, slot["id"], f"顾客{i}", s.get(Member, shoppers[i])))
    assert sum(o[0] == "ok" for o in outcomes) == 1
    assert {o for o in outcomes if o[0] != "ok"} == {("slot_full", 409)}
    with db.session() as session:
        assert session.get(TimeSlot, slot["id"]).booked == 3


def test_claims_past_the_quota_never_over_issue(db):
    with db.session() as session:
        session.execute(update(CouponCampaign).where(CouponCampaign.code == "NEW50").values(total_quota=10))
        session.commit()
    outcomes = _race(db, 30, lambda s, i: coupons.claim(s, "NEW50", f"1390013{i:04d}"))
    assert sum(o[0] == "ok" for o in outcomes) == 10
    assert {o for o in outcomes if o[0] != "ok"} == {("coupon_quota_exhausted", 409)}
    with db.session() as session:
        assert coupons.get_campaign(session, "NEW50").issued == 10


def test_one_member_racing_for_a_limited_coupon_gets_only_the_limit(db):
    outcomes = _race(db, 10, lambda s, i: coupons.claim(s, "STORE100", "13800138000"))
    assert sum(o[0] == "ok" for o in outcomes) == 2  # per-member limit
    assert {o for o in outcomes if o[0] != "ok"} == {("coupon_limit_reached", 409)}


def test_one_member_booking_twenty_slots_at_once_gets_only_the_limit(db):
    with db.session() as session:
        owner = member(session, "13800138000").id
        slots = [s["id"] for s in consultations.available_slots(session, "makeup", store_code="jingan")[:20]]
    outcomes = _race(db, 20, lambda s, i: consultations.book(s, slots[i], "李雷", s.get(Member, owner)))
    assert sum(o[0] == "ok" for o in outcomes) == consultations.MAX_ACTIVE_BOOKINGS
    assert {o for o in outcomes if o[0] != "ok"} == {("booking_limit_reached", 409)}
    with db.session() as session:
        assert _seats_match_bookings(session) == consultations.MAX_ACTIVE_BOOKINGS


def test_fifty_reschedules_of_one_booking_move_its_one_seat(db):
    with db.session() as session:
        slots = [s["id"] for s in consultations.available_slots(session, "makeup", store_code="jingan")[:51]]
        booking = consultations.book(session, slots[0], "李雷", member(session, "13800138000"))
    outcomes = _race(
        db, 50, lambda s, i: consultations.reschedule(s, booking["code"], slots[i + 1], phone_last4="8000")
    )
    assert any(o[0] == "ok" for o in outcomes)
    assert {o for o in outcomes if o[0] != "ok"} <= {("booking_changed", 409)}
    with db.session() as session:
        assert _seats_match_bookings(session) == 1
        moved = session.scalar(select(Booking).where(Booking.code == booking["code"]))
        assert moved.status == "confirmed" and session.get(TimeSlot, moved.slot_id).booked == 1


def test_parallel_wrong_repair_guesses_get_at_most_five_looks(db, monkeypatch):
    looks = []
    compare = codes.last4_matches
    monkeypatch.setattr(codes, "last4_matches", lambda phone, digits: looks.append(digits) or compare(phone, digits))
    outcomes = _race(db, 300, lambda s, i: repairs.ticket_status(s, "R-20417", f"{i:04d}"))  # the owner's is 5678
    assert set(outcomes) == {("repair_verification_failed", 403)}
    assert len(looks) == repairs.MAX_FAILED_CHECKS
    with db.session() as session:  # locked now, even for the right digits; the signed-in owner still sees it
        fails("repair_verification_failed", 403, repairs.ticket_status, session, "R-20417", "5678")
        assert repairs.ticket_for_member(session, "R-20417", member(session, "13912345678"))["id"] == "R-20417"
