from flask import render_template

from tryon.masks import MASCARA_STYLES

from ..store.models import MAKEUP_TYPES
from . import bp


@bp.get("/makeup")
def page():
    return render_template("makeup.html", kinds=MAKEUP_TYPES, lash_styles=MASCARA_STYLES)


@bp.get("/makeup/copy")
def copy_page():
    return render_template("makeup_copy.html")
