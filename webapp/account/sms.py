"""Who delivers sign-in codes, chosen by ``SMS_SENDER`` in the instance config.

``log`` writes the code to the server log (development), ``memory`` keeps the last code per
phone in ``app.extensions["sms_outbox"]`` (tests), ``webhook`` posts it to an SMS gateway
(``SMS_WEBHOOK_URL`` with ``SMS_WEBHOOK_TOKEN``), the adapter a provider's relay plugs into.
"""

from __future__ import annotations

from typing import Protocol

import requests
from flask import Flask, current_app

from ..store import StoreError
from ..store.members import CODE_TTL, mask_phone
from ..text import translate


class Sender(Protocol):
    def send(self, phone: str, code: str, lang: str) -> None: ...


def _text(code: str, lang: str) -> str:
    return translate("sms_sign_in_code", lang, code=code, minutes=int(CODE_TTL.total_seconds() // 60))


class LogSender:
    def send(self, phone: str, code: str, lang: str) -> None:
        current_app.logger.warning("SMS to %s (log sender, development only): %s", mask_phone(phone), _text(code, lang))


class MemorySender:
    def __init__(self, outbox: dict[str, str]) -> None:
        self.outbox = outbox

    def send(self, phone: str, code: str, lang: str) -> None:
        self.outbox[phone] = code


class WebhookSender:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def send(self, phone: str, code: str, lang: str) -> None:
        try:
            answer = requests.post(
                self.url,
                json={"phone": phone, "text": _text(code, lang), "lang": lang},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=5,
            )
            answer.raise_for_status()
        except requests.RequestException:
            current_app.logger.exception("SMS gateway failed for %s", mask_phone(phone))
            raise StoreError("sms_unavailable", 503) from None


def init_app(app: Flask) -> None:
    kind = app.config["SMS_SENDER"]
    if kind == "log":
        sender: Sender = LogSender()
    elif kind == "memory":
        sender = MemorySender(app.extensions.setdefault("sms_outbox", {}))
    elif kind == "webhook":
        sender = WebhookSender(app.config["SMS_WEBHOOK_URL"], app.config.get("SMS_WEBHOOK_TOKEN", ""))
    else:
        raise RuntimeError(f"SMS_SENDER must be log, memory or webhook, not {kind!r}")
    app.extensions["sms_sender"] = sender


def send_code(phone: str, code: str, lang: str) -> None:
    current_app.extensions["sms_sender"].send(phone, code, lang)
