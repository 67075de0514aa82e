"""Store staff: console accounts tied to one store, their passwords, sign-in lockout, and the store
scope of everything they do.

Passwords are argon2id hashes (argon2-cffi). Every sign-in try is counted by one conditional UPDATE,
per account and per client address, *before* the password is compared, so parallel guesses get at
most ``ACCOUNT_TRIES`` (``ADDRESS_TRIES``) comparisons per lock; a right password takes its try back.
A console session names the account and its ``session_key``: a password reset or disabling the
account draws a new key, which ends every session opened with the old one.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, case, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit, repairs, timeutil
from .catalog import get_store
from .db import found, unit_of_work
from .errors import StoreError
from .models import STAFF_ROLES, RepairTicket, StaffAccount, StaffLoginAddress

ACCOUNT_TRIES = 5  # wrong passwords in a row before the account locks
ADDRESS_TRIES = 20  # wrong passwords from one address, over any accounts
WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
LOCK = timedelta(minutes=15)
PASSWORD_LENGTH = (10, 128)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_hasher = PasswordHasher()
_UNLOCKED = {"failed_logins": 0, "failures_since": None, "locked_until": None}
# compared against when the username is unknown, so a miss takes as long as a wrong password
_UNKNOWN_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class StaffContext:
    """Who is acting, for which store: what every staff operation is scoped by and audited as."""

    id: int
    name: str
    store_id: int
    store_code: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "store_manager"


def context(account: StaffAccount) -> StaffContext:
    return StaffContext(account.id, account.name, account.store_id, account.store.code, account.role)


def session_id(account: StaffAccount) -> str:
    return f"{account.id}:{account.session_key}"


# --- store scope -----------------------------------------------------------------------------


def require_store(staff: StaffContext, store_id: int) -> None:
    """Staff act for their own store only."""
    if staff.store_id != store_id:
        raise StoreError("staff_wrong_store", 403, store=staff.store_code)


def require_manager(staff: StaffContext) -> None:
    if not staff.is_manager:
        raise StoreError("staff_manager_only", 403)


def audit_log(session: Session, staff: StaffContext, before: int | None = None) -> list[dict]:
    """The manager's own store's audit log."""
    require_manager(staff)
    return audit.store_entries(session, staff.store_id, before)


def add_repair_event(session: Session, by: StaffContext, ticket_id: object, **event: object) -> dict:
    """A repair step by signed-in staff: their store's tickets only, signed with their name and audited.
    The audit row is added first, so ``repairs.add_event``'s one commit (or rollback) covers both."""
    ticket = found(
        session.get(RepairTicket, repairs.normalise_ticket_id(ticket_id)), "ticket_not_found", ticket=ticket_id
    )
    require_store(by, ticket.store_id)
    audit.record(session, by, "repair_update", ticket.id, status=event.get("status"))
    return repairs.add_event(session, ticket.id, **(event | {"staff": by.name}))


# --- accounts --------------------------------------------------------------------------------


def _username(value: object) -> str:
    username = str(value or "").strip().lower()
    if not USERNAME.fullmatch(username):
        raise StoreError("staff_username_invalid", 422)
    return username


def _name(value: object) -> str:
    name = str(value or "").strip()
    if not 1 <= len(name) <= 60 or CONTROL.search(name):
        raise StoreError("staff_name_invalid", 422)
    return name


def _password_hash(password: object) -> str:
    if not isinstance(password, str) or not PASSWORD_LENGTH[0] <= len(password) <= PASSWORD_LENGTH[1]:
        raise StoreError("staff_password_weak", 422, min=PASSWORD_LENGTH[0], max=PASSWORD_LENGTH[1])
    return _hasher.hash(password)


def account_dict(account: StaffAccount) -> dict:
    return {
        "id": account.id,
        "username": account.username,
        "name": account.name,
        "store": account.store.code,
        "role": account.role,
        "active": account.active,
        "created_at": timeutil.to_iso(account.created_at),
    }


def find_account(session: Session, username: object) -> StaffAccount:
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == str(username or "").strip().lower()))
    return found(account, "staff_not_found", username=username)


def list_staff(session: Session, store_id: int) -> list[dict]:
    query = select(StaffAccount).where(StaffAccount.store_id == store_id)
    return [account_dict(a) for a in session.scalars(query.order_by(StaffAccount.active.desc(), StaffAccount.name))]


@unit_of_work
def create_account(
    session: Session,
    username: object,
    name: object,
    store_code: object,
    role: object,
    password: object,
    *,
    by: StaffContext | None = None,
    now: datetime | None = None,
) -> dict:
    """A new account (CLI: any store and role); a store manager (``by``) adds advisors to their own store."""
    now = now or timeutil.now()
    store = get_store(session, store_code)
    if role not in STAFF_ROLES:
        raise StoreError("invalid_field", field="role", reason=", ".join(STAFF_ROLES))
    if by is not None:
        require_manager(by)
        require_store(by, store.id)
        if role != "advisor":
            raise StoreError("staff_manager_only", 403)
    account = StaffAccount(
        username=_username(username),
        name=_name(name),
        store_id=store.id,
        role=role,
        password_hash=_password_hash(password),
        active=True,
        session_key=secrets.token_hex(16),
        failed_logins=0,
        created_at=now,
    )
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == account.username)):
        raise StoreError("staff_username_taken", 409, username=account.username)
    try:
        with session.begin_nested():  # two creations at once: the unique username decides
            session.add(account)
    except IntegrityError:
        raise StoreError("staff_username_taken", 409, username=account.username) from None
    if by is not None:
        audit.record(session, by, "staff_added", account.username, name=account.name, at=now)
    session.refresh(account)
    return account_dict(account)


