"""Verified sign-in by SMS code, hashed device tokens, and erasure on request."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from webapp.store import looks, members, privacy, timeutil
from webapp.store.models import Member, MemberToken, SignInCode

from .helpers import fails
from .test_concurrency import _race

PHONE = "13655550123"  # in no seeded record


def sign_in(session, phone=PHONE, now=None) -> str:
    _, code = members.request_code(session, phone, now=now)
    return members.verify_code(session, phone, code, now=now)["member_token"]


def test_a_code_signs_in_and_only_a_hash_is_kept(session):
    number, code = members.request_code(session, "+86 136-5555-0123")
    assert number == PHONE and len(code) == 6 and code.isdigit()
    signed_in = members.verify_code(session, PHONE, code)
    token = signed_in["member_token"]
    assert signed_in["member"]["phone"] == "136****0123"
    assert members.member_for_token(session, token).phone == PHONE
    stored = session.scalars(select(MemberToken.token_hash)).all() + session.scalars(select(SignInCode.code_hash)).all()
    assert token not in stored and code not in stored
    fails("sign_in_code_invalid", 400, members.verify_code, session, PHONE, code)  # used once only


def test_wrong_codes_use_up_the_code(session):
    _, code = members.request_code(session, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(members.CODE_ATTEMPTS):
        fails("sign_in_code_invalid", 400, members.verify_code, session, PHONE, wrong)
    fails("sign_in_code_invalid", 400, members.verify_code, session, PHONE, code)


def test_parallel_guesses_get_no_more_than_the_allowed_tries(db):
    with db.session() as session:
        _, code = members.request_code(session, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    outcomes = _race(db, 30, lambda s, i: members.verify_code(s, PHONE, wrong))
    assert set(outcomes) == {("sign_in_code_invalid", 400)}
    with db.session() as session:
        assert session.scalar(select(SignInCode.attempts)) == members.CODE_ATTEMPTS
        fails("sign_in_code_invalid", 400, members.verify_code, session, PHONE, code)


def test_codes_are_rationed_per_phone(session):
    now = timeutil.now()
    members.request_code(session, PHONE, now=now)
    error = fails("sign_in_code_too_soon", 429, members.request_code, session, PHONE, now=now + timedelta(seconds=10))
    assert error.params["seconds"] == 51
    for minute in range(1, members.CODES_PER_PHONE_PER_HOUR):
        members.request_code(session, PHONE, now=now + timedelta(minutes=minute))
    fails("sign_in_code_limit", 429, members.request_code, session, PHONE, now=now + timedelta(minutes=10))


def test_an_expired_code_is_refused(session):
    now = timeutil.now()
    _, code = members.request_code(session, PHONE, now=now)
    fails("sign_in_code_invalid", 400, members.verify_code, session, PHONE, code, now=now + members.CODE_TTL)


def test_unknown_or_missing_tokens_are_refused(session):
    for token in (None, "", "x" * 40, 12345):
        fails("sign_in_required", 401, members.member_for_token, session, token)


def test_sign_out_revokes_that_device_only(session):
    now = timeutil.now()
    phone_token = sign_in(session, now=now)
    kiosk_token = sign_in(session, now=now + timedelta(minutes=2))
    members.sign_out(session, phone_token)
    fails("sign_in_required", 401, members.member_for_token, session, phone_token)
    assert members.member_for_token(session, kiosk_token).phone == PHONE


def test_erasure_leaves_nothing_personal(db, db_url):
    with db.session() as session:
        token = sign_in(session)
        looks.save_look(
            session,
            {
                "consent": True,
                "items": [{"sku": "LIP-101"}],
                "skin_tone": {"ita": 30.0, "category": "intermediate", "undertone": "warm"},
            },
            token,
        )
    with db.session() as session:
        erased = privacy.erase_member(session, token)
        assert (erased["deleted_looks"], erased["deleted_skin_analyses"]) == (1, 1)
        fails("sign_in_required", 401, members.member_for_token, session, token)
        assert session.scalar(select(Member).where(Member.phone == PHONE)) is None
        assert session.scalar(select(text("count(*)")).select_from(MemberToken)) == 0
    if db_url.startswith("sqlite"):
        db.dispose()
        path = Path(make_url(db_url).database)
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert PHONE.encode() not in stored
        assert path.stat().st_mode & 0o777 == 0o600


def test_erasure_cancels_upcoming_bookings_and_frees_their_seats(session):
    from webapp.store import consultations
    from webapp.store.models import Booking, TimeSlot

    token = sign_in(session)
    member = members.member_for_token(session, token)
    slot = consultations.available_slots(session, "makeup", store_code="jingan")[0]
    consultations.book(session, slot["id"], "王芳", member)
    before = session.get(TimeSlot, slot["id"]).booked
    erased = privacy.erase_member(session, token)
    assert (erased["cancelled_bookings"], erased["anonymised_bookings"]) == (1, 1)
    session.expire_all()
    assert session.get(TimeSlot, slot["id"]).booked == before - 1
    booking = session.scalar(select(Booking))
    assert (booking.status, booking.name, booking.phone) == ("cancelled", "", "")
