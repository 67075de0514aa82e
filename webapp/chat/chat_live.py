"""Live delivery of chat messages over a WebSocket (``GET /api/v1/chat/live``).

The client's first frame is ``{conversation?, member_token?, after}`` (no secret in the URL);
the server then pushes ``{messages, state, handoff}`` whenever messages newer than the cursor
exist. It reads the database about every CHAT_POLL_SECONDS, so a reply written by any worker
process reaches every socket. A socket with nothing new either way for CHAT_IDLE_SECONDS closes, and
a client address keeps at most CHAT_SOCKETS_PER_CLIENT open per server process (a shop's kiosks share one).
"""

from __future__ import annotations

import json
import time

from flask import current_app, request
from simple_websocket import ConnectionClosed

from ..database import store_db
from ..i18n import request_language
from ..limits import OpenSockets
from ..store import StoreError, chat, handoffs, members
from ..store.models import ChatConversation
from . import bp, sock
from .chat_api import public_id_of

FIRST_FRAME_SECONDS = 10
MAX_FRAME = 4096
POLICY_VIOLATION = 1008  # WebSocket close codes
TRY_AGAIN_LATER = 1013


def _first_frame(ws) -> tuple[str | None, str | None, int]:
    """(conversation token, member token, cursor) from the client's first frame, or StoreError."""
    raw = ws.receive(timeout=FIRST_FRAME_SECONDS)
    try:
        frame = json.loads(raw) if isinstance(raw, str) and len(raw) <= MAX_FRAME else None
    except (ValueError, RecursionError):
        frame = None
    if not isinstance(frame, dict):
        raise StoreError("chat_first_frame")
    conversation, member_token, after = frame.get("conversation"), frame.get("member_token"), frame.get("after", 0)
    if (
        not isinstance(after, int)
        or isinstance(after, bool)
        or not 0 <= after < 2**31
        or not isinstance(conversation, str | None)
        or not isinstance(member_token, str | None)
    ):
        raise StoreError("chat_first_frame")
    return conversation, member_token, after


def _conversation_id(conversation_token: str | None, member_token: str | None) -> int:
    with store_db().session() as session:
        if member_token:
            member = members.member_for_token(session, member_token)  # a wrong token is 401
            found = chat.by_member(session, member.id)
        else:
            found = chat.by_public_id(session, public_id_of(conversation_token))
            found = found if found is not None and found.member_id is None else None
        if found is None:
            raise StoreError("conversation_not_found", 404)
        return found.id


def _news(conversation_id: int, after: int) -> dict | None:
    with store_db().session() as session:
        conversation = session.get(ChatConversation, conversation_id)
        if conversation is None:  # erased meanwhile
            raise StoreError("conversation_not_found", 404)
        messages = chat.messages(session, conversation, after)
        if not messages:
            return None
        handoff = handoffs.shopper_view(session, handoffs.current(session, conversation))
        return {"messages": messages, "state": conversation.state, "handoff": handoff}


def _send_error(ws, error: StoreError, lang: str) -> None:
    body = {"error": {"code": error.code, "message": error.message(lang)}}
    ws.send(json.dumps(body, ensure_ascii=False))


@sock.route("/api/v1/chat/live", bp=bp)
def live(ws) -> None:
    lang = request_language()
    sockets: OpenSockets = current_app.extensions["chat_sockets"]
    with sockets.held(request.remote_addr or "", current_app.config["CHAT_SOCKETS_PER_CLIENT"]) as allowed:
        if not allowed:
            _send_error(ws, StoreError("too_many_chats", 429), lang)
            ws.close(TRY_AGAIN_LATER, "too many sockets")
            return
        _serve(ws, lang)


def _serve(ws, lang: str) -> None:
    poll, idle = float(current_app.config["CHAT_POLL_SECONDS"]), float(current_app.config["CHAT_IDLE_SECONDS"])
    try:
        conversation_token, member_token, after = _first_frame(ws)
        conversation_id = _conversation_id(conversation_token, member_token)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle:
            news = _news(conversation_id, after)
            if news:
                ws.send(json.dumps(news, ensure_ascii=False))
                after, quiet_since = news["messages"][-1]["id"], time.monotonic()
            if ws.receive(timeout=poll) is not None:  # the client's keep-alive: nothing to answer
                quiet_since = time.monotonic()
        ws.close(message="idle")
    except StoreError as error:
        _send_error(ws, error, lang)
        ws.close(POLICY_VIOLATION, error.code)
    except ConnectionClosed:
        pass
    except Exception:  # a broken socket ends alone; the client falls back to polling the history
        current_app.logger.exception("chat live socket failed on %s", request.path)
        ws.close(1011)
