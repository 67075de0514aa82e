"""The shopper's chat JSON API: send a message, read the history, erase the conversation.

The conversation travels as a signed token in the ``X-Chat-Conversation`` header (not a cookie,
so the widget works on shop sites of other origins); a signed-in member always gets their own.
"""

from __future__ import annotations

import re

from flask import Response, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, fields

from ..api.base import Blueprint, Choice, Code, Integer, Number, Text
from ..auth import caller_role, member_token, optional_member
from ..database import db_session
from ..error_handlers import error_response
from ..i18n import request_language
from ..limits import limiter
from ..store import StoreError, catalog, chat, handoffs
from ..store.models import ChatConversation
from . import assistant_client

blp = Blueprint("chat_api", __name__, description="Chat with the store assistant (and the advisor it hands over to)")

MAX_MESSAGE = 1000
CHANNELS = ("web", "kiosk", "miniprogram")
# control characters go (newlines and tabs stay); lone surrogates are refused by the schema
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TOKEN_SALT = "chat-conversation"


class Position(Schema):
    lat = Number(-90, 90, required=True)
    lng = Number(-180, 180, required=True)


class ChatBody(Schema):
    # longer than MAX_MESSAGE is 413 message_too_long (checked in the route); the schema caps the parse
    message = Text(8 * MAX_MESSAGE, pattern=r"^[^\ud800-\udfff]*$", required=True)
    locale = Choice(("zh", "en"))
    channel = Choice(CHANNELS)
    store = Code()
    position = fields.Nested(Position)


class HistoryQuery(Schema):
    after = Integer(0)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"] or "", salt=TOKEN_SALT)


def conversation_token(conversation: ChatConversation) -> str:
    return _serializer().dumps(conversation.public_id)


def public_id_of(token: object) -> str | None:
    """The public id a client's token names; None for anything not signed by us."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def conversation_key() -> str:
    """Whose budget a chat request spends: the conversation (member or token), else the address."""
    return "chat:" + (member_token() or request.headers.get("X-Chat-Conversation") or get_remote_address())[:200]


def _existing_conversation() -> ChatConversation | None:
    """The caller's conversation without creating one: the member's own, or an anonymous one by token."""
    session = db_session()
    member = optional_member()
    if member is not None:
        return chat.by_member(session, member.id)
    found = chat.by_public_id(session, public_id_of(request.headers.get("X-Chat-Conversation")))
    return found if found is not None and found.member_id is None else None


def chat_answer(conversation: ChatConversation | None, messages: list[dict]) -> dict:
    session = db_session()
    if conversation is None:
        return {"conversation": None, "state": "assistant", "handoff": None, "messages": messages}
    return {
        "conversation": conversation_token(conversation),
        "state": conversation.state,
        "handoff": handoffs.shopper_view(session, handoffs.current(session, conversation)),
        "messages": messages,
    }


def detailed_error(error: StoreError, **extra: object) -> Response:
    """The one error shape with more fields a client acts on (``retry``, ``opens_at``)."""
    response, status = error_response(error)
    body = response.get_json()
    body["error"].update(extra)
    detailed = jsonify(body)
    detailed.status_code = status
    return detailed


def _hotline(conversation: ChatConversation) -> str:
    store = conversation.store
    if store is None:
        store = catalog.get_store(db_session(), current_app.config["CHAT_DEFAULT_STORE"])
    return store.phone


def _clean(message: str) -> str:
    if len(message) > MAX_MESSAGE:
        raise StoreError("message_too_long", 413, limit=MAX_MESSAGE)
    text = CONTROL.sub("", message).strip()
    if not text:
        raise StoreError("message_empty", 422)
    return text


@blp.post("/chat")
@limiter.limit(lambda: current_app.config["CHAT_RATE_LIMIT"], key_func=conversation_key)
@limiter.limit(lambda: current_app.config["CHAT_ADDRESS_RATE_LIMIT"], key_func=get_remote_address)
@blp.arguments(ChatBody)
@blp.response(200)
def post_message(body: dict):
    lang = g.lang = body.get("locale") or request_language()  # the refusals below speak it too
    text = _clean(body["message"])
    session = db_session()
    member = optional_member()
    store_code = body.get("store") or None
    store = catalog.get_store(session, store_code) if store_code else None
    conversation = chat.open_conversation(
        session,
        public_id=public_id_of(request.headers.get("X-Chat-Conversation")),
        member=member,
        channel=body.get("channel", "web"),
        lang=lang,
        store=store,
    )
    if conversation.state == "advisor":  # the advisor reads it in the console; the assistant stays out
        shopper = chat.append(session, conversation, "shopper", {"type": "text", "text": text})
        session.commit()
        return chat_answer(conversation, [shopper])
    metadata = {
        "lang": lang,
        "channel": conversation.channel,
        "store": conversation.store.code if conversation.store else current_app.config["CHAT_DEFAULT_STORE"],
        **({"position": body["position"]} if body.get("position") else {}),
        **({"member_token": member_token()} if member is not None else {}),
    }
    try:
        answers = assistant_client.client().ask(chat.sender_id(conversation), text, metadata)
    except assistant_client.AssistantUnavailable:
        return detailed_error(StoreError("assistant_unavailable", 503, phone=_hotline(conversation)), retry=True)
    session.refresh(conversation)  # the assistant may have handed the chat over meanwhile
    shopper = chat.append(session, conversation, "shopper", {"type": "text", "text": text})
    replies = [
        chat.append(session, conversation, "assistant", reply)
        for reply in assistant_client.to_bodies(session, answers, lang, metadata["store"])
    ]
    session.commit()
    return chat_answer(conversation, [shopper, *replies])


@blp.get("/chat/history")
@limiter.limit(lambda: current_app.config["CHAT_ADDRESS_RATE_LIMIT"], key_func=get_remote_address)
@blp.arguments(HistoryQuery, location="query", as_kwargs=True)
@blp.response(200)
def history(after: int | None = None):
    conversation = _existing_conversation()
    messages = chat.messages(db_session(), conversation, after) if conversation else []
    return chat_answer(conversation, messages)


@blp.delete("/chat")
@blp.response(204)
def erase_conversation():
    session = db_session()
    conversation = _existing_conversation()
    if conversation is not None:
        sender = chat.erase(session, conversation)
        session.commit()
        assistant_client.client().forget(sender)
    return ""


def watch_looked_up_repair(response: Response) -> None:
    """After the assistant fetched a repair for a chat, that chat gets the ticket's status changes."""
    sender = request.headers.get("X-Chat-Sender")
    if not sender or caller_role() != "service":
        return
    ticket = (response.get_json(silent=True) or {}).get("id")
    session = db_session()
    if isinstance(ticket, str) and chat.watch_repair(session, sender, ticket):
        session.commit()