@unit_of_work
def reset_password(session: Session, username: object, password: object) -> dict:
    """A new password; sessions opened with the old one end, and a lock is lifted."""
    account = find_account(session, username)
    session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == account.id)
        .values(password_hash=_password_hash(password), session_key=secrets.token_hex(16), **_UNLOCKED)
    )
    return account_dict(account)


@unit_of_work
def disable(session: Session, username: object, *, by: StaffContext | None = None, now: datetime | None = None) -> dict:
    """Disable an account and end its sessions (CLI: any; a manager: advisors of their own store)."""
    account = find_account(session, username)
    if by is not None:
        require_manager(by)
        require_store(by, account.store_id)
        if account.role != "advisor":
            raise StoreError("staff_manager_only", 403)
    changed = session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == account.id, StaffAccount.active.is_(True))
        .values(active=False, session_key=secrets.token_hex(16))
    ).rowcount
    if changed and by is not None:
        audit.record(session, by, "staff_disabled", account.username, at=now)
    session.refresh(account)
    return account_dict(account)


# --- sign-in -----------------------------------------------------------------------------------


def _count_try(session: Session, model: type, key: ColumnElement[bool], tries: int, now: datetime) -> datetime | None:
    """Count one try against the row ``key`` picks; None when counted, else when its lock ends."""
    fresh = or_(model.failures_since.is_(None), model.failures_since <= now - WINDOW, model.locked_until.is_not(None))
    count = case((fresh, 1), else_=model.failed_logins + 1)
    counted = session.execute(
        update(model)
        .where(key, or_(model.locked_until.is_(None), model.locked_until <= now))
        .values(
            failed_logins=count,
            failures_since=case((fresh, now), else_=model.failures_since),
            locked_until=case((count >= tries, now + LOCK), else_=None),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if counted:
        return None
    return session.scalar(select(model.locked_until).where(key))


def _give_back(session: Session, model: type, key: ColumnElement[bool]) -> None:
    session.execute(
        update(model)
        .where(key, model.failed_logins > 0)
        .values(failed_logins=model.failed_logins - 1)
        .execution_options(synchronize_session=False)
    )


def _locked(until: datetime, now: datetime) -> StoreError:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return StoreError("staff_locked", 429, minutes=math.ceil(seconds / 60), seconds=seconds)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(
    session: Session, username: object, password: object, address: str, now: datetime | None = None
) -> tuple[StaffContext, str]:
    """Check a console sign-in; the staff member and their session id, or why not (401, 403, 429)."""
    now = now or timeutil.now()
    address = (address or "unknown")[:64]
    try:
        with session.begin_nested():
            session.add(StaffLoginAddress(address=address, failed_logins=0))
    except IntegrityError:
        pass  # the address has tried before
    by_address = StaffLoginAddress.address == address
    if until := _count_try(session, StaffLoginAddress, by_address, ADDRESS_TRIES, now):
        session.commit()
        raise _locked(until, now)
    name = str(username or "").strip().lower()[:40]
    account = session.scalar(
        select(StaffAccount).where(StaffAccount.username == name).execution_options(populate_existing=True)
    )
    by_account = StaffAccount.id == (account.id if account else None)
    until = _count_try(session, StaffAccount, by_account, ACCOUNT_TRIES, now) if account else None
    session.commit()  # the tries count even if the comparison below is cut short
    if until:
        raise _locked(until, now)
    password = str(password or "")[: PASSWORD_LENGTH[1]]
    right = _password_matches(account.password_hash if account else _UNKNOWN_HASH, password)
    if not right or account is None:
        raise StoreError("staff_sign_in_failed", 401)
    if not account.active:
        raise StoreError("staff_disabled", 403)
    _give_back(session, StaffLoginAddress, by_address)
    rehash = {"password_hash": _hasher.hash(password)} if _hasher.check_needs_rehash(account.password_hash) else {}
    session.execute(update(StaffAccount).where(by_account).values(**_UNLOCKED, **rehash))
    session.commit()
    return context(account), session_id(account)


def staff_for_session(session: Session, value: object) -> StaffContext | None:
    """The active account a console session names, or None (key replaced, disabled, malformed)."""
    account_id, _, key = str(value or "").partition(":")
    if not account_id.isdigit() or not key or len(account_id) > 10:
        return None
    account = session.get(StaffAccount, int(account_id))
    if account is None or not account.active or not secrets.compare_digest(account.session_key, key):
        return None
    return context(account)
