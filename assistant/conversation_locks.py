"""Rasa's lock store, chosen by the environment: Redis when ``RASA_REDIS_URL`` is set, else in memory.

Several Rasa instances sharing one tracker store must also share their per-conversation locks, or
two messages of one conversation on two instances would both read the tracker before either
saves it. One instance (`make run`'s default) needs no Redis. Rasa substitutes ``${VARIABLES}`` in
endpoints.yml only when they are set, hence this chooser (endpoints.yml ``lock_store.type``)
rather than a variable there. ``RASA_REDIS_URL`` looks like ``redis://127.0.0.1:6379/1``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

VARIABLE = "RASA_REDIS_URL"


class EnvironmentLockStore(LockStore):
    """Never an instance itself: Rasa insists on a class here, and constructing it returns the
    Redis or in-memory store the environment asks for."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        url = os.environ.get(VARIABLE, "").strip()
        if not url:
            return InMemoryLockStore()
        parts = urlsplit(url)
        return RedisLockStore(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            db=int(parts.path.strip("/") or 1),
            password=parts.password,
            key_prefix="storelens",
        )
