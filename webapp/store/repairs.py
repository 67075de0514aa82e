"""Repair tickets: progress for the owner (ticket id + phone's last 4 digits), events by staff."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from . import timeutil
from .db import unit_of_work
from .errors import StoreError
from .models import REPAIR_STATUSES, RepairEvent, RepairTicket

TICKET_ID = re.compile(r"R-?(\d{5})", re.IGNORECASE)
MAX_FAILED_CHECKS = 5
LOCK_MINUTES = 15

STATUS_WORDS = {
    "received": ("已接收", "received"),
    "diagnosing": ("检测中", "diagnosing"),
    "awaiting_parts": ("等待配件", "awaiting parts"),
    "repairing": ("维修中", "repairing"),
    "ready_for_pickup": ("可取件", "ready for pickup"),
    "completed": ("已完成", "completed"),
}


def normalise_ticket_id(value: object) -> str:
    """``r20417``, ``R-20417`` and `` R-20417 `` all name ticket ``R-20417``."""
    match = TICKET_ID.fullmatch(str(value or "").strip())
    if not match:
        raise StoreError("invalid_field", field="ticket_id", reason="format R-12345")
    return f"R-{match.group(1)}"


def ticket_dict(ticket: RepairTicket) -> dict:
    zh, en = STATUS_WORDS[ticket.status]
    return {
        "id": ticket.id,
        "product": {"zh": ticket.product_desc_zh, "en": ticket.product_desc_en},
        "sku": ticket.product_sku,
        "store": ticket.store.code,
        "status": ticket.status,
        "status_label": {"zh": zh, "en": en},
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
    if ticket is None:
        raise StoreError("ticket_not_found", 404, ticket=ticket_id)
    return ticket


def ticket_status(session: Session, ticket_id: object, phone_last4: object, now: datetime | None = None) -> dict:
    """The ticket for its owner. Wrong digits count; after 5 the ticket locks for 15 minutes."""
    now = now or timeutil.now()
    ticket = _get_ticket(session, ticket_id)
    if ticket.locked_until and ticket.locked_until > now:
        minutes = math.ceil((ticket.locked_until - now).total_seconds() / 60)
        session.rollback()
        raise StoreError("repair_locked", 429, minutes=minutes)
    digits = str(phone_last4 or "").strip()
    if not re.fullmatch(r"\d{4}", digits):
        session.rollback()
        raise StoreError("invalid_field", field="phone_last4", reason="4 digits")
    if digits != ticket.member_phone[-4:]:
        ticket.failed_checks += 1
        if ticket.failed_checks >= MAX_FAILED_CHECKS:
            ticket.failed_checks, ticket.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
        session.commit()
        raise StoreError("repair_verification_failed", 403)
    if ticket.failed_checks:
        ticket.failed_checks = 0
    session.commit()
    return ticket_dict(ticket)


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
    if REPAIR_STATUSES.index(status) < REPAIR_STATUSES.index(ticket.status):
        raise StoreError("repair_status_backwards", 409, current=ticket.status, requested=status)
    for field, value in (("note_zh", note_zh), ("note_en", note_en), ("staff", staff), ("engineer", engineer or "")):
        if not isinstance(value, str) or len(value) > 500:
            raise StoreError("invalid_field", field=field, reason="text up to 500 characters")
    if eta is not None:
        ticket.eta = timeutil.parse_datetime(eta, "eta").date()
    if engineer:
        ticket.engineer = engineer
    ticket.status = status
    session.add(RepairEvent(ticket=ticket, status=status, note_zh=note_zh, note_en=note_en, staff=staff, created_at=now))
    session.flush()
    session.refresh(ticket)
    return ticket_dict(ticket)
