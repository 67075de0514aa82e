"""Who calls: back ends with the service bearer token (``service``: the assistant, ERP sync), and store staff
(``staff``) signed in to the advisor console (Flask-Login session cookie, CSRF token on state-changing calls)
— a person always acts as themself, scoped to their store and audited, never on a shared token."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable

from flask import current_app, g, request
from flask_login import UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from .database import db_session
from .store import StoreError, members
from .store.models import Member
from .store.staff import StaffContext


def caller_role() -> str | None:
    """``service`` when the request carries the configured SERVICE_TOKEN as its bearer token, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = current_app.config.get("SERVICE_TOKEN") or ""
    if scheme.lower() != "bearer" or not token.strip() or not expected:
        return None
    return "service" if hmac.compare_digest(token.strip().encode(), expected.encode()) else None


# checked only where called (console forms, cookie-authenticated calls): bearer and member-token calls
# carry no cookie a third-party page could ride on
csrf = CSRFProtect()


class StaffLogin(UserMixin):
    """Flask-Login's user: the staff member, under the session id (account and session key) the cookie keeps."""

    def __init__(self, staff: StaffContext, session_id: str) -> None:
        self.staff = staff
        self.id = session_id


def current_staff() -> StaffContext | None:
    """The staff member signed in to the console on this request's session cookie, or None."""
    return current_user.staff if current_user.is_authenticated else None


def check_csrf() -> None:
    """A state-changing call on a session cookie must carry the page's CSRF token (header X-CSRFToken)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        csrf.protect()
    except CSRFError:
        raise StoreError("csrf_failed", 400) from None


def acting_role() -> str | None:
    """``caller_role()``, or ``staff`` for a console session (CSRF-checked): the role a route may grant."""
    role = caller_role()
    if role is None and current_staff() is not None:
        check_csrf()
        role = "staff"
    return role


def requires_staff(view: Callable) -> Callable:
    """The route is for staff signed in to the console (session cookie; CSRF token on state-changing calls)."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_staff() is None:
            raise StoreError("staff_sign_in_required", 401)
        check_csrf()
        return view(*args, **kwargs)

    return guarded


def require_role(*roles: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            role = acting_role()
            if role is None:
                raise StoreError("unauthorized", 401)
            if role not in roles:
                raise StoreError("forbidden", 403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def member_token() -> str | None:
    """The device token of a verified member sign-in (``X-Member-Token``), as the browser or chat proxy sends it."""
    return request.headers.get("X-Member-Token") or None


def signed_in_member() -> Member:
    """The member whose verified sign-in the request carries, or 401 ``sign_in_required``."""
    if "member" not in g:
        g.member = members.member_for_token(db_session(), member_token())
    return g.member


def optional_member() -> Member | None:
    """The signed-in member when a token is sent (a wrong one is still 401), else None."""
    return signed_in_member() if member_token() else None
