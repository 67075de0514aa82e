"""Per-client rate limits (Flask-Limiter): one limiter, each route names its own budget.

Storage is in memory by default (per worker process); set STORELENS_RATELIMIT_STORAGE_URI to a
Redis URL so that several workers or hosts share one count.
"""
from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .auth import caller_role


def client_key() -> str:
    """Whose budget a request spends: the shopper's conversation when the assistant relays it
    (every chat comes from the action server's one address), else the caller's address."""
    if caller_role() == "service":
        return "chat:" + request.headers.get("X-Chat-Sender", "")[:120]
    return get_remote_address()


limiter = Limiter(key_func=client_key, headers_enabled=True)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
