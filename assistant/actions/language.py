"""Which language to answer in: the script the shopper wrote in; when the message has none (digits,
emoji, a button), the conversation's language so far, else the page's (``metadata.lang`` from the web
app's chat, or a widget's ``locale``). English typed on a Chinese page gets English.

The words themselves live in domain.yml, one variation per language chosen by the ``lang`` slot.
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def detect(text: str, metadata: dict | None = None, previous: str | None = None) -> str:
    given = metadata or {}
    page = str(given.get("lang") or given.get("locale") or "")[:2]
    fallback = previous or (page if page in ("zh", "en") else "zh")
    text = text or ""
    if text.startswith("/"):  # a button's payload ("/claim_coupon{...}"): not the shopper's words
        return fallback
    if CJK.search(text):
        return "zh"
    if LATIN.search(text):
        return "en"
    return fallback  # "5678", "R-20417", "👍": keep the conversation's language
