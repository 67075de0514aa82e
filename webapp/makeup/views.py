from flask import render_template, request

from ..i18n import request_language
from . import bp


@bp.get("/makeup")
def page():
    return render_template("makeup.html", lang=request_language(), kiosk=request.args.get("kiosk") == "1")
