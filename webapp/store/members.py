"""Members, identified by a mobile number they have proved with a one-time SMS code.

A verified sign-in gives a device a bearer token; only its SHA-256 is stored. Everything that
shows or changes a member's data (coupons, bookings, saved looks) asks ``member_for_token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import timeutil, validate
from .db import found, unit_of_work
from .errors import StoreError
from .models import Member, MemberToken, SignInCode

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
CODE_RESEND_AFTER = timedelta(seconds=60)
CODES_PER_PHONE_PER_HOUR = 5
CODE_ATTEMPTS = 5  # wrong guesses a code survives: 5 in 10^6 is a hopeless lottery


def _digest(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def mask_phone(phone: str) -> str:
    """``13900000000`` → ``139****0000``: enough for the owner to recognise, useless to others."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "****"


def find_member(session: Session, phone: object) -> Member:
    return found(session.scalar(select(Member).where(Member.phone == validate.phone(phone))), "member_not_found")


def get_or_create_member(session: Session, phone: object, now: datetime) -> Member:
    number = validate.phone(phone)
    member = session.scalar(select(Member).where(Member.phone == number))
    if member:
        return member
    try:
        with session.begin_nested():  # two first sign-ins at once: the loser re-reads
            member = Member(phone=number, name="", created_at=now)
            session.add(member)
    except IntegrityError:
        member = session.scalar(select(Member).where(Member.phone == number))
    return member


@unit_of_work
def request_code(session: Session, phone: object, now: datetime | None = None) -> tuple[str, str]:
    """A new sign-in code for ``phone``: returns (normalised phone, code) for the SMS sender.

    The answer is the same whether or not the number is a member, so it reveals nothing.
    """
    now = now or timeutil.now()
    number = validate.phone(phone)
    recent = session.execute(
        select(func.count(), func.max(SignInCode.created_at)).where(
            SignInCode.phone == number, SignInCode.created_at > now - timedelta(hours=1)
        )
    ).one()
    if recent[1] is not None and now - recent[1] < CODE_RESEND_AFTER:
        wait = CODE_RESEND_AFTER - (now - recent[1])
        raise StoreError("sign_in_code_too_soon", 429, seconds=int(wait.total_seconds()) + 1)
    if recent[0] >= CODES_PER_PHONE_PER_HOUR:
        raise StoreError("sign_in_code_limit", 429)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        SignInCode(phone=number, code_hash=_digest(number, code), attempts=0, created_at=now, expires_at=now + CODE_TTL)
    )
    return number, code


def verify_code(session: Session, phone: object, code: object, now: datetime | None = None) -> dict:
    """Trade a correct, fresh code for a device token; a wrong one uses up one of its tries."""
    now = now or timeutil.now()
    number = validate.phone(phone)
    entry = session.scalar(
        select(SignInCode)
        .where(SignInCode.phone == number, SignInCode.used_at.is_(None), SignInCode.expires_at > now)
        .order_by(SignInCode.id.desc())
        .limit(1)
    )
    # the try is counted before the comparison, in one conditional UPDATE, so parallel guesses
    # can never get more than CODE_ATTEMPTS looks at a code
    counted = (
        entry is not None
        and session.execute(
            update(SignInCode)
            .where(SignInCode.id == entry.id, SignInCode.used_at.is_(None), SignInCode.attempts < CODE_ATTEMPTS)
            .values(attempts=SignInCode.attempts + 1)
        ).rowcount
    )
    session.commit()
    if (
        not counted
        or not isinstance(code, str)
        or not hmac.compare_digest(entry.code_hash, _digest(number, code.strip()))
    ):
        raise StoreError("sign_in_code_invalid", 400)
    used = session.execute(
        update(SignInCode).where(SignInCode.id == entry.id, SignInCode.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if not used:  # the same code redeemed twice at once
        session.rollback()
        raise StoreError("sign_in_code_invalid", 400)
    try:
        member = get_or_create_member(session, number, now)
        token = issue_token(session, member, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {"member_token": token, "member": member_dict(member)}


def issue_token(session: Session, member: Member, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(MemberToken(token_hash=_digest(token), member_id=member.id, created_at=now))
    return token


def member_for_token(session: Session, token: object) -> Member:
    """The signed-in member behind a device token, or 401."""
    member = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        member = session.scalar(select(Member).join(MemberToken).where(MemberToken.token_hash == _digest(token)))
    if member is None:
        raise StoreError("sign_in_required", 401)
    return member


@unit_of_work
def sign_out(session: Session, token: object) -> dict:
    member_for_token(session, token)
    session.execute(delete(MemberToken).where(MemberToken.token_hash == _digest(str(token))))
    return {"signed_out": True}


def member_dict(member: Member) -> dict:
    return {"phone": mask_phone(member.phone), "consent_face_data": member.consent_face_data}


def revoke_all_tokens(session: Session, member: Member) -> int:
    return session.execute(delete(MemberToken).where(MemberToken.member_id == member.id)).rowcount
