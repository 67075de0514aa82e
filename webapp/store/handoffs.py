"""Hand-over of a chat to a store advisor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import timeutil
from .db import unit_of_work
from .errors import StoreError
from .models import HandoffRequest

REASONS = ("asked", "fallback", "verification_failed")


def handoff_dict(request: HandoffRequest) -> dict:
    return {
        "id": request.id,
        "sender_id": request.sender_id,
        "channel": request.channel,
        "lang": request.lang,
        "reason": request.reason,
        "summary": request.summary,
        "status": request.status,
        "created_at": timeutil.to_iso(request.created_at),
    }


def _text(body: dict, field: str, max_len: int, default: str | None = None) -> str:
    value = body.get(field, default)
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise StoreError("invalid_field", field=field, reason=f"text up to {max_len} characters")
    return value.strip()


@unit_of_work
def create(session: Session, body: dict, now: datetime | None = None) -> dict:
    """Open a request; a second one for the same open conversation returns the first."""
    sender = _text(body, "sender_id", 120)
    reason = body.get("reason", "asked")
    if reason not in REASONS:
        raise StoreError("invalid_field", field="reason", reason=", ".join(REASONS))
    lang = body.get("lang") if body.get("lang") in ("zh", "en") else "zh"
    existing = session.scalar(
        select(HandoffRequest).where(HandoffRequest.sender_id == sender, HandoffRequest.status == "open")
    )
    if existing:
        return handoff_dict(existing)
    request = HandoffRequest(
        sender_id=sender,
        channel=_text(body, "channel", 30, "web"),
        lang=lang,
        reason=reason,
        summary=_text(body, "summary", 4000, "-"),
        status="open",
        created_at=now or timeutil.now(),
    )
    session.add(request)
    session.flush()
    return handoff_dict(request)


def open_requests(session: Session) -> list[dict]:
    query = select(HandoffRequest).where(HandoffRequest.status == "open").order_by(HandoffRequest.created_at)
    return [handoff_dict(r) for r in session.scalars(query)]
