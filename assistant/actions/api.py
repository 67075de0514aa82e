"""The assistant's only door to the store: the web app's JSON API (no business rules here)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT = 8


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str


class StoreApi:
    """Base URL and token default to STORELENS_API_URL and STORELENS_SERVICE_TOKEN, read per call."""

    def __init__(self, base_url: str | None = None, token: str | None = None) -> None:
        self._base_url, self._token = base_url, token
        self.session = requests.Session()

    def _call(self, method: str, path: str, lang: str, **kwargs) -> Any:
        base = (self._base_url or os.environ.get("STORELENS_API_URL", "http://127.0.0.1:5000/api/v1")).rstrip("/")
        token = self._token if self._token is not None else os.environ.get("STORELENS_SERVICE_TOKEN", "")
        headers = {"Accept-Language": lang, **({"Authorization": f"Bearer {token}"} if token else {})}
        try:
            response = self.session.request(method, f"{base}{path}", headers=headers, timeout=TIMEOUT, **kwargs)
        except requests.RequestException:
            unavailable = "门店系统暂时连不上，请稍后再试。" if lang == "zh" else "The store system is unreachable; please try again shortly."
            raise ApiError(503, "unavailable", unavailable) from None
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            error = body.get("error", {})
            raise ApiError(response.status_code, error.get("code", "error"), error.get("message", ""))
        return body

    def get(self, path: str, lang: str = "zh", **params) -> Any:
        return self._call("GET", path, lang, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict | None = None, lang: str = "zh") -> Any:
        return self._call("POST", path, lang, json=body or {})
