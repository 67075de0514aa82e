"""Engine and session factory for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .errors import StoreError

P = ParamSpec("P")
R = TypeVar("R")


def normalise_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=10, max_overflow=50, pool_pre_ping=True)
    _private_file(make_url(url).database)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets readers go on while one writer commits; writers queue on busy_timeout
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA secure_delete = ON")  # erased personal data is overwritten, not just unlinked
        cursor.close()

    return engine


def _private_file(database: str | None) -> None:
    """The SQLite file holds members' data: readable by its owner only (SQLite gives the WAL the same mode)."""
    if not database or database == ":memory:":
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)


class Database:
    """One engine and its session factory; ``session()`` is a unit of work."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()


def found(row: R | None, error: str, **params: object) -> R:
    """``row``, or the 404 ``error`` (a ``*_not_found`` message) naming what was asked for."""
    if row is None:
        raise StoreError(error, 404, **params)
    return row


def unit_of_work(operation: Callable[P, R]) -> Callable[P, R]:
    """Commit what a service operation wrote, or roll all of it back if it raised."""

    @functools.wraps(operation)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = operation(session, *args, **kwargs)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    return run  # type: ignore[return-value]
