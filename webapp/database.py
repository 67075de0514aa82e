"""One database session per request, closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from .store import Database


def store_db() -> Database:
    return current_app.extensions["store_db"]


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = store_db().session()
    return g.db_session


def _close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close_session)
