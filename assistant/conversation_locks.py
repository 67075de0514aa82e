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

from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

VARIABLE = "RASA_REDIS_URL"


class AtomicRedisLockStore(RedisLockStore):
    """Rasa 3.6's Redis store reads a conversation's ticket lock, changes it and writes it back: two
    instances issuing at once could both get the first ticket and answer one conversation together
    (seen in CI). Each change is made here under a short Redis mutex (redis-py's SET NX lock)."""

    def _guard(self, conversation_id: str):
        return self.red.lock(f"{self.key_prefix}{conversation_id}:guard", timeout=5, blocking_timeout=10)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._guard(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)


class EnvironmentLockStore(LockStore):
    """Never an instance itself: Rasa insists on a class here, and constructing it returns the
    Redis or in-memory store the environment asks for."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        url = os.environ.get(VARIABLE, "").strip()
        if not url:
            return InMemoryLockStore()
        parts = urlsplit(url)
        return AtomicRedisLockStore(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            db=int(parts.path.strip("/") or 1),
            password=parts.password,
            key_prefix="storelens",
        )
