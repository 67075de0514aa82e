"""A stand-in for Rasa's REST channel with scripted answers, for chat tests that need no trained model.

``POST /webhooks/rest/webhook {sender, message, metadata}`` answers a list of
``{recipient_id, text?, buttons?, custom?}`` like Rasa does; ``GET /`` is the health check.
It can be stopped and started again on the same port (Rasa going down and coming back) and
made slow (``delay`` seconds before each answer).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

PRODUCT_SKU = "LIP-101"  # a lipstick of assets/seed/products.json


def scripted_answer(message: str, lang: str) -> list[dict]:
    """What the fake assistant says to ``message``, without the recipient id."""
    lowered = message.lower()
    if lowered.strip() in ("hi", "hello", "你好"):
        greeting = "你好！我能帮你什么？" if lang == "zh" else "Hi! How can I help?"
        return [
            {
                "text": greeting,
                "buttons": [
                    {"title": "口红" if lang == "zh" else "Lipstick", "payload": "/ask_product"},
                    {"title": "人工" if lang == "zh" else "Human", "payload": "/human_handoff"},
                ],
            }
        ]
    if "lipstick" in lowered or "口红" in message or lowered == "/ask_product":
        text = "推荐这款口红：" if lang == "zh" else "Try this lipstick:"
        return [{"text": text}, {"custom": {"card": "product", "sku": PRODUCT_SKU}}]
    if "human" in lowered or "人工" in message:
        return [{"text": "正在为你转接店员。" if lang == "zh" else "Passing you to a store advisor."}]
    return [{"text": f"echo: {message}"}]


class FakeAssistant:
    """The server; ``base_url`` stays the same across ``stop()`` and ``start()``."""

    def __init__(
        self, api_url: str | None = None, service_token: str = "", delay: float = 0.0, api_client: object = None
    ) -> None:
        self.api_url = api_url.rstrip("/") if api_url else None
        self.api_client = api_client  # a Flask test client: hand-overs go to it instead of over HTTP
        self.service_token = service_token
        self.delay = delay
        self.received: list[dict] = []  # every webhook body, for tests to inspect
        self.handoff_answers: list[tuple[int, dict]] = []  # (status, body) of each hand-over call
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __str__(self) -> str:
        return self.base_url

    def start(self) -> FakeAssistant:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def hand_over(self, sender: str, metadata: dict) -> None:
        """Open a hand-over for ``sender`` the way the real action_handoff does."""
        if not self.api_url and self.api_client is None:
            return
        headers = {"Authorization": f"Bearer {self.service_token}", "Accept-Language": metadata.get("lang", "zh")}
        if metadata.get("member_token"):
            headers["X-Member-Token"] = metadata["member_token"]
        body = {
            "sender_id": sender,
            "reason": "asked",
            "lang": metadata.get("lang", "zh"),
            "channel": metadata.get("channel", "web"),
            "summary": "-",
        }
        if self.api_client is not None:
            answer = self.api_client.post("/api/v1/handoffs", json=body, headers=headers)
            self.handoff_answers.append((answer.status_code, answer.get_json()))
            return
        response = requests.post(f"{self.api_url}/handoffs", json=body, headers=headers, timeout=10)
        self.handoff_answers.append((response.status_code, response.json() if response.content else {}))

    def answer(self, body: dict) -> list[dict]:
        self.received.append(body)
        if self.delay:
            time.sleep(self.delay)
        sender = str(body.get("sender", ""))
        message = str(body.get("message", ""))
        metadata = body.get("metadata") or {}
        lang = metadata.get("lang", "zh")
        if "human" in message.lower() or "人工" in message:
            self.hand_over(sender, metadata)
        return [{"recipient_id": sender, **reply} for reply in scripted_answer(message, lang)]


def _handler(fake: FakeAssistant) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _send(self, status: int, payload: object) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            # no keep-alive: after stop() no open connection may still answer like a live Rasa
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/":
                self._send(200, "Hello from Rasa: 3.6.21")
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"error": "bad json"})
                return
            if self.path.split("?")[0] != "/webhooks/rest/webhook" or not isinstance(body, dict):
                self._send(404, {"error": "not found"})
                return
            self._send(200, fake.answer(body))

    return Handler


@contextmanager
def fake_assistant(
    api_url: str | None = None, service_token: str = "", delay: float = 0.0, api_client: object = None
) -> Iterator[FakeAssistant]:
    """A running fake assistant; ``fake.base_url`` (also ``str(fake)``) is its Rasa base URL (ASSISTANT_URL).
    ``api_url`` is the web app's ``.../api/v1`` for hand-overs over HTTP; ``api_client`` a Flask test client."""
    fake = FakeAssistant(api_url, service_token, delay, api_client).start()
    try:
        yield fake
    finally:
        fake.stop()
