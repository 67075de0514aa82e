from flask import current_app
from marshmallow import Schema

from ..auth import current_staff, optional_member
from ..chat.chat_api import detailed_error
from ..database import db_session
from ..store import StoreError, handoffs
from .base import Blueprint, Choice, Code, Integer, Text, requires

blp = Blueprint("handoffs", __name__, description="Chats handed over to a store advisor")


class HandoffBody(Schema):
    sender_id = Text(120, min_length=1, required=True)
    channel = Text(30, min_length=1)
    lang = Choice(("zh", "en"))
    reason = Choice(handoffs.REASONS)
    summary = Text(4000, min_length=1)
    store = Code()


class HandoffQuery(Schema):
    store = Code()  # the advisor's own store when not given
    status = Choice(handoffs.STATUSES)


class HandoffPath(Schema):
    handoff_id = Integer(required=True)


class ReplyBody(Schema):
    text = Text(2000, min_length=1, required=True)


@blp.post("/handoffs")
@requires("service")
@blp.arguments(HandoffBody)
@blp.response(201)
def create_handoff(body: dict):
    session = db_session()
    try:
        return handoffs.create(
            session, body, member=optional_member(), default_store=current_app.config.get("CHAT_DEFAULT_STORE")
        )
    except StoreError as error:
        if error.code != "store_closed":
            raise
        return detailed_error(error, opens_at=error.params["opens_at"])


@blp.get("/handoffs")
@requires("staff")
@blp.arguments(HandoffQuery, location="query", as_kwargs=True)
@blp.response(200)
def list_handoffs(store: str | None = None, status: str = "open"):
    return {"handoffs": handoffs.list_for_store(db_session(), current_staff(), status, store)}


@blp.get("/handoffs/<handoff_id>")
@requires("staff")
@blp.arguments(HandoffPath, location="path", as_kwargs=True)
@blp.response(200)
def get_handoff(handoff_id: int):
    return handoffs.detail(db_session(), handoff_id, staff=current_staff())


@blp.post("/handoffs/<handoff_id>/take")
@requires("staff")
@blp.arguments(HandoffPath, location="path", as_kwargs=True)
@blp.response(200)
def take_handoff(handoff_id: int):
    return handoffs.take(db_session(), handoff_id, current_staff())


@blp.post("/handoffs/<handoff_id>/reply")
@requires("staff")
@blp.arguments(HandoffPath, location="path", as_kwargs=True)
@blp.arguments(ReplyBody)
@blp.response(201)
def reply_handoff(body: dict, handoff_id: int):
    return handoffs.reply(db_session(), handoff_id, body["text"], current_staff())


@blp.post("/handoffs/<handoff_id>/close")
@requires("staff")
@blp.arguments(HandoffPath, location="path", as_kwargs=True)
@blp.response(200)
def close_handoff(handoff_id: int):
    return handoffs.close(db_session(), handoff_id, current_staff())
