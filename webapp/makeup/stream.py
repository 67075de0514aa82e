"""Live try-on over a WebSocket.

The browser sends JPEG frames (binary) and look changes (text JSON ``{"type": "look", "look":
spec}``). For each frame the server answers a text ``{"type": "frame", "faces", "ms",
"dropped"}`` and then the made-up JPEG. Frames are never queued: when several arrived while
one was being rendered, only the newest is rendered and the rest are counted as dropped.
Errors come as ``{"type": "error", "error": {"code", "message"}}`` and the stream goes on.

Only pages of this site may open a stream (the Origin is checked before the upgrade), each
client address keeps at most ``STREAMS_PER_CLIENT`` open per server process, and a stream that
sends nothing for ``STREAM_IDLE_SECONDS`` is closed.
"""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from simple_websocket import ConnectionClosed

from tryon.pipeline import LiveFrames

from ..database import store_db
from ..i18n import request_language
from ..limits import OpenSockets
from ..store import StoreError, looks, tryon_photo
from . import bp, sock
from .renders import render_pool

DEFAULTS = {"STREAMS_PER_CLIENT": 4, "STREAM_IDLE_SECONDS": 120}
MAX_TEXT = 16 * 1024  # a look change is a few hundred bytes
TRY_AGAIN_LATER, INTERNAL_ERROR = 1013, 1011  # WebSocket close codes


class Idle(Exception):
    """Nothing came from the browser for STREAM_IDLE_SECONDS."""


class LiveTryOn:
    """One camera stream: its frames (``tryon.pipeline.LiveFrames``) and the look chosen last."""

    def __init__(self) -> None:
        self.frames = LiveFrames()
        self.look = looks.ResolvedLook(())

    def set_look(self, spec: object) -> None:
        with store_db().session() as session:
            self.look = looks.resolve(session, spec)

    def render(self, data: bytes) -> tuple[bytes, int]:
        """CV only (it runs on a render thread): the made-up JPEG and the number of faces."""
        with tryon_photo.image_errors():
            return self.frames.render(data, self.look.applications, self.look.scene, self.look.smoothing)

    def close(self) -> None:
        self.frames.close()


def _command(live: LiveTryOn, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise StoreError("invalid_field", field="message", reason=f"over {MAX_TEXT // 1024} KB")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise StoreError("invalid_json") from None
    if not isinstance(message, dict) or message.get("type") != "look":
        raise StoreError("invalid_field", field="type", reason="expected 'look'")
    live.set_look(message.get("look"))


def _newest_frame(ws, live: LiveTryOn, lang: str, idle: float) -> tuple[bytes | None, int]:
    """Wait for the next message, then drain what else is waiting; keep the newest frame.
    Raises Idle when nothing came for ``idle`` seconds."""
    frame, dropped = None, 0
    message = ws.receive(timeout=idle)
    if message is None:
        raise Idle
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
    ws.send(
        json.dumps({"type": "error", "error": {"code": error.code, "message": error.message(lang)}}, ensure_ascii=False)
    )


def origin_allowed(origin: str | None, host: str, public_url: str | None) -> bool:
    """A page of this site: the same host as the request, or the configured public URL. Without
    an Origin the caller is no browser, and such a client could send any Origin anyway."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.netloc and parts.netloc.lower() == host.lower():
        return True
    public = urlsplit(public_url or "")
    return bool(public.netloc) and (parts.scheme, parts.netloc.lower()) == (public.scheme, public.netloc.lower())


@bp.before_request
def _refuse_foreign_origin() -> None:
    # before the upgrade: another site's page must not open a stream with our shopper's camera
    if request.endpoint == "makeup.stream" and not origin_allowed(
        request.headers.get("Origin"), request.host, current_app.config.get("PUBLIC_URL")
    ):
        raise StoreError("origin_not_allowed", 403)


@sock.route("/makeup/stream", bp=bp)
def stream(ws) -> None:
    # each reply is two small writes (meta, frame): without NODELAY, Nagle's algorithm and
    # the peer's delayed ACK hold the second one back for ~40 ms
    ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lang = request_language()
    config = current_app.config
    open_streams: OpenSockets = current_app.extensions["open_streams"]
    with open_streams.held(request.remote_addr or "", config["STREAMS_PER_CLIENT"]) as allowed:
        if not allowed:
            _send_error(ws, StoreError("too_many_streams", 429), lang)
            ws.close(TRY_AGAIN_LATER, "too many streams")
            return
        live = LiveTryOn()
        try:
            _serve(ws, live, lang, config["STREAM_IDLE_SECONDS"])
        except ConnectionClosed:
            pass
        except Idle:
            ws.close(message="idle")
        except Exception:  # a broken stream ends alone and cleanly, whatever broke it
            current_app.logger.exception("live try-on stream failed")
            _send_error(ws, StoreError("internal", 500), lang)
            ws.close(INTERNAL_ERROR)
        finally:
            live.close()


def _serve(ws, live: LiveTryOn, lang: str, idle: float) -> None:
    renders = render_pool()
    while True:
        frame, dropped = _newest_frame(ws, live, lang, idle)
        if frame is None:
            continue
        started = time.perf_counter()
        try:
            jpeg, faces = renders.run(live.render, frame)
        except StoreError as error:
            _send_error(ws, error, lang)
            continue
        ms = round((time.perf_counter() - started) * 1000, 1)
        ws.send(json.dumps({"type": "frame", "faces": faces, "ms": ms, "dropped": dropped}))
        ws.send(jpeg)


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["open_streams"] = OpenSockets()
