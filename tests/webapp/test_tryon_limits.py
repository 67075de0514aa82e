"""What a crowd (or one careless client) can send to the try-on, and how it is answered: portrait
photos, oversize ones, a full render queue, too many requests, foreign pages, hostile stream
messages, and uploads that must never reach the disk."""

import base64
import io
import json
import struct
import tempfile
import threading
import time
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image
from simple_websocket import Client, ConnectionClosed
from simple_websocket import ConnectionError as HandshakeRefused
from skimage import data

from tryon.imageio import EXIF_ORIENTATION, encode_jpeg
from tryon.pipeline import PhotoResult
from webapp import create_app
from webapp.makeup.stream import origin_allowed
from webapp.store import tryon_photo

from ..browser import serve
from ..tryon.conftest import face_frame

LOOK = json.dumps({"items": [{"sku": "LIP-103", "intensity": 1.0}]})
TRYON = "/api/v1/tryon/makeup"


@pytest.fixture
def make_app(db_url, models_dir):
    """Apps on the test database with some try-on settings changed."""
    apps = []

    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": db_url, "MODELS_DIR": str(models_dir), **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["store_db"].dispose()


def _post(client, image: bytes, headers=None):
    return client.post(TRYON, data={"image": (io.BytesIO(image), "face.jpg"), "look": LOOK}, headers=headers or {})


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    return response


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def _unread_upload(client, length: int):
    return client.post(
        TRYON,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(length)},
    )


def _portrait_face() -> np.ndarray:
    """A real face in a 480x640 (portrait) BGR picture."""
    crop = np.ascontiguousarray(data.astronaut()[0:320, 100:340, ::-1])
    return cv2.resize(crop, (480, 640), interpolation=cv2.INTER_CUBIC)


def test_portrait_phone_photo_is_accepted_and_rendered_upright(client):
    upright = _portrait_face()
    # as a phone stores a portrait shot: the sensor's landscape pixels, and "turn 90° clockwise"
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    buffer = io.BytesIO()
    Image.fromarray(cv2.rotate(upright, cv2.ROTATE_90_COUNTERCLOCKWISE)[:, :, ::-1]).save(
        buffer, "JPEG", quality=95, exif=exif
    )
    response = _post(client, buffer.getvalue())
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["faces"] == 1 and body["size"] == {"width": 480, "height": 640}
    jpeg = np.frombuffer(base64.b64decode(body["image"].split(",", 1)[1]), np.uint8)
    made_up = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert made_up.shape == (640, 480, 3)
    assert np.abs(made_up.astype(int) - upright.astype(int)).mean() < 8  # the same picture, with lipstick


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("width, height", [(5000, 20), (30000, 30000)])
def test_oversized_dimensions_are_413(client, width, height):
    message = _error(_post(client, _png_header(width, height), {"Accept-Language": "en"}), 413, "image_too_large")
    assert "4096 px" in message.get_json()["error"]["message"]


def test_a_body_over_the_limit_is_refused_unread(client):
    _error(_unread_upload(client, 40 * 1024 * 1024), 413, "image_too_large")


def test_a_full_render_queue_answers_503_with_retry_after(make_app, monkeypatch):
    app = make_app(TRYON_RENDERS=1, TRYON_QUEUE=0, TRYON_RETRY_AFTER=7)
    started, release = threading.Event(), threading.Event()

    def slow_render(landmarker, data, applications, scene, face, smoothing):
        started.set()
        release.wait(60)
        return PhotoResult(b"jpeg", 1, 640, 480, None)

    monkeypatch.setattr(tryon_photo, "render_photo", slow_render)
    first = {}
    worker = threading.Thread(target=lambda: first.update(response=_post(app.test_client(), b"photo")))
    worker.start()
    try:
        assert started.wait(60)
        busy = _unread_upload(app.test_client(), 2_000_000)  # refused before its body is read
        _error(busy, 503, "busy")
        assert int(busy.headers["Retry-After"]) >= 7
        assert "7" in busy.get_json()["error"]["message"]
    finally:
        release.set()
        worker.join()
    assert first["response"].status_code == 200
    assert _post(app.test_client(), b"photo").status_code == 200  # the place was given back


def test_photo_try_ons_are_rate_limited_per_client(make_app):
    client = make_app(TRYON_PHOTO_LIMIT="2 per minute").test_client()
    for _ in range(2):
        _error(_post(client, b"not an image"), 400, "invalid_image")
    _error(_post(client, b"not an image"), 429, "rate_limited")
    other = {"REMOTE_ADDR": "10.1.2.3"}  # another shopper is not held back
    response = client.post(TRYON, data={"image": (io.BytesIO(b"x"), "f.jpg"), "look": LOOK}, environ_base=other)
    _error(response, 400, "invalid_image")


