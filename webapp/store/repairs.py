"""Repair tickets: progress for the owner (ticket id + phone's last 4 digits, or signed in), events by staff.

Every check by digits is counted by one conditional UPDATE before the digits are compared, and
the MAX_FAILED_CHECKS-th in a row locks the ticket for LOCK_MINUTES, so parallel guesses get at
most that many comparisons per lock window. An unknown ticket, wrong digits and a locked ticket
all get the same answer; the signed-in owner sees their tickets whatever the lock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ..text import both
from . import chat, codes, timeutil
from . import staff as staff_scope  # staff imports this module too: the module, bound once both have loaded
from .catalog import get_store
from .db import found, unit_of_work
from .errors import StoreError
from .members import mask_phone
from .models import REPAIR_STATUSES, Member, RepairEvent, RepairTicket

if TYPE_CHECKING:
    from .staff import StaffContext

TICKET_ID = re.compile(r"R-?(\d{5})", re.IGNORECASE)
MAX_FAILED_CHECKS = 5
LOCK_MINUTES = 15
RECENT_DAYS = 30  # finished repairs still listed for their owner


def normalise_ticket_id(value: object) -> str:
    """``r20417``, ``R-20417`` and `` R-20417 `` all name ticket ``R-20417``."""
    match = TICKET_ID.fullmatch(str(value or "").strip())
    if not match:
        raise StoreError("invalid_field", field="ticket_id", reason="format R-12345")
    return f"R-{match.group(1)}"


def ticket_dict(ticket: RepairTicket) -> dict:
    return {
        "id": ticket.id,
        "product": {"zh": ticket.product_desc_zh, "en": ticket.product_desc_en},
        "sku": ticket.product_sku,
        "store": ticket.store.code,
        "status": ticket.status,
        "status_label": both(f"repair_{ticket.status}"),
        "step": REPAIR_STATUSES.index(ticket.status) + 1,
        "steps": len(REPAIR_STATUSES),
        "engineer": ticket.engineer,
        "eta": ticket.eta.isoformat() if ticket.eta else None,
        "created_at": timeutil.to_iso(ticket.created_at),
        "timeline": [
            {
                "status": e.status,
                "note": {"zh": e.note_zh, "en": e.note_en},
                "at": timeutil.to_iso(e.created_at),
            }
            for e in ticket.events
        ],
    }


def _get_ticket(session: Session, ticket_id: object) -> RepairTicket:
    ticket = session.get(RepairTicket, normalise_ticket_id(ticket_id), with_for_update=True)
    return found(ticket, "ticket_not_found", ticket=ticket_id)


def ticket_status(session: Session, ticket_id: object, phone_last4: object, now: datetime | None = None) -> dict:
    """The ticket for whoever gives its owner's last 4 digits; a right answer clears the count and the lock."""
    now = now or timeutil.now()
    ticket_id = normalise_ticket_id(ticket_id)
    digits = codes.phone_last4(phone_last4)
    last_try = RepairTicket.failed_checks + 1 >= MAX_FAILED_CHECKS
    counted = session.execute(
        update(RepairTicket)
        .where(RepairTicket.id == ticket_id, or_(RepairTicket.locked_until.is_(None), RepairTicket.locked_until <= now))
        .values(
            failed_checks=case((last_try, 0), else_=RepairTicket.failed_checks + 1),
            locked_until=case((last_try, now + timedelta(minutes=LOCK_MINUTES)), else_=RepairTicket.locked_until),
        )
    ).rowcount
    session.commit()
    ticket = session.get(RepairTicket, ticket_id, populate_existing=True)
    if not counted or not codes.last4_matches(ticket.member_phone, digits):
        raise StoreError("repair_verification_failed", 403, tries=MAX_FAILED_CHECKS, minutes=LOCK_MINUTES)
    session.execute(update(RepairTicket).where(RepairTicket.id == ticket_id).values(failed_checks=0, locked_until=None))
    session.commit()
    return ticket_dict(ticket)


def ticket_for_member(session: Session, ticket_id: object, member: Member) -> dict:
    """The signed-in owner's ticket, with no digits and whatever the lock; anyone else's is not found."""
    ticket_id = normalise_ticket_id(ticket_id)
    ticket = session.scalar(
        select(RepairTicket).where(RepairTicket.id == ticket_id, RepairTicket.member_phone == member.phone)
    )
    return ticket_dict(found(ticket, "ticket_not_found", ticket=ticket_id))


def member_tickets(session: Session, member: Member, now: datetime | None = None) -> list[dict]:
    """A member's open repairs and those finished in the last RECENT_DAYS, newest first."""
    since = (now or timeutil.now()) - timedelta(days=RECENT_DAYS)
    tickets = session.scalars(
        select(RepairTicket)
        .where(RepairTicket.member_phone == member.phone)
        .options(selectinload(RepairTicket.events), selectinload(RepairTicket.store))
        .order_by(RepairTicket.created_at.desc(), RepairTicket.id.desc())
    )
    return [ticket_dict(t) for t in tickets if t.status != "completed" or t.events[-1].created_at >= since]


def next_statuses(status: str) -> tuple[str, ...]:
    """What a ticket's next step may say: its status again (a note) or any later one, never an earlier one."""
    return REPAIR_STATUSES[REPAIR_STATUSES.index(status) :]


def store_tickets(session: Session, by: StaffContext, store_code: object = None) -> list[dict]:
    """The advisor's (``by``) store's repairs not yet completed, oldest first, with the owner's phone masked
    for the counter and the statuses a next step may take; a store named must be their own."""
    store = get_store(session, store_code or by.store_code)
    staff_scope.require_store(by, store.id)
    tickets = session.scalars(
        select(RepairTicket)
        .where(RepairTicket.store_id == store.id, RepairTicket.status != "completed")
        .options(selectinload(RepairTicket.events), selectinload(RepairTicket.store))
        .order_by(RepairTicket.created_at, RepairTicket.id)
    )
    return [
        ticket_dict(t)
        | {
            "phone": mask_phone(t.member_phone),
            "next_statuses": [{"status": s, "label": both(f"repair_{s}")} for s in next_statuses(t.status)],
        }
        for t in tickets
    ]


@unit_of_work
def add_event(
    session: Session,
    ticket_id: object,
    status: object,
    *,
    note_zh: str = "",
    note_en: str = "",
    staff: str = "",
    engineer: str | None = None,
    eta: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Staff append a step to the timeline; status only moves forward (or stays, with a note)."""
    now = now or timeutil.now()
    ticket = _get_ticket(session, ticket_id)
    if status not in REPAIR_STATUSES:
        raise StoreError("invalid_field", field="status", reason=", ".join(REPAIR_STATUSES))
    if status not in next_statuses(ticket.status):
        raise StoreError("repair_status_backwards", 409, current=ticket.status, requested=status)
    for field, value in (("note_zh", note_zh), ("note_en", note_en), ("staff", staff), ("engineer", engineer or "")):
        if not isinstance(value, str) or len(value) > 500:
            raise StoreError("invalid_field", field=field, reason="text up to 500 characters")
    if eta is not None:
        ticket.eta = timeutil.parse_datetime(eta, "eta").date()
    if engineer:
        ticket.engineer = engineer
    ticket.status = status
    session.add(
        RepairEvent(ticket=ticket, status=status, note_zh=note_zh, note_en=note_en, staff=staff, created_at=now)
    )
    session.flush()
    session.refresh(ticket)
    chat.notify_repair(session, ticket)
    return ticket_dict(ticket)
