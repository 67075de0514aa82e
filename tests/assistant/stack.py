"""Start the real StoreLens stack on free loopback ports: web app, action server, Rasa.

Used by the assistant tests and by bench/chat_bench.py; everything it starts it stops.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "assistant" / "models" / "storelens.tar.gz"
SERVICE_TOKEN = "assistant-test-service-token"
STAFF_TOKEN = "assistant-test-staff-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float, process: subprocess.Popen) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with code {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@contextmanager
def running(commands: list[tuple[list[str], Path, dict, str, float]], folder: Path) -> Iterator[None]:
    """Start each (argv, cwd, env, health URL, timeout) in order; stop them all at the end."""
    processes, logs = [], []
    try:
        for index, (argv, cwd, env, health, timeout) in enumerate(commands):
            logs.append(open(folder / f"process-{index}.log", "w"))
            processes.append(subprocess.Popen(argv, cwd=cwd, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
            wait_for(health, timeout, processes[-1])
        yield
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)
        for log in logs:
            log.close()


@contextmanager
def web_app(folder: Path) -> Iterator[str]:
    """A seeded web app with its own SQLite database; yields the API base URL."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'store.db'}", "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN,
           "STORELENS_STAFF_TOKEN": STAFF_TOKEN, "STORELENS_MODELS_DIR": str(folder / "models")}
    subprocess.run([str(APP_PYTHON), "-m", "flask", "--app", "webapp", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = [str(APP_PYTHON), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
              "--workers", "2", "--threads", "16", "webapp:create_app()"]
    with running([(server, ROOT, env, f"{base}/stores", 60)], folder):
        yield base


@contextmanager
def assistant(api_url: str, folder: Path) -> Iterator[str]:
    """The action server and Rasa with the trained model; yields the REST webhook URL."""
    if not MODEL.exists():
        raise RuntimeError("train the assistant first (make train)")
    actions_port, rasa_port = free_port(), free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore",
           "STORELENS_API_URL": api_url, "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN, "ACTIONS_PORT": str(actions_port),
           "RASA_TRACKER_DIALECT": "sqlite", "RASA_TRACKER_DB": str(folder / "tracker.db"), "RASA_TRACKER_URL": "",
           "RASA_TRACKER_USER": "", "RASA_TRACKER_PASSWORD": ""}
    cwd = ROOT / "assistant"
    commands = [
        ([str(RASA), "run", "actions", "--port", str(actions_port)], cwd, env,
         f"http://127.0.0.1:{actions_port}/health", 120),
        ([str(RASA), "run", "--enable-api", "-m", str(MODEL), "--port", str(rasa_port), "--interface", "127.0.0.1"],
         cwd, env, f"http://127.0.0.1:{rasa_port}/status", 240),
    ]
    with running(commands, folder):
        yield f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
