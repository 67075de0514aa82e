from flask import render_template

from . import bp


@bp.get("/makeup")
def page():
    return render_template("makeup.html")


@bp.get("/makeup/copy")
def copy_page():
    return render_template("makeup_copy.html")
