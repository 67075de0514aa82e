"""Shopper-facing pages."""
from flask import Blueprint, render_template

from .i18n import request_language

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("index.html", lang=request_language())
