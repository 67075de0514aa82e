"""Console pages: sign-in and out, the store's day, and for store managers their staff and the audit log.
Every form is a Flask-WTF form (CSRF token); refusals are the store's zh/en messages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..auth import StaffLogin, current_staff
from ..database import db_session
from ..i18n import request_language
from ..store import StoreError, consultations, staff, timeutil
from ..store.audit import PAGE
from ..store.catalog import get_store, store_dict
from ..text import BOOKING_STATUS_WORDS, page_text, translate

bp = Blueprint("console", __name__, url_prefix="/advisor")


class SignInForm(FlaskForm):
    username = StringField(validators=[InputRequired(), Length(max=40)])
    password = PasswordField(validators=[InputRequired(), Length(max=128)])


class AdvisorForm(FlaskForm):
    username = StringField(validators=[InputRequired(), Length(max=40)])
    name = StringField(validators=[InputRequired(), Length(max=60)])
    password = PasswordField(validators=[InputRequired(), Length(max=128)])


class ActionForm(FlaskForm):
    """A button that changes something: nothing but its CSRF token."""


def _form_error(form: FlaskForm) -> str:
    """Why a form was refused, in the page's language (WTForms' own messages are English only)."""
    key = "csrf_failed" if "csrf_token" in form.errors else None
    return translate(key, request_language()) if key else page_text("console", request_language())["field_required"]


def _here(endpoint: str, **values: object) -> Response:
    return redirect(url_for(endpoint, lang=request_language(), **values))


def to_sign_in() -> Response:
    """Flask-Login's answer to a page asked for without a session; a stale cookie means it timed out."""
    idle = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    return _here("console.sign_in", **({"idle": 1} if idle else {}))


@bp.errorhandler(StoreError)
def _refused(error: StoreError):
    return render_template("console_notice.html", message=error.message(request_language())), error.status


@bp.route("/login", methods=["GET", "POST"])
def sign_in():
    if current_staff() is not None:
        return _here("console.today")
    form = SignInForm()
    error, status = None, 200
    if form.is_submitted():
        if not form.validate():
            error, status = _form_error(form), 400
        else:
            try:
                who, session_id = staff.sign_in(
                    db_session(), form.username.data, form.password.data, request.remote_addr or ""
                )
            except StoreError as refused:
                error, status = refused.message(request_language()), refused.status
            else:
                session.clear()  # nothing from before the sign-in (an old CSRF token) carries over
                login_user(StaffLogin(who, session_id))
                session.permanent = True  # the cookie then expires after PERMANENT_SESSION_LIFETIME idle
                return _here("console.today")
    notice = "timed_out" if request.args.get("idle") else "signed_out" if request.args.get("out") else None
    return render_template("console_sign_in.html", form=form, error=error, notice=notice), status


@bp.post("/logout")
def sign_out():
    if not ActionForm().validate_on_submit():
        raise StoreError("csrf_failed", 400)
    logout_user()
    session.clear()
    return _here("console.sign_in", out=1)


@bp.get("/")
@login_required
def today():
    who = current_staff()
    lang = request_language()
    bookings = consultations.store_day_bookings(db_session(), who.store_id, timeutil.now().date())
    for booking in bookings:
        booking["status_label"] = BOOKING_STATUS_WORDS[booking["status"]][lang == "en"]
        booking["time"] = booking["starts_at"][11:16]
    return render_template("console_today.html", bookings=bookings, day=timeutil.now().date())


@bp.route("/staff", methods=["GET", "POST"])
@login_required
def staff_list():
    who = current_staff()
    staff.require_manager(who)
    form = AdvisorForm()
    error = None
    if form.is_submitted():
        if not form.validate():
            error = _form_error(form)
        else:
            try:
                added = staff.create_account(
                    db_session(),
                    form.username.data,
                    form.name.data,
                    who.store_code,
                    "advisor",
                    form.password.data,
                    by=who,
                )
            except StoreError as refused:
                error = refused.message(request_language())
            else:
                flash(added["name"], "added")
                return _here("console.staff_list")
    accounts = staff.list_staff(db_session(), who.store_id)
    return render_template(
        "console_staff.html", form=form, action=ActionForm(), accounts=accounts, error=error
    ), 422 if error else 200


@bp.post("/staff/<username>/disable")
@login_required
def disable(username: str):
    who = current_staff()
    staff.require_manager(who)
    if not ActionForm().validate_on_submit():
        raise StoreError("csrf_failed", 400)
    flash(staff.disable(db_session(), username, by=who)["name"], "disabled_done")
    return _here("console.staff_list")


@bp.get("/audit")
@login_required
def audit_log():
    who = current_staff()
    before = request.args.get("before", "")
    entries = staff.audit_log(db_session(), who, int(before) if before.isdigit() and len(before) < 10 else None)
    lang = request_language()
    for entry in entries:
        entry["action_text"] = entry["action_label"][lang]
        entry["when"] = entry["at"][:16].replace("T", " ")
    older = entries[-1]["id"] if len(entries) == PAGE else None
    return render_template("console_audit.html", entries=entries, older=older)


@bp.app_context_processor
def console_context() -> dict:
    """The signed-in staff member and their store, for the console's header."""
    who = current_staff() if request.blueprint == "console" else None
    if who is None:
        return {"staff_member": None}
    return {
        "staff_member": who,
        "staff_store": store_dict(get_store(db_session(), who.store_code)),
        "idle_seconds": int(current_app.permanent_session_lifetime.total_seconds()),
    }
