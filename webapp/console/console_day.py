"""The advisor's working day in the console: the store's bookings (kept live by polling), the customer
view of a share code (typed or scanned), and recommendation lists sent into a shopper's chat.

Pages are for a signed-in console session; their scripts call the small JSON routes under
``/advisor/data``, which answer in the API's one error shape (the console's own handler renders pages).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import render_template, url_for
from flask_login import login_required
from marshmallow import Schema, fields, validates_schema

from ..api.base import Blueprint as ApiBlueprint
from ..api.base import Code, Integer, Items, Text, json_body, required_error
from ..auth import current_staff, requires_staff
from ..chat.assistant_client import product_card
from ..database import db_session
from ..error_handlers import error_response
from ..i18n import request_language
from ..store import StoreError, consultations, handoffs, recommendations, timeutil
from ..store.catalog import list_products
from ..text import BOOKING_STATUS_WORDS, page_text
from .console_pages import bp

UPCOMING_DAYS = 7  # the bookings page shows today and the week ahead
POLL_SECONDS = 10


class DaysQuery(Schema):
    days = Integer(1, consultations.MAX_UPCOMING_DAYS)


class RecommendedItem(Schema):
    sku = Code(required=True)
    note = Text(recommendations.MAX_NOTE)


class RecommendationBody(Schema):
    items = Items(fields.Nested(RecommendedItem), recommendations.MAX_ITEMS, required=True)


class SendBody(Schema):
    handoff = Integer()
    booking = Code()

    @validates_schema
    def _one_chat(self, data: dict, **kwargs) -> None:
        if ("handoff" in data) == ("booking" in data):
            raise required_error("handoff")


def _json(view: Callable) -> Callable:
    """Refusals as ``{"error": {...}}`` JSON for the page's script, not as a console page."""

    @functools.wraps(view)
    def answer(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except StoreError as error:
            return error_response(error)

    return answer


def _words() -> dict:
    lang = request_language()
    return {
        **page_text("console_day", lang),
        "statuses": {status: pair[lang == "en"] for status, pair in BOOKING_STATUS_WORDS.items()},
    }


def _card(sku: str, lang: str) -> dict | None:
    return product_card(db_session(), sku, lang, current_staff().store_code)


# --- bookings ------------------------------------------------------------------------------


@bp.get("/bookings")
@login_required
def bookings():
    who = current_staff()
    listed = consultations.store_day_bookings(db_session(), who.store_id, timeutil.now().date(), UPCOMING_DAYS)
    data = {
        "words": _words(),
        "bookings": listed,
        "days": UPCOMING_DAYS,
        "poll_seconds": POLL_SECONDS,
        "feed_url": url_for("console.bookings_feed"),
        "customer_url": url_for("console.customer", lang=request_language()),
        "today": timeutil.now().date().isoformat(),
        "at": timeutil.to_iso(timeutil.now()),
    }
    return render_template("console_bookings.html", data=data)


@bp.get("/data/bookings")
@_json
@requires_staff
def bookings_feed():
    days = ApiBlueprint.ARGUMENTS_PARSER.parse(DaysQuery, location="query").get("days", UPCOMING_DAYS)
    now = timeutil.now()
    day = now.date()
    return {
        "day": day.isoformat(),
        "at": timeutil.to_iso(now),  # store time, for "updated at" (the tablet's clock may be elsewhere)
        "bookings": consultations.store_day_bookings(db_session(), current_staff().store_id, day, days),
    }


# --- the customer view ---------------------------------------------------------------------


@bp.get("/customer")
@login_required
def customer():
    data = {"words": _words(), "share_url": url_for("console.share_view", code="CODE")}
    return render_template("console_customer.html", data=data)


@bp.get("/data/share/<code>")
@_json
@requires_staff
def share_view(code: str):
    """A saved look, room plan or recommendation list, with stock near this store for each product."""
    lang = request_language()
    view = recommendations.customer_view(db_session(), code, current_staff())
    if view["kind"] == "look":
        view["try_on_url"] = url_for("makeup.page", look=view["code"], lang=lang)
    elif view["kind"] == "plan":
        view["plan_url"] = url_for("furniture.planner", plan=view["code"], lang=lang)
    return view


# --- recommendation lists ------------------------------------------------------------------


@bp.get("/recommend")
@login_required
def recommend():
    who = current_staff()
    session = db_session()
    lang = request_language()
    chats = [h for h in handoffs.list_for_store(session, who, "taken") if h["advisor"] == who.name]
    day = consultations.store_day_bookings(session, who.store_id, timeutil.now().date())
    data = {
        "words": _words(),
        "products": [
            {"sku": p["sku"], "name": p["name"][lang], "category": p["category"]} for p in list_products(session)
        ],
        "chats": [{"id": h["id"], "summary": h["summary"][:60]} for h in chats],
        "bookings": [{"code": b["code"], "name": b["name"], "time": b["starts_at"][11:16]} for b in day if b["member"]],
        "recent": recommendations.store_recent(session, who),
        "create_url": url_for("console.create_recommendation"),
        "send_url": url_for("console.send_recommendation", code="CODE"),
    }
    return render_template("console_recommend.html", data=data)


@bp.post("/data/recommendations")
@_json
@requires_staff
def create_recommendation():
    body = json_body(RecommendationBody)
    return recommendations.create(db_session(), current_staff(), body["items"]), 201


@bp.post("/data/recommendations/<code>/send")
@_json
@requires_staff
def send_recommendation(code: str):
    """Into the chat of a hand-over this advisor took, or of a booking's member; it reaches them live."""
    body = json_body(SendBody)
    posted = recommendations.send(
        db_session(),
        code,
        current_staff(),
        _card,
        handoff_id=body.get("handoff"),
        booking_code=body.get("booking"),
    )
    return {"messages": posted}, 201
