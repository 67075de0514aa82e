"""The web app served as `make run` serves it: the Procfile's web line (gunicorn with
webapp/gunicorn.conf.py) on a free loopback port, on a copy of the seeded test database."""

import base64
import json
import os
import shutil
import socket

import numpy as np
import pytest
import requests
from simple_websocket import Client
from sqlalchemy import text

from tryon.imageio import encode_jpeg

from ..tryon.conftest import face_frame
from ..webserver import procfile_server

CONNECTIONS = 200
# one address stands for a crowd here, so its per-client stream cap is lifted; a short upload
# time so that a stalled upload is cut off within the test
SERVER_ENV = {
    "STORELENS_STREAMS_PER_CLIENT": "100000",
    "STORELENS_TRYON_UPLOAD_SECONDS": "2",
    "STORELENS_SECRET_KEY": "test-secret-key",
}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path_factory):
    """A module's own copy of the seeded template (the tests' ``db_url`` is per test)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("server") / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server, admin = request.getfixturevalue("postgres_server")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE storelens_server TEMPLATE storelens_template"))
    yield server.url("storelens_server")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE storelens_server WITH (FORCE)"))


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    """The base URL of gunicorn started by the Procfile's web line, as honcho starts it."""
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    with procfile_server({**SERVER_ENV, "DATABASE_URL": database}, log) as (_, base):
        yield base


def _connect(base: str) -> socket.socket:
    return socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30)


def _open_websocket(base: str) -> socket.socket:
    """A WebSocket handshake from our own page, sent and not yet answered."""
    sock = _connect(base)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /makeup/stream HTTP/1.1\r\nHost: {base[7:]}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {base}\r\n\r\n"
        ).encode()
    )
    return sock


def _upgraded(sock: socket.socket) -> bool:
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer.startswith(b"HTTP/1.1 101")


def test_idle_websockets_and_half_sent_requests_do_not_starve_the_api(server):
    websockets = [_open_websocket(server) for _ in range(CONNECTIONS)]
    half_sent = []
    try:
        assert all(_upgraded(ws) for ws in websockets)  # all of them open at once, and idle
        for _ in range(CONNECTIONS):  # headers that never end
            sock = _connect(server)
            sock.sendall(f"GET /api/v1/stores HTTP/1.1\r\nHost: {server[7:]}\r\nX-Slow: ".encode())
            half_sent.append(sock)
        response = requests.get(f"{server}/api/v1/stores", timeout=10)
        assert response.status_code == 200 and response.json()["stores"]
    finally:
        for sock in websockets + half_sent:
            sock.close()


def test_try_on_runs_off_the_event_loop(server):
    """A photo and a stream frame, rendered on the workers' render threads."""

    def try_on(image: bytes) -> requests.Response:
        return requests.post(
            f"{server}/api/v1/tryon/makeup",
            files={"image": ("face.jpg", image)},
            data={"look": json.dumps({"preset": "party"})},
            timeout=60,
        )

    jpeg = encode_jpeg(face_frame(), 90)
    response = try_on(jpeg)
    assert response.status_code == 200, response.text
    assert response.json()["faces"] == 1
    no_face = try_on(encode_jpeg(np.full((480, 640, 3), 200, np.uint8)))  # raised on a render thread
    assert no_face.status_code == 422 and no_face.json()["error"]["code"] == "no_face"
    ws = Client.connect(server.replace("http://", "ws://") + "/makeup/stream")
    try:
        ws.send(json.dumps({"type": "look", "look": {"preset": "evening"}}))
        ws.send(jpeg)
        meta = json.loads(ws.receive(timeout=60))
        assert meta["type"] == "frame" and meta["faces"] == 1
        assert ws.receive(timeout=60)[:2] == b"\xff\xd8"
    finally:
        ws.close()
    refused = requests.get(
        f"{server}/makeup/stream",
        timeout=10,
        headers={
            "Origin": "https://evil.example",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            "Sec-WebSocket-Version": "13",
        },
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "origin_not_allowed"


def test_a_stalled_upload_is_cut_off(server):
    sock = _connect(server)
    try:
        sock.sendall(
            (
                f"POST /api/v1/tryon/makeup HTTP/1.1\r\nHost: {server[7:]}\r\nContent-Length: 1000000\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n\r\n--x\r\n"
            ).encode()
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")
    finally:
        sock.close()
