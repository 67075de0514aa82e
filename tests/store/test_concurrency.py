"""Many shoppers at once: the limits hold on SQLite and PostgreSQL alike."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update

from webapp.store import StoreError, consultations, coupons
from webapp.store.models import CouponCampaign, TimeSlot


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
    outcomes = _race(db, 50, lambda s, i: coupons.redeem(s, code, "jingan", "1000"))
    assert sum(o[0] == "ok" for o in outcomes) == 1
    assert sorted(set(o for o in outcomes if o[0] != "ok")) == [("coupon_already_redeemed", 409)]


def test_twenty_bookings_for_the_last_seat(db):
    with db.session() as session:
        slot = consultations.available_slots(session, "makeup", store_code="jingan")[0]
        session.execute(update(TimeSlot).where(TimeSlot.id == slot["id"]).values(capacity=3, booked=2))
        session.commit()
    outcomes = _race(db, 20, lambda s, i: consultations.book(s, slot["id"], f"顾客{i}", f"1380013{i:04d}"))
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
