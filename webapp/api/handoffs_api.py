from marshmallow import Schema

from ..database import db_session
from ..store import handoffs
from .base import Blueprint, Choice, Text, requires

blp = Blueprint("handoffs", __name__, description="Chats handed over to a store advisor")


class HandoffBody(Schema):
    sender_id = Text(120, min_length=1, required=True)
    channel = Text(30, min_length=1)
    lang = Choice(("zh", "en"))
    reason = Choice(handoffs.REASONS)
    summary = Text(4000, min_length=1)


@blp.post("/handoffs")
@requires("service", "staff")
@blp.arguments(HandoffBody)
@blp.response(201)
def create_handoff(body: dict):
    return handoffs.create(db_session(), body)


@blp.get("/handoffs")
@requires("staff")
@blp.response(200)
def open_handoffs():
    return {"handoffs": handoffs.open_requests(db_session())}
