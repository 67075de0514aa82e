"""A stand-in for WeChat's code2Session endpoint (stdlib http.server on a free local port).

``login(openid)`` hands out a one-time code as ``wx.login`` would; ``fail(errcode)`` a code WeChat answers
with that errcode; any other code is ``40029 invalid code``. Answers are JSON labelled text/plain and carry
a session_key, as WeChat's do, so tests can check it is never kept.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-wechat-app-secret"
PATH = "/sns/jscode2session"


class FakeWeChat:
    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.codes: dict[str, str | int] = {}  # code → openid, or the errcode WeChat answers it with
        self.requests: list[dict[str, str]] = []
        self.session_keys: list[str] = []  # every session_key handed out
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_port}{PATH}"

    def login(self, openid: str) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = openid
        return code

    def fail(self, errcode: int) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = errcode
        return code

    def answer(self, query: dict[str, str]) -> dict:
        self.requests.append(query)
        if query.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        outcome = self.codes.pop(query.get("js_code", ""), 40029)  # a code works once
        if isinstance(outcome, int):
            return {"errcode": outcome, "errmsg": "fake error"}
        session_key = secrets.token_urlsafe(18)
        self.session_keys.append(session_key)
        return {"openid": outcome, "session_key": session_key}

    def start(self) -> FakeWeChat:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
                parts = urlsplit(self.path)
                if parts.path != PATH:
                    self.send_error(404)
                    return
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                body = json.dumps(fake.answer(query)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                """Quiet: test output stays readable."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeWeChat:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def configure(self, app) -> None:
        """Point a StoreLens app at this fake."""
        app.config.update(
            WECHAT_APP_ID=self.app_id, WECHAT_APP_SECRET=self.app_secret, WECHAT_CODE2SESSION_URL=self.url
        )
