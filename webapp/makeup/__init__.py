"""Virtual makeup: the /makeup page, its live WebSocket stream, and the try-on JSON API."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_sock import Sock

bp = Blueprint("makeup", __name__)
sock = Sock()

from . import makeup_api, makeup_pages, renders, stream  # noqa: E402,F401  (routes)


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    renders.init_app(state.app)
    stream.init_app(state.app)
