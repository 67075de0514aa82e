"""The caller's language: what the route read from its body, ``?lang=``, then ``Accept-Language``; Chinese by default."""

from __future__ import annotations

from flask import g, request

LANGUAGES = ("zh", "en")


def request_language() -> str:
    if "lang" in g:  # a route that reads the language from its body (the chat's ``locale``)
        return g.lang
    asked = request.args.get("lang", "")
    if asked[:2] in LANGUAGES:
        return asked[:2]
    return request.accept_languages.best_match(LANGUAGES, default="zh")
