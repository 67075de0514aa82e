"""Action tests run in the Rasa environment against a real web app, started here on a free
port with its own seeded SQLite database (no mocks of our own API)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
SERVICE_TOKEN = "assistant-test-service-token"
STAFF_TOKEN = "assistant-test-staff-token"
sys.path.insert(0, str(ROOT / "assistant"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60, process: subprocess.Popen | None = None) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with code {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@pytest.fixture(scope="session")
def web_app(tmp_path_factory):
    """The StoreLens web app on a free port; yields its API base URL."""
    folder = tmp_path_factory.mktemp("webapp")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
           "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN, "STORELENS_STAFF_TOKEN": STAFF_TOKEN,
           "STORELENS_MODELS_DIR": str(folder / "models")}
    subprocess.run([str(APP_PYTHON), "-m", "flask", "--app", "webapp", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(APP_PYTHON), "-m", "flask", "--app", "webapp", "run", "--port", str(port),
                               "--no-reload"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_for(f"{base}/stores", process=server)
        yield base
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="session")
def api(web_app):
    """Points the actions at the test web app; returns a staff client for checking results."""
    os.environ["STORELENS_API_URL"] = web_app
    os.environ["STORELENS_SERVICE_TOKEN"] = SERVICE_TOKEN
    from actions.api import StoreApi

    return StoreApi(web_app, STAFF_TOKEN)
