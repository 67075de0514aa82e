"""The JSON body of a route not yet declared with a schema (only webapp/makeup/api.py; delete with its
conversion to a ``webapp.api.base.Blueprint``)."""
from __future__ import annotations

from flask import request

from ..store import StoreError


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise StoreError("invalid_json")
    return body
