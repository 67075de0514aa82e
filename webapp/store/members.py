"""Members, identified by their mobile number."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import validate
from .errors import StoreError
from .models import Member


def find_member(session: Session, phone: object) -> Member:
    member = session.scalar(select(Member).where(Member.phone == validate.phone(phone)))
    if member is None:
        raise StoreError("member_not_found", 404)
    return member


def get_or_create_member(session: Session, phone: object, now: datetime) -> Member:
    number = validate.phone(phone)
    member = session.scalar(select(Member).where(Member.phone == number))
    if member:
        return member
    try:
        with session.begin_nested():  # two first claims at once: the loser re-reads
            member = Member(phone=number, name="", created_at=now)
            session.add(member)
    except IntegrityError:
        member = session.scalar(select(Member).where(Member.phone == number))
    return member
