"""Members' accounts: SMS sign-in, the signed-in member's own data, erasure on request."""

from flask import Flask

from . import sms
from .account_pages import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    sms.init_app(app)
    app.register_blueprint(bp)
