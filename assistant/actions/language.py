"""Which language to answer in: the language the web app's chat sent (``metadata.lang``, or a
widget's ``locale``) if any, else the message's script.

The words themselves live in domain.yml, one variation per language chosen by the ``lang`` slot.
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def detect(text: str, metadata: dict | None = None, previous: str | None = None) -> str:
    given = metadata or {}
    locale = str(given.get("lang") or given.get("locale") or "")
    if locale[:2] in ("zh", "en"):
        return locale[:2]
    if (text or "").startswith("/"):  # a button's payload ("/claim_coupon{...}"): not the shopper's words
        return previous or "zh"
    if CJK.search(text or ""):
        return "zh"
    if LATIN.search(text or ""):
        return "en"
    return previous or "zh"  # "5678", "R-20417": keep the conversation's language
