from flask import render_template

from . import bp


@bp.get("/makeup")
def page():
    return render_template("makeup.html")
