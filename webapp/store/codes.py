"""Codes that open things: short ones read aloud at a counter, long random ones for links.

A short code is guessable, so it opens personal data only with the phone's last 4 digits.
"""

from __future__ import annotations

import hmac
import re
import secrets

from .errors import StoreError

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread at a counter
LINK_CODE_LENGTH = 32  # token_urlsafe(24): 192 random bits, too many to guess


def new_code(prefix: str, length: int = 8) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_link_code() -> str:
    return secrets.token_urlsafe(24)


def phone_last4(value: object) -> str:
    """The 4 digits a caller types along with a short code or ticket number."""
    digits = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{4}", digits):
        raise StoreError("invalid_field", field="phone_last4", reason="4 digits")
    return digits


def last4_matches(phone: str, digits: str) -> bool:
    return hmac.compare_digest(phone[-4:], digits)
