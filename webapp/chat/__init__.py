"""Chat with the store assistant: the JSON API (``chat_api``, registered under /api/v1 by
``webapp.api``), its live WebSocket (``chat_live``), the Rasa proxy (``assistant_client``) and
the shopper's pages (``chat_pages``) on the ``bp`` blueprint."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request
from flask_cors import CORS
from flask_sock import Sock

from ..limits import OpenSockets

bp = Blueprint("chat", __name__)
sock = Sock()  # routes only: flask-sock needs no app state when given the blueprint

DEFAULTS = {
    "ASSISTANT_URL": "http://127.0.0.1:5005",
    "ASSISTANT_TIMEOUT": 8,  # seconds; a slower assistant counts as down
    "ASSISTANT_TRACKER_URL": "",  # Rasa's tracker DB (SQLAlchemy URL), for erasing a chat's events
    "CHAT_ORIGINS": "",  # space-separated origins of shop sites allowed to call /api/v1/chat*
    "CHAT_DEFAULT_STORE": "jingan",  # store of a chat that names none (hand-overs, the hotline)
    "CHAT_RATE_LIMIT": "20 per minute;300 per day",  # per conversation
    "CHAT_ADDRESS_RATE_LIMIT": "120 per minute",  # per client address (a shop's kiosks share one)
    "CHAT_POLL_SECONDS": 1.0,
    "CHAT_IDLE_SECONDS": 600,
    "CHAT_SOCKETS_PER_CLIENT": 20,
}

from . import assistant_client, chat_api, chat_live, chat_pages  # noqa: E402,F401  (routes)


def _watch_repair(response: Response) -> Response:
    """The assistant looked up a repair for a chat (service token + X-Chat-Sender): its updates go to that chat."""
    if request.endpoint == "repairs.repair_status" and response.status_code == 200:
        chat_api.watch_looked_up_repair(response)
    return response


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["assistant_client"] = assistant_client.AssistantClient(app.config)
    app.extensions["chat_sockets"] = OpenSockets()
    origins = str(app.config["CHAT_ORIGINS"] or "").split()
    if origins:
        CORS(
            app,
            resources={r"/api/v1/chat.*": {"origins": origins}},
            allow_headers=["Content-Type", "Accept-Language", "X-Chat-Conversation", "X-Member-Token"],
            methods=["GET", "POST", "DELETE", "OPTIONS"],
            max_age=600,
        )
    app.after_request(_watch_repair)
