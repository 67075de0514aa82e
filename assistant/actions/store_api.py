"""The assistant's only door to the store: the web app's JSON API (no business rules here).

Every failure is an ``ApiError``. The API's own 4xx answers carry its message, already in the
shopper's language (``Accept-Language``), which actions may relay as they are. When the store system
does not answer in time, cannot be reached, or fails (5xx, or an answer that is not the API's JSON),
the error is ``unavailable`` and carries no message: the actions answer with the domain's
``utter_store_unreachable`` (with the store hotline).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

TIMEOUT = 8  # seconds for one call; a slower store system counts as unreachable
# kept-alive connections to the API: one per action thread (serve_actions.py), so none is reopened
POOL_SIZE = int(os.environ.get("ACTION_THREADS", "16"))
UNAVAILABLE = "unavailable"

logger = logging.getLogger(__name__)


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str = ""
    sign_in_url: str | None = None  # with 401 sign_in_required: where the shopper signs in
    details: dict = field(default_factory=dict)  # the API's whole error object (e.g. opens_at with store_closed)

    @property
    def sign_in_required(self) -> bool:
        return self.status == 401 and self.code == "sign_in_required"

    @property
    def unavailable(self) -> bool:
        """The store system did not answer: down, slow or failing."""
        return self.code == UNAVAILABLE


def part(value: object) -> str:
    """Words the shopper typed (a ticket id, a booking code), made safe as one segment of an API path:
    the API judges them and answers 400 or 404 in the shopper's language."""
    return quote(str(value).strip(), safe="")


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
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _call(
        self, method: str, path: str, lang: str, member: str | None = None, conversation: str | None = None, **kwargs
    ) -> Any:
        base = (self._base_url or os.environ.get("STORELENS_API_URL", "http://127.0.0.1:5000/api/v1")).rstrip("/")
        token = self._token if self._token is not None else os.environ.get("STORELENS_SERVICE_TOKEN", "")
        headers = {
            "Accept-Language": lang,
            **({"Authorization": f"Bearer {token}"} if token else {}),
            **({"X-Member-Token": member} if member else {}),
            **({"X-Chat-Sender": conversation} if conversation else {}),
        }
        endpoint = f"{method} /{path.strip('/').split('/')[0]}"  # for the log: no ids, codes or digits
        try:
            response = self.session.request(method, f"{base}{path}", headers=headers, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as failure:
            logger.warning("store API unreachable (%s): %s", endpoint, type(failure).__name__)
            raise ApiError(503, UNAVAILABLE) from None
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = None
        if response.status_code >= 500 or body is None:
            logger.warning("store API failed (%s): HTTP %s", endpoint, response.status_code)
            raise ApiError(response.status_code, UNAVAILABLE)
        if response.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            error = error if isinstance(error, dict) else {}
            raise ApiError(
                response.status_code,
                error.get("code", "error"),
                error.get("message", ""),
                error.get("sign_in_url"),
                {**body, **error} if isinstance(body, dict) else {},
            )
        return body

    def get(
        self, path: str, lang: str = "zh", member: str | None = None, conversation: str | None = None, **params
    ) -> Any:
        return self._call(
            "GET", path, lang, member, conversation, params={k: v for k, v in params.items() if v is not None}
        )

    def post(
        self,
        path: str,
        body: dict | None = None,
        lang: str = "zh",
        member: str | None = None,
        conversation: str | None = None,
    ) -> Any:
        return self._call("POST", path, lang, member, conversation, json=body or {})
