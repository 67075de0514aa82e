"""The shopper's chat outside the JSON API: the full-screen /chat page (phones, the WeChat
mini-program's web-view) and the widget's words, one JSON answer for our pages and shops' sites."""

from __future__ import annotations

import re

from flask import Response, jsonify, render_template, request

from .. import text
from ..i18n import request_language
from . import bp

CHANNELS = ("web", "kiosk", "miniprogram")
STORE_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # anything else is left out, never echoed into the page


@bp.get("/chat/words")
def words() -> Response:
    asked = request.args.get("locale", "")[:2]
    lang = asked if asked in ("zh", "en") else request_language()
    response = jsonify(text.page_text("chat", lang))
    # public words, the same for everyone: any shop's page may read them, and caches may keep them
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.vary.add("Accept-Language")
    return response


@bp.get("/chat")
def page() -> str:
    channel = request.args.get("channel", "")
    if request.args.get("kiosk") == "1":
        channel = "kiosk"
    store = request.args.get("store", "")
    return render_template(
        "chat.html",
        channel=channel if channel in CHANNELS else "web",
        store=store if STORE_CODE.fullmatch(store) else "",
    )
