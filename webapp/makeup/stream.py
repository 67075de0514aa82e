"""Live try-on over a WebSocket.

The browser sends JPEG frames (binary) and look changes (text JSON ``{"type": "look", "look":
spec}``). For each frame the server answers a text ``{"type": "frame", "faces", "ms",
"dropped"}`` and then the made-up JPEG. Frames are never queued: when several arrived while
one was being rendered, only the newest is rendered and the rest are counted as dropped.
Errors come as ``{"type": "error", "error": {"code", "message"}}`` and the stream goes on.
"""
from __future__ import annotations

import json
import socket
import time

from simple_websocket import ConnectionClosed

from tryon.landmarks import StreamLandmarker
from tryon.smoothing import LandmarkSmoother

from ..database import store_db
from ..i18n import request_language
from ..store import StoreError, looks, tryon_photo
from . import bp, sock


class LiveTryOn:
    """One camera stream: its own face tracker and smoother, and the look chosen last."""

    def __init__(self) -> None:
        self.tracker = StreamLandmarker()
        self.smoother = LandmarkSmoother()
        self.applications, self.scene = [], None

    def set_look(self, spec: object) -> None:
        with store_db().session() as session:
            self.applications, self.scene = looks.resolve(session, spec)

    def render(self, data: bytes) -> tuple[bytes, int]:
        image = tryon_photo.decode(data)
        faces = self.tracker.detect(image)
        if faces:
            faces = [self.smoother(faces[0], time.monotonic())]
        else:
            self.smoother.reset()
        return tryon_photo.made_up(image, faces, self.applications, self.scene), len(faces)

    def close(self) -> None:
        self.tracker.close()


def _command(live: LiveTryOn, text: str) -> None:
    try:
        message = json.loads(text)
    except ValueError:
        raise StoreError("invalid_json") from None
    if not isinstance(message, dict) or message.get("type") != "look":
        raise StoreError("invalid_field", field="type", reason="expected 'look'")
    live.set_look(message.get("look"))


def _newest_frame(ws, live: LiveTryOn, lang: str) -> tuple[bytes | None, int]:
    """Block for the next message, then drain what else is waiting; keep the newest frame."""
    frame, dropped = None, 0
    message = ws.receive()
    while message is not None:
        if isinstance(message, str):
            try:
                _command(live, message)
            except StoreError as error:
                _send_error(ws, error, lang)
        else:
            dropped += frame is not None
            frame = message
        message = ws.receive(timeout=0)
    return frame, dropped


def _send_error(ws, error: StoreError, lang: str) -> None:
    ws.send(json.dumps({"type": "error", "error": {"code": error.code, "message": error.message(lang)}},
                       ensure_ascii=False))


@sock.route("/makeup/stream", bp=bp)
def stream(ws) -> None:
    # each reply is two small writes (meta, frame): without NODELAY, Nagle's algorithm and
    # the peer's delayed ACK hold the second one back for ~40 ms
    ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lang = request_language()
    live = LiveTryOn()
    try:
        while True:
            frame, dropped = _newest_frame(ws, live, lang)
            if frame is None:
                continue
            started = time.perf_counter()
            try:
                jpeg, faces = live.render(frame)
            except StoreError as error:
                _send_error(ws, error, lang)
                continue
            ms = round((time.perf_counter() - started) * 1000, 1)
            ws.send(json.dumps({"type": "frame", "faces": faces, "ms": ms, "dropped": dropped}))
            ws.send(jpeg)
    except ConnectionClosed:
        pass
    finally:
        live.close()
