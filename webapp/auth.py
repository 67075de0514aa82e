"""Bearer tokens for server-to-server callers (``service``) and store staff (``staff``)."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable

from flask import current_app, g, request

from .database import db_session
from .store import StoreError, members
from .store.models import Member

ROLE_SETTINGS = {"service": "SERVICE_TOKEN", "staff": "STAFF_TOKEN"}


def caller_role() -> str | None:
    """The role whose configured token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    for role, setting in ROLE_SETTINGS.items():
        expected = current_app.config.get(setting) or ""
        if expected and hmac.compare_digest(token.strip().encode(), expected.encode()):
            return role
    return None


def require_role(*roles: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            role = caller_role()
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
