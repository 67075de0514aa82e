"""Rasa's SQL tracker store, minus the members' sign-in tokens.

The web app sends a signed-in member's token with every message (``metadata.member_token``).
Rasa keeps each message's metadata in its user event, and the SQL tracker store writes events
to the database as they are, so every token would end up in ``instance/rasa-tracker.db``. This
store writes the same rows with ``member_token`` taken out of the event data. The tracker in
memory keeps the token for the turn, so the actions still see it in
``tracker.latest_message["metadata"]``; the next message brings its own.

Configured in endpoints.yml (``tracker_store.type: tracker_privacy.TokenFreeSQLTrackerStore``);
everything else (dialects, URL, database, credentials) is the SQL store's. On SQLite (one instance,
`make run`'s default) the database runs in WAL mode: a turn's save no longer waits for a full
journal sync, and the web app's erasure does not block Rasa's reads.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

SECRET_KEYS = frozenset({"member_token"})


def without_secrets(data: Any) -> Any:
    """A copy of event data with every ``member_token`` key left out, at any depth."""
    if isinstance(data, dict):
        return {key: without_secrets(value) for key, value in data.items() if key not in SECRET_KEYS}
    if isinstance(data, list):
        return [without_secrets(value) for value in data]
    return data


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL with synchronous=NORMAL: durable across process crashes, one sync per checkpoint
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class TokenFreeSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore.save`` (Rasa 3.6) with the event data cleaned before it is written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)  # no event broker is configured; kept for parity

        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = without_secrets(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
