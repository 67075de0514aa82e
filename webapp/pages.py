"""Shopper-facing pages, and what every page template knows about its request."""

from flask import Blueprint, render_template, request, url_for

from . import text
from .i18n import request_language

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def page_context() -> dict:
    """The page's language, whether it runs on an in-store kiosk (``?kiosk=1``), and a link to the
    same page in another language that keeps every other query argument (kiosk, sku, plan)."""

    def in_language(code: str) -> str:
        if request.endpoint is None:
            return f"?lang={code}"
        # path arguments win over a query argument of the same name (/furniture/<sku>?sku=...)
        return url_for(request.endpoint, **(request.args.to_dict() | (request.view_args or {}) | {"lang": code}))

    lang = request_language()
    return {
        "lang": lang,
        "kiosk": request.args.get("kiosk") == "1",
        "in_language": in_language,
        "page_text": lambda page: text.page_text(page, lang),
    }


@bp.get("/")
def index():
    return render_template("index.html")
