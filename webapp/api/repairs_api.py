from marshmallow import Schema

from ..auth import current_staff
from ..database import db_session
from ..limits import limiter
from ..store import repairs, staff
from ..store.models import REPAIR_STATUSES
from .base import Blueprint, Choice, Code, MomentText, Text, requires

blp = Blueprint("repairs", __name__, description="Repair progress for its owner, timeline events by staff")


class TicketPath(Schema):
    ticket_id = Text(8, pattern=r"^[Rr]-?\d{5}$", required=True, metadata={"example": "R-20417"})


class OwnerQuery(Schema):
    phone_last4 = Text(4, pattern=r"^\d{4}$", required=True, metadata={"example": "5678"})


class StoreQuery(Schema):
    store = Code()  # a console session's own store when not given


class EventBody(Schema):
    status = Choice(REPAIR_STATUSES, required=True)
    note_zh = Text(500)
    note_en = Text(500)
    engineer = Text(60)
    eta = MomentText()


@blp.get("/repairs")
@requires("staff")
@blp.arguments(StoreQuery, location="query", as_kwargs=True)
@blp.response(200)
def store_repairs(store: str | None = None):
    return {"repairs": repairs.store_tickets(db_session(), current_staff(), store)}


@blp.get("/repairs/<ticket_id>")
@limiter.limit("10 per minute;100 per hour")  # one client cannot sweep "0000" across every ticket id
@blp.arguments(TicketPath, location="path", as_kwargs=True)
@blp.arguments(OwnerQuery, location="query", as_kwargs=True)
@blp.response(200)
def repair_status(ticket_id: str, phone_last4: str):
    return repairs.ticket_status(db_session(), ticket_id, phone_last4)


@blp.post("/repairs/<ticket_id>/events")
@requires("staff")
@blp.arguments(TicketPath, location="path", as_kwargs=True)
@blp.arguments(EventBody)
@blp.response(201)
def add_repair_event(body: dict, ticket_id: str):
    return staff.add_repair_event(db_session(), current_staff(), ticket_id, **body)
