"""Erasure on request (PIPL): a member's personal data goes, the records a shop must keep stay anonymous.

Saved looks and skin results are deleted, upcoming bookings cancelled (their seats freed) and
every booking's name and phone blanked, the chat and its hand-overs deleted, all sign-ins
revoked, and the member row kept only as an anonymous id for coupon statistics. SQLite then
rewrites its log so no deleted text lingers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from . import chat, consultations, timeutil, wechat
from .db import unit_of_work
from .members import member_for_token, revoke_all_tokens
from .models import Booking, Look, SignInCode, SkinAnalysis


@unit_of_work
def _erase(session: Session, token: object, now: datetime) -> tuple[dict, list[str]]:
    member = member_for_token(session, token)
    consultations.lock_member(session, member)  # no booking slips in while the member is erased
    senders = chat.erase_member(session, member.id)
    looks = session.execute(delete(Look).where(Look.member_id == member.id)).rowcount
    analyses = session.execute(delete(SkinAnalysis).where(SkinAnalysis.member_id == member.id)).rowcount
    cancelled = consultations.cancel_upcoming(session, member, now)
    bookings = session.execute(
        update(Booking).where(Booking.member_id == member.id).values(name="", phone="", notes=None, share_codes=None)
    ).rowcount
    revoke_all_tokens(session, member)
    senders += wechat.forget_member(session, member)  # the mini-program no longer signs them in
    session.execute(delete(SignInCode).where(SignInCode.phone == member.phone))
    member.phone = f"erased-{member.id}"  # unique, and no longer anyone's number
    member.name, member.consent_face_data, member.erased_at = "", False, now
    erased = {
        "deleted_looks": looks,
        "deleted_skin_analyses": analyses,
        "cancelled_bookings": cancelled,
        "anonymised_bookings": bookings,
        "deleted_conversations": len(senders),
        "signed_out": True,
    }
    return erased, senders


def erase_member(
    session: Session, token: object, now: datetime | None = None, forget: Callable[[str], None] | None = None
) -> dict:
    """``forget`` makes the assistant drop what it kept of each erased chat (its sender id)."""
    erased, senders = _erase(session, token, now or timeutil.now())
    for sender in senders if forget else ():
        forget(sender)
    if session.get_bind().dialect.name == "sqlite":
        # secure_delete zeroes freed pages; the checkpoint moves them out of the WAL and truncates it
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        session.commit()
    return erased
