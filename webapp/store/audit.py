"""The audit log: who did what for which store, and when. Each row is added in the same transaction as
the act it records, so an act that rolls back leaves no row and a committed one always has its row."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..text import both
from . import timeutil
from .models import AuditEntry

if TYPE_CHECKING:
    from .staff import StaffContext

PAGE = 100


def record(
    session: Session, staff: StaffContext, action: str, subject: object, *, at: datetime | None = None, **detail
) -> None:
    """Add a row for ``staff``'s ``action`` on ``subject``; the caller's unit of work commits it."""
    session.add(
        AuditEntry(
            at=at or timeutil.now(),
            staff_id=staff.id,
            staff_name=staff.name,
            store_id=staff.store_id,
            action=action,
            subject=str(subject)[:60],
            detail=detail,
        )
    )


def entry_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": timeutil.to_iso(entry.at),
        "staff": entry.staff_name,
        "action": entry.action,
        "action_label": both(f"audit_{entry.action}"),
        "subject": entry.subject,
        "detail": entry.detail,
    }


def store_entries(session: Session, store_id: int, before: int | None = None) -> list[dict]:
    """A store's latest ``PAGE`` rows, newest first; ``before`` (an id) pages back."""
    query = select(AuditEntry).where(AuditEntry.store_id == store_id)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return [entry_dict(e) for e in session.scalars(query.order_by(AuditEntry.id.desc()).limit(PAGE))]
