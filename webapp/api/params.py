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


def origin_args() -> dict | None:
    """Where the shopper is, for nearby stock: ``store=`` or ``lat=&lon=``, else None."""
    if request.args.get("store"):
        return {"store_code": request.args["store"]}
    if request.args.get("lat") or request.args.get("lon"):
        return {"lat": query_number("lat", minimum=-90, maximum=90), "lon": query_number("lon", minimum=-180, maximum=180)}
    return None
