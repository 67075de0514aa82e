"""The assistant's only door to the store: the web app's JSON API (no business rules here)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests

TIMEOUT = 8


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    sign_in_url: str | None = None  # with 401 sign_in_required: where the shopper signs in

    @property
    def sign_in_required(self) -> bool:
        return self.status == 401 and self.code == "sign_in_required"


class StoreApi:
    """Base URL and token default to STORELENS_API_URL and STORELENS_SERVICE_TOKEN, read per call.

    ``member`` is a signed-in member's token (from the message's metadata): sent as
    ``X-Member-Token`` for that one call, never kept here. ``conversation`` (the sender id) lets
    the API ration lookups per shopper rather than for all chats together.
    """

    def __init__(self, base_url: str | None = None, token: str | None = None) -> None:
        self._base_url, self._token = base_url, token
        self.session = requests.Session()
        # one session serves every shopper: it must never keep a cookie from one for the next
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def _call(self, method: str, path: str, lang: str, member: str | None = None, conversation: str | None = None,
              **kwargs) -> Any:
        base = (self._base_url or os.environ.get("STORELENS_API_URL", "http://127.0.0.1:5000/api/v1")).rstrip("/")
        token = self._token if self._token is not None else os.environ.get("STORELENS_SERVICE_TOKEN", "")
        headers = {"Accept-Language": lang, **({"Authorization": f"Bearer {token}"} if token else {}),
                   **({"X-Member-Token": member} if member else {}),
                   **({"X-Chat-Sender": conversation} if conversation else {})}
        try:
            response = self.session.request(method, f"{base}{path}", headers=headers, timeout=TIMEOUT, **kwargs)
        except requests.RequestException:
            unavailable = "门店系统暂时连不上，请稍后再试。" if lang == "zh" else "The store system is unreachable; please try again shortly."
            raise ApiError(503, "unavailable", unavailable) from None
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise ApiError(response.status_code, error.get("code", "error"), error.get("message", ""),
                           error.get("sign_in_url"))
        return body

    def get(self, path: str, lang: str = "zh", member: str | None = None, conversation: str | None = None,
            **params) -> Any:
        return self._call("GET", path, lang, member, conversation,
                          params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict | None = None, lang: str = "zh", member: str | None = None,
             conversation: str | None = None) -> Any:
        return self._call("POST", path, lang, member, conversation, json=body or {})
