"""The advisor console (/advisor): staff sign-in sessions (Flask-Login), CSRF (Flask-WTF), its pages."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from ..auth import StaffLogin, csrf
from ..database import db_session
from ..store import staff
from . import console_day, console_pages, console_till  # noqa: F401  (they add routes to console_pages.bp)

__all__ = ["init_app"]

login_manager = LoginManager()


@login_manager.user_loader
def _load_staff(session_id: str) -> StaffLogin | None:
    """The session's account while it is active and its session key unchanged; else signed out."""
    signed_in = staff.staff_for_session(db_session(), session_id)
    return StaffLogin(signed_in, session_id) if signed_in else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.unauthorized_handler(console_pages.to_sign_in)
    csrf.init_app(app)
    app.register_blueprint(console_pages.bp)