def test_uploads_never_touch_the_disk(client, monkeypatch):
    def no_temporary_files(*args, **kwargs):
        raise AssertionError("an upload went to a temporary file")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_temporary_files)
    rng = np.random.default_rng(0)
    noisy = np.clip(cv2.resize(face_frame(), (1280, 960)) + rng.normal(0, 8, (960, 1280, 3)), 0, 255)
    photo = encode_jpeg(noisy.astype(np.uint8), 95)
    assert len(photo) > 500 * 1024  # past the size where Werkzeug would spool to disk
    response = _post(client, photo)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["faces"] == 1


# --- WebSocket ----------------------------------------------------------------------------


@pytest.fixture
def face_jpeg():
    return encode_jpeg(face_frame(), 90)


def _frame_reply(ws):
    meta = json.loads(ws.receive(timeout=20))
    return meta, (ws.receive(timeout=20) if meta["type"] == "frame" else None)


@pytest.mark.parametrize(
    "origin, host, public_url, allowed",
    [
        (None, "shop.example", None, True),  # not a browser
        ("https://shop.example", "shop.example", None, True),
        ("http://127.0.0.1:5000", "127.0.0.1:5000", None, True),
        ("https://evil.example", "shop.example", None, False),
        ("https://shop.example.evil.example", "shop.example", None, False),
        ("null", "shop.example", None, False),
        ("https://shop.example", "10.0.0.5:8000", "https://shop.example", True),  # behind a proxy
        ("http://shop.example", "10.0.0.5:8000", "https://shop.example", False),
    ],
)
def test_origin_rule(origin, host, public_url, allowed):
    assert origin_allowed(origin, host, public_url) is allowed


def test_a_foreign_page_cannot_open_a_stream(app, face_jpeg):
    with serve(app) as base:
        url = base.replace("http://", "ws://") + "/makeup/stream"
        with pytest.raises(HandshakeRefused) as refused:
            Client.connect(url, headers={"Origin": "https://evil.example"})
        assert refused.value.status_code == 403
        app.config["PUBLIC_URL"] = "https://shop.example"
        # our own pages: this client sends "Host: 127.0.0.1" (no port), and the public URL
        for origin in ("http://127.0.0.1", "https://shop.example"):
            ws = Client.connect(url, headers={"Origin": origin})
            try:
                ws.send(face_jpeg)
                assert _frame_reply(ws)[0]["type"] == "frame"
            finally:
                ws.close()


def test_deeply_nested_json_is_answered_and_the_stream_goes_on(app, face_jpeg):
    with serve(app) as base:
        ws = Client.connect(base.replace("http://", "ws://") + "/makeup/stream?lang=en")
        try:
            for text in ("[" * 100_000, "[" * 10_000 + "]" * 10_000, '{"a":' * 5_000):
                ws.send(text)
                reply = json.loads(ws.receive(timeout=20))
                assert reply["type"] == "error" and reply["error"]["code"] in ("invalid_json", "invalid_field")
            ws.send(json.dumps({"type": "look", "look": json.loads(LOOK)}))
            ws.send(face_jpeg)
            meta, jpeg = _frame_reply(ws)
            assert meta["type"] == "frame" and meta["faces"] == 1 and jpeg
        finally:
            ws.close()


def test_streams_per_client_are_capped(make_app, face_jpeg):
    with serve(make_app(STREAMS_PER_CLIENT=1)) as base:
        url = base.replace("http://", "ws://") + "/makeup/stream?lang=en"
        first = Client.connect(url)
        first.send(face_jpeg)  # once it answers, its handler has counted it
        assert _frame_reply(first)[0]["type"] == "frame"
        second = Client.connect(url)
        assert json.loads(second.receive(timeout=20))["error"]["code"] == "too_many_streams"
        with pytest.raises(ConnectionClosed):
            second.receive(timeout=20)
        first.close()
        meta = {"type": "not served"}
        for _ in range(200):  # the first one counts until its handler has ended, a moment after the close
            try:
                third = Client.connect(url)
                third.send(face_jpeg)
                meta, _ = _frame_reply(third)
            except ConnectionClosed:  # refused, and closed before or after the refusal was read
                meta = {"type": "refused"}
            if meta["type"] == "frame":
                third.close()
                break
            time.sleep(0.05)
        assert meta["type"] == "frame"


def test_idle_streams_and_oversized_frames_are_closed(make_app):
    with serve(make_app(STREAM_IDLE_SECONDS=0.2)) as base:
        url = base.replace("http://", "ws://") + "/makeup/stream"
        idle = Client.connect(url)
        with pytest.raises(ConnectionClosed):
            idle.receive(timeout=20)
        flood = Client.connect(url)
        flood.send(b"\xff" * (1024 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as closed:
            flood.receive(timeout=20)
        assert closed.value.reason == 1009  # message too big
