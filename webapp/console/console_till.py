"""Console pages at the counter: coupons at the till (look up, redeem once, the day's list), the store's
repairs (a status step with a note, posted into the chats that follow the ticket) and the hand-over inbox,
whose live list and transcript console_inbox.js keeps from the hand-over API. Rules stay in webapp.store."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Regexp

from ..auth import current_staff
from ..database import db_session
from ..i18n import request_language
from ..store import StoreError, coupons, handoffs, repairs, staff
from ..store.models import REPAIR_STATUSES
from ..text import page_text, translate
from .console_pages import bp

COUPON_CODE = r"^[A-Za-z0-9-]{1,20}$"
CLEAN_TEXT = r"^[^\x00\ud800-\udfff]*$"  # PostgreSQL text takes no NUL; UTF-8 no lone surrogate
# the inbox script's words: only what it shows, so the page carries no more than it needs
INBOX_WORDS = (
    "waiting in_progress nothing_waiting nothing_taken waited pick take close reply_label send taken_by callback "
    "product_card booking_card new_handoff offline reason_asked reason_fallback reason_verification_failed "
    "reason_callback author_shopper author_assistant author_advisor author_system"
).split()


class RedeemForm(FlaskForm):
    code = StringField(validators=[InputRequired(), Regexp(COUPON_CODE)])
    order_amount = DecimalField(validators=[InputRequired(), NumberRange(0, 10_000_000)])


class RepairForm(FlaskForm):
    status = SelectField(choices=REPAIR_STATUSES)
    note_zh = TextAreaField(validators=[Length(max=500), Regexp(CLEAN_TEXT)])
    note_en = TextAreaField(validators=[Length(max=500), Regexp(CLEAN_TEXT)])


def _words() -> dict[str, str]:
    return page_text("console_till", request_language())


def _back(endpoint: str, **values: object) -> Response:
    return redirect(url_for(endpoint, lang=request_language(), **values))


def _refuse_without_csrf(form: FlaskForm) -> None:
    if "csrf_token" in form.errors:
        raise StoreError("csrf_failed", 400)


# --- coupons at the till ---------------------------------------------------------------------------


def _till_page(form: RedeemForm, error: str | None = None, status: int = 200):
    """The look-up of ``form.code`` (when given), the redemption form and the store's redemptions today."""
    who = current_staff()
    code = (form.code.data or "").strip().upper()
    coupon = None
    if code and not re.fullmatch(COUPON_CODE, code):
        error, status = _words()["code_invalid"], 422
    elif code:
        try:
            coupon = coupons.till_view(db_session(), code)
        except StoreError as refused:
            error, status = error or refused.message(request_language()), status if error else refused.status
    today = coupons.store_redemptions(db_session(), who)
    return render_template("console_till.html", form=form, coupon=coupon, error=error, today=today), status


@bp.get("/till")
@login_required
def till():
    return _till_page(RedeemForm(formdata=None, code=request.args.get("code", "")[:40]))


@bp.post("/till/redeem")
@login_required
def redeem():
    who = current_staff()
    form = RedeemForm()
    if not form.validate():
        _refuse_without_csrf(form)
        amount_refused = "order_amount" in form.errors and not form.code.errors
        return _till_page(form, _words()["amount_invalid"] if amount_refused else None, 422)
    try:
        done = coupons.redeem(db_session(), form.code.data, who.store_code, form.order_amount.data, staff=who)
    except StoreError as refused:
        return _till_page(form, refused.message(request_language()), refused.status)
    flash(done["code"], "coupon_redeemed_done")
    return _back("console.till", code=done["code"])


# --- the store's repairs ---------------------------------------------------------------------------


def _repairs_page(error: str | None = None, status: int = 200):
    tickets = repairs.store_tickets(db_session(), current_staff())
    return render_template("console_repairs.html", tickets=tickets, form=RepairForm(formdata=None), error=error), status


@bp.get("/repairs")
@login_required
def repair_list():
    return _repairs_page()


@bp.post("/repairs/<ticket_id>")
@login_required
def repair_update(ticket_id: str):
    form = RepairForm()
    if not form.validate():
        _refuse_without_csrf(form)
        bad_status = translate("invalid_field", request_language(), field="status", reason=", ".join(REPAIR_STATUSES))
        return _repairs_page(bad_status if form.status.errors else _words()["note_too_long"], 422)
    try:
        done = staff.add_repair_event(
            db_session(),
            current_staff(),
            ticket_id,
            status=form.status.data,
            note_zh=(form.note_zh.data or "").strip(),
            note_en=(form.note_en.data or "").strip(),
        )
    except StoreError as refused:
        return _repairs_page(refused.message(request_language()), refused.status)
    flash(done["id"], "repair_updated")
    return _back("console.repair_list")


# --- the hand-over inbox ---------------------------------------------------------------------------


@bp.get("/inbox")
@login_required
def inbox():
    words = _words()
    data = {
        "api": url_for("handoffs.list_handoffs"),
        "csrf": generate_csrf(),
        "lang": request_language(),
        "me": current_staff().name,
        "words": {key: words[key] for key in INBOX_WORDS},
    }
    return render_template("console_inbox.html", inbox=data)


@bp.app_context_processor
def inbox_badge() -> dict:
    """How many shoppers wait for this store's advisors, for the badge on every console page."""
    who = current_staff() if request.blueprint == "console" else None
    if who is None:
        return {}
    return {"inbox_waiting": len(handoffs.list_for_store(db_session(), who, "open"))}
