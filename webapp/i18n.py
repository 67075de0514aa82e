"""The caller's language: ``?lang=`` first, then ``Accept-Language``; Chinese by default."""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")


def request_language() -> str:
    asked = request.args.get("lang", "")
    if asked[:2] in LANGUAGES:
        return asked[:2]
    return request.accept_languages.best_match(LANGUAGES, default="zh")
