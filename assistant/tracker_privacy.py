"""Rasa's SQL tracker store, minus the members' sign-in tokens, and without re-reading every turn.

The web app sends a signed-in member's token with every message (``metadata.member_token``).
Rasa keeps each message's metadata in its user event, and the SQL tracker store writes events
to the database as they are, so every token would end up in ``instance/rasa-tracker.db``. This
store writes the same rows with ``member_token`` taken out of the event data. The tracker in
memory keeps the token for the turn, so the actions still see it in
``tracker.latest_message["metadata"]``; the next message brings its own.

Rasa 3.6's SQL store reads, parses and rebuilds every event of the conversation on each
``retrieve`` and counts them again on each ``save`` (bench/chat_bench.py: most of the tracker's cost
per turn). Here each conversation's stored events are also kept in memory, exactly as they were
written (parsed back from the row's JSON), with the row count, last row id and earliest timestamp
they came with: one indexed ``count, max(id), min(timestamp)`` query tells whether the database still
holds just that. Rows another
instance added since (several instances on one PostgreSQL) are read alone and appended; anything
else (an erasure, rows gone) falls back to Rasa's full read. A tracker is rebuilt from the kept
events on every ``retrieve``, so a turn that never reached ``save`` leaves nothing behind.

Configured in endpoints.yml (``tracker_store.type: tracker_privacy.TokenFreeSQLTrackerStore``);
everything else (dialects, URL, database, credentials) is the SQL store's. On SQLite (one instance,
`make run`'s default) the database runs in WAL mode: a turn's save no longer waits for a full
journal sync, and the web app's erasure does not block Rasa's reads.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

SECRET_KEYS = frozenset({"member_token"})
CACHED_CONVERSATIONS = 10_000  # the least recently used beyond this are read from the database again


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


Row = tuple[int, str, float | None, str]  # an events row: id, type, timestamp, JSON data


@dataclass
class Stored:
    """One conversation's latest session as the database holds it, and the totals that vouch for it."""

    session: list[tuple[float | None, Event | None]]  # its rows' timestamps and events (None: unreadable)
    start: float | None  # the latest session start's timestamp (None: the conversation has none)
    rows: int  # all of the conversation's rows, every session
    last_id: int
    # the conversation's earliest row's timestamp: SQLite hands out the ids of rows deleted at the end
    # of the table again, so after an erasure the same count and last id could be a new conversation
    first_stamp: float | None

    @property
    def totals(self) -> tuple[int, int, float | None]:
        return self.rows, self.last_id, self.first_stamp

    @classmethod
    def read(cls, found: list[Row], totals: tuple[int, int, float | None]) -> Stored:
        starts = [stamp for _, kind, stamp, _ in found if kind == SessionStarted.type_name and stamp is not None]
        return cls([(stamp, _event(data)) for _, _, stamp, data in found], max(starts, default=None), *totals)

    @property
    def events(self) -> list[Event]:
        return [event for _, event in self.session if event is not None]

    def then(self, added: list[Row]) -> Stored:
        """After rows appended in order: Rasa's latest session is the rows stamped at or after the
        latest session start (earlier sessions' rows, not kept here, are older than any new start)."""
        session = self.session + [(stamp, _event(data)) for _, _, stamp, data in added]
        starts = [stamp for _, kind, stamp, _ in added if kind == SessionStarted.type_name and stamp is not None]
        start = max([*starts, *([self.start] if self.start is not None else [])], default=None)
        if starts:
            session = [(stamp, event) for stamp, event in session if stamp is not None and stamp >= start]
        first = self.first_stamp if self.rows else min((r[2] for r in added if r[2] is not None), default=None)
        return Stored(session, start, self.rows + len(added), added[-1][0], first)


def _event(data: str) -> Event | None:
    # as Rasa's full read parses a row (rasa.shared.core.events.deserialise_events)
    parsed = json.loads(data)
    return Event.from_parameters(parsed) if "event" in parsed else None


class TokenFreeSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` (Rasa 3.6) that writes event data without tokens and keeps what it wrote."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens and closes a file's connection per session, and closing the last
            # one checkpoints the WAL (ms each, twice a turn): a pool keeps connections open instead
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=4, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._stored: OrderedDict[str, Stored] = OrderedDict()
        # asked twice a turn: one statement built once runs at a third of an ORM query's cost
        table = self.SQLEvent
        self._totals_query = sa.select(
            sa.func.count(table.id), sa.func.max(table.id), sa.func.min(table.timestamp)
        ).where(table.sender_id == sa.bindparam("sender"))
        self._insert_event = sa.insert(table.__table__)

    def _totals(self, session: Any, sender_id: str) -> tuple[int, int, float | None]:
        rows, last_id, first = session.execute(self._totals_query, {"sender": sender_id}).one()
        return rows, last_id or 0, first

    def _keep(self, sender_id: str, stored: Stored) -> None:
        self._stored[sender_id] = stored
        self._stored.move_to_end(sender_id)
        while len(self._stored) > CACHED_CONVERSATIONS:
            self._stored.popitem(last=False)

    def _current(self, session: Any, sender_id: str) -> Stored | None:
        """What the database holds for the conversation's latest session, from memory when it can."""
        cached = self._stored.get(sender_id)
        totals = self._totals(session, sender_id)
        rows, last_id, first = totals
        if cached is not None and totals == cached.totals:
            self._stored.move_to_end(sender_id)
            return cached
        if cached is not None and rows > cached.rows and first == cached.first_stamp:
            table = self.SQLEvent
            added = (
                session.query(table.id, table.type_name, table.timestamp, table.data)
                .filter(table.sender_id == sender_id, table.id > cached.last_id)
                .order_by(table.id)
                .all()
            )
            if len(added) == rows - cached.rows and added and added[-1].id == last_id:
                after = cached.then([tuple(row) for row in added])
                self._keep(sender_id, after)
                return after
        self._stored.pop(sender_id, None)
        # Rasa's own query (rows after the latest session start), with the totals in the same statement
        # so that they vouch for exactly the rows read (another instance may be writing)
        table = self.SQLEvent
        mine = table.sender_id == sender_id
        everything = session.query(sa.func.count(table.id)).filter(mine).scalar_subquery()
        newest = session.query(sa.func.max(table.id)).filter(mine).scalar_subquery()
        earliest = session.query(sa.func.min(table.timestamp)).filter(mine).scalar_subquery()
        found = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        found = found.add_columns(everything, newest, earliest).all()
        if not found:
            return None
        rows, last_id, first = found[0][1:]
        stored = Stored.read([(e.id, e.type_name, e.timestamp, e.data) for e, *_ in found], (rows, last_id or 0, first))
        self._keep(sender_id, stored)
        return stored

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, rebuilt from the kept events (Rasa's ``retrieve``)."""
        with self.session_scope() as session:
            stored = self._current(session, sender_id)
        if stored is None or not self.domain:
            return None
        return DialogueStateTracker.from_events(sender_id, stored.events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)  # no event broker is configured; kept for parity

        with self.session_scope() as session:
            stored = self._current(session, tracker.sender_id)
            # as Rasa's: the tracker's events after as many as the latest session has in the database
            new = list(tracker.events)[len(stored.session) if stored else 0 :]
            added = []
            for event in new:
                data = without_secrets(event.as_dict())
                row = {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
                # the rows Rasa's ORM objects would write, as one Core insert each (half the cost)
                row_id = session.execute(self._insert_event, row).inserted_primary_key[0]
                added.append((row_id, row["type_name"], row["timestamp"], row["data"]))
            session.commit()
        if added:  # no session found means no rows at all: a new conversation starts from nothing
            self._keep(tracker.sender_id, (stored or Stored([], None, 0, 0, None)).then(added))
