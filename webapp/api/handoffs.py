from flask import jsonify

from ..auth import require_role
from ..database import db_session
from ..store import handoffs
from . import bp
from .params import json_body


@bp.post("/handoffs")
@require_role("service", "staff")
def create_handoff():
    return jsonify(handoffs.create(db_session(), json_body())), 201


@bp.get("/handoffs")
@require_role("staff")
def open_handoffs():
    return jsonify(handoffs=handoffs.open_requests(db_session()))
