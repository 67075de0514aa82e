"""Per-client rate limits (Flask-Limiter): one limiter, each route names its own budget.

Storage is in memory by default (per worker process); set STORELENS_RATELIMIT_STORAGE_URI to a
Redis URL so that several workers or hosts share one count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

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


# Retry-After is set by webapp.error_handlers from the refusal itself (a busy render says 2 s, a spent budget
# says when it refills); the limiter's own headers would overwrite it on every answer of a limited route
limiter = Limiter(key_func=client_key, headers_enabled=False)


def retry_after() -> int:
    """Seconds until the budget this request exceeded refills."""
    spent = limiter.current_limit
    return max(1, math.ceil(spent.reset_at - time.time())) if spent else 60


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)


class OpenSockets:
    """WebSockets (try-on streams, live chats) open per client address in this server process."""

    def __init__(self) -> None:
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def held(self, client: str, limit: int) -> Iterator[bool]:
        """Yields whether ``client`` may have one more socket, and counts it while it is open."""
        with self._lock:
            allowed = self._open[client] < limit
            if allowed:
                self._open[client] += 1
        try:
            yield allowed
        finally:
            if allowed:
                with self._lock:
                    self._open[client] -= 1
                    if not self._open[client]:
                        del self._open[client]
