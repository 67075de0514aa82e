from flask import jsonify, request

from ..auth import require_role
from ..database import db_session
from ..store import repairs, validate
from . import bp
from .params import json_body


@bp.get("/repairs/<ticket_id>")
def repair_status(ticket_id: str):
    return jsonify(repairs.ticket_status(db_session(), ticket_id, request.args.get("phone_last4")))


@bp.post("/repairs/<ticket_id>/events")
@require_role("staff")
def add_repair_event(ticket_id: str):
    body = json_body()
    ticket = repairs.add_event(
        db_session(), ticket_id, validate.required(body, "status"),
        note_zh=body.get("note_zh", ""), note_en=body.get("note_en", ""), staff=body.get("staff", ""),
        engineer=body.get("engineer"), eta=body.get("eta"),
    )
    return jsonify(ticket), 201
