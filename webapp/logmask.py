"""Access logs without personal data: phone numbers, phone digits and booking codes are masked.

gunicorn uses ``MaskingLogger`` (webapp/gunicorn.conf.py); ``mask`` is the one rule.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_RULES = (
    # 13900000000, 139-0000-0000, 139%200000%200000 → 139****0000
    (re.compile(r"(?<!\d)(1[3-9]\d)(?:%20|[\s-])?\d{4}(?:%20|[\s-])?(\d{4})(?!\d)"), r"\1****\2"),
    (re.compile(r"(phone_last4=)[^&\s]*", re.IGNORECASE), r"\1****"),
    (re.compile(r"(/bookings/)[^/?\s]+"), r"\1****"),  # short codes and link codes alike
    (re.compile(r"\bBK[2-9A-HJ-NP-Z]{4,}\b"), "BK****"),
)


def mask(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):  # request line, path, query, referer
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms
