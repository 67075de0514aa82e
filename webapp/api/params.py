"""Reading request input; anything malformed becomes a StoreError (a 4xx), never a 500."""
from __future__ import annotations

from flask import request

from ..store import StoreError, timeutil, validate


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise StoreError("invalid_json")
    return body


def query_number(name: str, default: float | None = None, **bounds: float) -> float | None:
    raw = request.args.get(name)
    return default if raw in (None, "") else validate.number(raw, name, **bounds)


def query_datetime(name: str):
    raw = request.args.get(name)
    return timeutil.parse_datetime(raw, name) if raw else None
