"""Staff accounts, console sign-in lockout, store scope and the audit log (issue 11)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.store import consultations, coupons, staff, timeutil
from webapp.store.models import AuditEntry, Booking, RepairEvent, StaffAccount

from .helpers import answer, fails, member
from .test_concurrency import _race

PASSWORD = "correct horse battery"
ADDRESS = "203.0.113.7"


def _create(session, username="li.na", store="jingan", role="advisor", name="李娜", **kwargs) -> dict:
    return staff.create_account(session, username, name, store, role, PASSWORD, **kwargs)


def _sign_in(session, username="li.na", password=PASSWORD, address=ADDRESS, **kwargs):
    return staff.sign_in(session, username, password, address, **kwargs)


def _audit(session) -> list[tuple]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(r.staff_name, r.action, r.subject, r.detail) for r in rows]


# --- accounts ------------------------------------------------------------------------------------


def test_an_account_keeps_only_an_argon2_hash(session):
    account = _create(session, username=" Li.Na ")
    assert account | {"id": 0, "created_at": ""} == {
        "id": 0,
        "username": "li.na",
        "name": "李娜",
        "store": "jingan",
        "role": "advisor",
        "active": True,
        "created_at": "",
    }
    stored = session.scalar(select(StaffAccount.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_account_input_is_checked(session):
    _create(session)
    assert answer(fails("staff_username_taken", 409, _create, session, username="LI.NA"))[3] == (
        "The username li.na is already taken."
    )
    fails("staff_username_invalid", 422, _create, session, username="li na")
    fails("staff_name_invalid", 422, _create, session, username="wang", name="王\n芳")
    fails("store_not_found", 404, _create, session, username="wang", store="mars")
    fails("invalid_field", 400, _create, session, username="wang", role="owner")
    error = fails(
        "staff_password_weak", 422, staff.create_account, session, "wang", "王芳", "jingan", "advisor", "short"
    )
    assert error.message("zh") == "密码需为 10 到 128 个字符。"


def test_a_manager_adds_and_disables_advisors_of_their_own_store_only(session):
    manager, _ = _sign_in(session, _create(session, "boss", role="store_manager", name="周店长")["username"])
    advisor, _ = _sign_in(session, _create(session)["username"])
    other_manager, _ = _sign_in(session, _create(session, "far", "lujiazui", "store_manager")["username"])
    added = _create(session, "wang.fang", name="王芳", by=manager)
    assert added["store"] == "jingan"
    fails("staff_manager_only", 403, _create, session, "zhao", by=advisor)
    fails("staff_manager_only", 403, _create, session, "zhao", role="store_manager", by=manager)
    fails("staff_wrong_store", 403, _create, session, "zhao", by=other_manager)
    fails("staff_wrong_store", 403, staff.disable, session, "wang.fang", by=other_manager)
    fails("staff_manager_only", 403, staff.disable, session, "boss", by=manager)
    assert staff.disable(session, "wang.fang", by=manager)["active"] is False
    assert [(a["username"], a["active"]) for a in staff.list_staff(session, manager.store_id)] == [
        ("boss", True),
        ("li.na", True),
        ("wang.fang", False),
    ]
    assert _audit(session) == [
        ("周店长", "staff_added", "wang.fang", {"name": "王芳"}),
        ("周店长", "staff_disabled", "wang.fang", {}),
    ]


# --- sign-in and sessions ----------------------------------------------------------------------------


def test_sign_in_gives_the_staff_member_and_a_session_that_a_reset_or_disabling_ends(session):
    _create(session)
    who, session_id = _sign_in(session)
    assert (who.name, who.store_code, who.role, who.is_manager) == ("李娜", "jingan", "advisor", False)
    assert staff.staff_for_session(session, session_id) == who
    staff.reset_password(session, "li.na", "a brand new password")
    assert staff.staff_for_session(session, session_id) is None
    fails("staff_sign_in_failed", 401, _sign_in, session)
    _, session_id = _sign_in(session, password="a brand new password")
    staff.disable(session, "li.na")
    assert staff.staff_for_session(session, session_id) is None
    for forged in ("", "x:y", f"{who.id}:", f"{who.id}:wrong", "99999999999:abc", None):
        assert staff.staff_for_session(session, forged) is None


def test_wrong_and_unknown_get_the_same_answer_and_a_disabled_account_is_refused(session):
    _create(session)
    wrong = answer(fails("staff_sign_in_failed", 401, _sign_in, session, password="not the password"))
    assert wrong == answer(fails("staff_sign_in_failed", 401, _sign_in, session, username="nobody"))
    staff.disable(session, "li.na")
    error = fails("staff_disabled", 403, _sign_in, session)
    assert error.message("en") == "This account is disabled; please ask your store manager."


def test_an_account_locks_after_five_wrong_passwords_for_fifteen_minutes(session):
    _create(session)
    now = timeutil.now()
    for _ in range(staff.ACCOUNT_TRIES):
        fails("staff_sign_in_failed", 401, _sign_in, session, password="guess guess", now=now)
    error = fails("staff_locked", 429, _sign_in, session, now=now + timedelta(minutes=1))
    assert error.message("en") == "Too many failed sign-ins; please try again in 14 minutes."
    assert error.message("zh") == "登录失败次数过多，请 14 分钟后再试。" and error.params["seconds"] == 14 * 60
    # from another address too: the lock is the account's
    fails("staff_locked", 429, _sign_in, session, address="198.51.100.1", now=now + timedelta(minutes=14))
    who, _ = _sign_in(session, now=now + timedelta(minutes=15))
    assert who.name == "李娜"


def test_a_right_password_clears_the_account_count(session):
    _create(session)
    now = timeutil.now()
    for _ in range(staff.ACCOUNT_TRIES - 1):
        fails("staff_sign_in_failed", 401, _sign_in, session, password="guess guess", now=now)
    _sign_in(session, now=now)
    for _ in range(staff.ACCOUNT_TRIES - 1):
        fails("staff_sign_in_failed", 401, _sign_in, session, password="guess guess", now=now)
    assert _sign_in(session, now=now)[0].name == "李娜"


def test_an_address_locks_after_twenty_failures_over_any_accounts(session):
    _create(session)
    now = timeutil.now()
    for i in range(staff.ADDRESS_TRIES):
        fails("staff_sign_in_failed", 401, _sign_in, session, username=f"guess{i}", now=now)
    fails("staff_locked", 429, _sign_in, session, now=now)  # the right password, from that address
    assert _sign_in(session, address="198.51.100.1", now=now)[0].name == "李娜"


def test_successful_sign_ins_never_lock_a_shared_store_tablet(session):
    _create(session)
    now = timeutil.now()
    for _ in range(staff.ADDRESS_TRIES + 5):
        _sign_in(session, now=now)
    fails("staff_sign_in_failed", 401, _sign_in, session, password="typo typo typo", now=now)
    assert _sign_in(session, now=now)[0].name == "李娜"


def test_parallel_guesses_get_no_more_comparisons_than_the_limit(db):
    with db.session() as session:
        _create(session)
    outcomes = _race(db, 12, lambda s, i: _sign_in(s, password=f"guess number {i}"))
    assert sum(o == ("staff_sign_in_failed", 401) for o in outcomes) == staff.ACCOUNT_TRIES
    assert sum(o == ("staff_locked", 429) for o in outcomes) == 12 - staff.ACCOUNT_TRIES


# --- store scope and audit -----------------------------------------------------------------------


@pytest.fixture
def advisor(session):
    _create(session)
    return _sign_in(session)[0]


def test_redeeming_is_scoped_to_the_advisors_store_and_audited(session, advisor):
    code = coupons.claim(session, "STORE100", "13800138000")["code"]
    error = fails("staff_wrong_store", 403, coupons.redeem, session, code, "xujiahui", "900", staff=advisor)
    assert error.message("en") == "This belongs to another store; you can only act for your own store (jingan)."
    assert error.message("zh") == "这属于其他门店，您只能处理本店（jingan）的业务。"
    assert coupons.get_claim(session, code).status == "claimed" and _audit(session) == []
    assert coupons.redeem(session, code, "jingan", "900", staff=advisor)["status"] == "redeemed"
    assert _audit(session) == [("李娜", "coupon_redeemed", code, {"order_amount": 900.0})]


def test_a_refused_redemption_leaves_no_audit_row(session, advisor):
    code = coupons.claim(session, "STORE100", "13800138000")["code"]
    fails("coupon_min_spend", 422, coupons.redeem, session, code, "jingan", "10", staff=advisor)
    assert _audit(session) == []


def test_repair_steps_are_scoped_signed_and_audited(session, advisor):
    def step(ticket_id: str, status: str, **notes: str) -> dict:
        return staff.add_repair_event(session, advisor, ticket_id, status=status, **notes)

    fails("staff_wrong_store", 403, step, "R-20402", "repairing")
    fails("ticket_not_found", 404, step, "R-99999", "repairing")
    assert step("r20417", "repairing", note_zh="已换屏", staff="冒名")["status"] == "repairing"
    signed = session.scalars(select(RepairEvent.staff).where(RepairEvent.ticket_id == "R-20417"))
    assert list(signed)[-1] == "李娜"
    fails("repair_status_backwards", 409, step, "R-20417", "received")
    assert _audit(session) == [("李娜", "repair_update", "R-20417", {"status": "repairing"})]


def _booking_today(session):
    """A jingan booking, and a moment on its day before it starts."""
    slot = consultations.available_slots(session, "makeup", store_code="jingan")[0]
    code = consultations.book(session, slot["id"], "韩梅梅", member(session, "13800138000"))["code"]
    starts = session.scalar(select(Booking).where(Booking.code == code)).slot.starts_at
    return code, starts


def test_check_in_complete_and_no_show_are_scoped_and_audited(session, advisor):
    code, starts = _booking_today(session)
    before = starts - timedelta(minutes=30)
    other, _ = _sign_in(session, _create(session, "far", "lujiazui")["username"])
    fails("staff_wrong_store", 403, consultations.staff_mark, session, code, "check_in", staff=other, now=before)
    fails("booking_not_today", 409, consultations.staff_mark, session, code, "check_in", staff=advisor,
          now=starts - timedelta(days=1))  # fmt: skip
    fails("booking_not_started", 409, consultations.staff_mark, session, code, "no_show", staff=advisor, now=before)
    fails("booking_wrong_status", 409, consultations.staff_mark, session, code, "complete", staff=advisor, now=before)
    checked = consultations.staff_mark(session, code, "check_in", staff=advisor, now=before)
    assert (checked["status"], checked["name"], checked["phone"]) == ("checked_in", "韩梅梅", "138****8000")
    error = fails(
        "booking_wrong_status", 409, consultations.staff_mark, session, code, "no_show", staff=advisor, now=starts
    )
    assert error.message("zh") == "该预约当前为“已签到”，不能执行此操作。"
    assert consultations.staff_mark(session, code, "complete", staff=advisor, now=starts)["status"] == "completed"
    assert [row[1:3] for row in _audit(session)] == [("booking_checked_in", code), ("booking_completed", code)]
    today = consultations.store_day_bookings(session, advisor.store_id, starts.date())
    assert [(b["code"], b["status"]) for b in today] == [(code, "completed")]


def test_a_no_show_once_the_booking_started(session, advisor):
    code, starts = _booking_today(session)
    marked = consultations.staff_mark(session, code, "no_show", staff=advisor, now=starts + timedelta(minutes=10))
    assert marked["status"] == "no_show"
    assert [row[1] for row in _audit(session)] == ["booking_no_show"]


def test_the_audit_log_is_the_managers_of_their_own_store(session, advisor):
    manager, _ = _sign_in(session, _create(session, "boss", role="store_manager")["username"])
    far, _ = _sign_in(session, _create(session, "far", "lujiazui", "store_manager")["username"])
    code = coupons.claim(session, "STORE100", "13800138000")["code"]
    coupons.redeem(session, code, "jingan", "900", staff=advisor)
    fails("staff_manager_only", 403, staff.audit_log, session, advisor)
    [entry] = staff.audit_log(session, manager)
    assert (entry["staff"], entry["action"], entry["subject"]) == ("李娜", "coupon_redeemed", code)
    assert entry["action_label"] == {"zh": "核销优惠券", "en": "redeemed a coupon"}
    assert staff.audit_log(session, far) == []
    assert staff.audit_log(session, manager, before=entry["id"]) == []
