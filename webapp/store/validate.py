"""Checks for values that reach the store services from outside the JSON API's schemas (CSV rows, the
CLI, chat slots), and business rules on values (a phone number's form)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from .errors import StoreError

_PHONE_NOISE = re.compile(r"[\s\-()]")
_CN_MOBILE = re.compile(r"1[3-9]\d{9}")


def phone(value: object) -> str:
    """A mainland China mobile number, normalised to 11 digits (drops +86, spaces, dashes)."""
    if not isinstance(value, (str, int)):
        raise StoreError("invalid_phone")
    digits = _PHONE_NOISE.sub("", str(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    if not _CN_MOBILE.fullmatch(digits):
        raise StoreError("invalid_phone")
    return digits


def required(body: Mapping, field: str) -> object:
    value = body.get(field)
    if value is None or value == "":
        raise StoreError("missing_field", field=field)
    return value


def integer(value: object, field: str, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise StoreError("invalid_field", field=field, reason="expected a whole number")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise StoreError("invalid_field", field=field, reason="expected a whole number") from None
    if minimum is not None and number < minimum:
        raise StoreError("invalid_field", field=field, reason=f"must be at least {minimum}")
    return number


def number(value: object, field: str, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, bool):
        raise StoreError("invalid_field", field=field, reason="expected a number")
    try:
        result = float(str(value).strip())
    except (TypeError, ValueError):
        raise StoreError("invalid_field", field=field, reason="expected a number") from None
    if result != result or (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        raise StoreError("invalid_field", field=field, reason=f"expected a number in [{minimum}, {maximum}]")
    return result


def money(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StoreError("invalid_field", field=field, reason="expected an amount in yuan") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise StoreError("invalid_field", field=field, reason="expected an amount in yuan")
    return amount.quantize(Decimal("0.01"))
