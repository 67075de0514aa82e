"""Which language to answer in: the widget's locale if it sent one, else the message's script."""
from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def detect(text: str, metadata: dict | None = None, previous: str | None = None) -> str:
    locale = str((metadata or {}).get("locale") or "")
    if locale[:2] in ("zh", "en"):
        return locale[:2]
    if CJK.search(text or ""):
        return "zh"
    if LATIN.search(text or ""):
        return "en"
    return previous or "zh"  # "5678", "R-20417": keep the conversation's language


def say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh
