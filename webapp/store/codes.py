"""Human-friendly unique codes (coupons, bookings): no 0/O or 1/I to misread at a counter."""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 8) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
