"""Virtual makeup: the /makeup page, its live WebSocket stream, and the try-on JSON API."""
from flask import Blueprint
from flask_sock import Sock

bp = Blueprint("makeup", __name__)
sock = Sock()

from . import api, stream, views  # noqa: E402,F401  (routes)
