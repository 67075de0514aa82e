from datetime import timedelta

import pytest

from webapp.store import repairs, timeutil

from .helpers import answer, fails, member

TICKET, LAST4, OWNER = "R-20417", "5678", "13912345678"  # seed: member phone 13912345678


def test_owner_sees_status_and_timeline(session):
    ticket = repairs.ticket_status(session, TICKET, LAST4)
    assert ticket["status"] == "awaiting_parts" and ticket["step"] == 3 and ticket["steps"] == 6
    assert ticket["engineer"] == "林师傅" and ticket["eta"]
    assert [e["status"] for e in ticket["timeline"]] == ["received", "diagnosing", "awaiting_parts"]
    assert ticket["status_label"] == {"zh": "等待配件", "en": "awaiting parts"}


@pytest.mark.parametrize("spelling", ["r20417", " R-20417 ", "R20417", "r-20417"])
def test_ticket_id_spellings(session, spelling):
    assert repairs.ticket_status(session, spelling, LAST4)["id"] == TICKET


def test_wrong_digits_are_refused_and_lock_after_five(session):
    now = timeutil.now()
    for _ in range(repairs.MAX_FAILED_CHECKS):
        wrong = fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, "0000", now=now)
    assert "5" in wrong.message("en") and "15" in wrong.message("en")
    # locked: even the right digits are refused until the lock expires, with the same answer
    locked = fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, LAST4, now=now)
    assert answer(locked) == answer(wrong)
    later = now + timedelta(minutes=repairs.LOCK_MINUTES, seconds=1)
    assert repairs.ticket_status(session, TICKET, LAST4, now=later)["id"] == TICKET


def test_an_unknown_ticket_answers_like_wrong_digits(session):
    wrong = fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, "0000")
    unknown = fails("repair_verification_failed", 403, repairs.ticket_status, session, "R-99999", "0000")
    assert answer(unknown) == answer(wrong)
    for _ in range(repairs.MAX_FAILED_CHECKS):  # an unknown ticket never locks, so no lock to tell it by
        unknown = fails("repair_verification_failed", 403, repairs.ticket_status, session, "R-99999", LAST4)
        assert answer(unknown) == answer(wrong)


def test_a_right_answer_resets_the_count(session):
    for _ in range(repairs.MAX_FAILED_CHECKS - 1):
        fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, "1111")
    repairs.ticket_status(session, TICKET, LAST4)
    fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, "1111")
    assert repairs.ticket_status(session, TICKET, LAST4)["id"] == TICKET


@pytest.mark.parametrize(
    "ticket, last4, code, status",
    [
        ("20417", LAST4, "invalid_field", 400),
        ("R-2041", LAST4, "invalid_field", 400),
        (TICKET, "56", "invalid_field", 400),
        (TICKET, None, "invalid_field", 400),
    ],
)
def test_bad_lookups(session, ticket, last4, code, status):
    fails(code, status, repairs.ticket_status, session, ticket, last4)


def test_staff_append_events(session):
    ticket = repairs.add_event(
        session, TICKET, "repairing", note_zh="配件到了", note_en="Part arrived", staff="advisor-01", eta="2030-01-05"
    )
    assert ticket["status"] == "repairing" and ticket["eta"] == "2030-01-05"
    assert ticket["timeline"][-1] == {
        "status": "repairing",
        "note": {"zh": "配件到了", "en": "Part arrived"},
        "at": ticket["timeline"][-1]["at"],
    }
    # the owner sees it
    assert repairs.ticket_status(session, TICKET, LAST4)["timeline"][-1]["status"] == "repairing"


def test_events_only_move_forward(session):
    fails("repair_status_backwards", 409, repairs.add_event, session, TICKET, "received")
    fails("invalid_field", 400, repairs.add_event, session, TICKET, "teleported")
    fails("invalid_field", 400, repairs.add_event, session, TICKET, "repairing", eta="next week")
    # a refused event left the ticket as it was
    assert repairs.ticket_status(session, TICKET, LAST4)["status"] == "awaiting_parts"
    same = repairs.add_event(session, TICKET, "awaiting_parts", note_en="Supplier delayed")
    assert same["timeline"][-1]["note"]["en"] == "Supplier delayed"


def test_the_signed_in_owner_sees_the_ticket_whatever_the_lock(session):
    for _ in range(repairs.MAX_FAILED_CHECKS):
        fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, "0000")
    fails("repair_verification_failed", 403, repairs.ticket_status, session, TICKET, LAST4)
    owner = member(session, OWNER)
    ticket = repairs.ticket_for_member(session, "r20417", owner)
    assert ticket["id"] == TICKET and ticket["status"] == "awaiting_parts" and len(ticket["timeline"]) == 3
    # someone else's ticket and no ticket at all look the same
    stranger = member(session, "13800138001")
    fails("ticket_not_found", 404, repairs.ticket_for_member, session, TICKET, stranger)
    fails("ticket_not_found", 404, repairs.ticket_for_member, session, "R-99999", owner)
    fails("invalid_field", 400, repairs.ticket_for_member, session, "hello", owner)


def test_a_members_open_and_recent_repairs(session):
    assert [t["id"] for t in repairs.member_tickets(session, member(session, OWNER))] == [TICKET]
    finished = member(session, "13800138001")  # R-20401, completed 3 days ago
    assert [t["id"] for t in repairs.member_tickets(session, finished)] == ["R-20401"]
    later = timeutil.now() + timedelta(days=repairs.RECENT_DAYS)
    assert repairs.member_tickets(session, finished, now=later) == []
    assert [t["id"] for t in repairs.member_tickets(session, member(session, OWNER), now=later)] == [TICKET]
    assert repairs.member_tickets(session, member(session, "13700137000")) == []
