from flask import jsonify, request

from ..database import db_session
from ..store import consultations, validate
from . import bp
from .params import json_body, query_datetime


@bp.get("/consultations/services")
def list_services():
    return jsonify(services=consultations.list_services(db_session()))


@bp.get("/consultations/slots")
def available_slots():
    return jsonify(slots=consultations.available_slots(
        db_session(), validate.required(request.args, "service"),
        store_code=request.args.get("store"), start=query_datetime("from"), end=query_datetime("to"),
    ))


@bp.post("/bookings")
def book():
    body = json_body()
    booking = consultations.book(
        db_session(), validate.required(body, "slot_id"), validate.required(body, "name"),
        validate.required(body, "phone"),
    )
    return jsonify(booking), 201


@bp.get("/bookings/<code>")
def get_booking(code: str):
    return jsonify(consultations.booking_dict(consultations.get_booking(db_session(), code)))


@bp.post("/bookings/<code>/cancel")
def cancel_booking(code: str):
    return jsonify(consultations.cancel(db_session(), code))


@bp.post("/bookings/<code>/reschedule")
def reschedule_booking(code: str):
    return jsonify(consultations.reschedule(db_session(), code, validate.required(json_body(), "slot_id")))
