"""Start the real StoreLens stack on free loopback ports: web app, action server, Rasa.

Rasa and the action server are started with the Procfile's own ``rasa:`` and ``actions:``
lines (HOST, RASA_PORT, ACTIONS_PORT and the shared action-server secret set in their
environment, as `make run` does), so the tests check what `make run` starts. The web app sends
sign-in codes to an in-memory outbox that `sign_in` reads (tests/assistant/outbox_app.py).

Used by the assistant tests and by bench/chat_bench.py; everything it starts it stops.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "assistant" / "models" / "storelens.tar.gz"
PROCFILE = ROOT / "Procfile"
SERVICE_TOKEN = "assistant-test-service-token"
STAFF_TOKEN = "assistant-test-staff-token"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def procfile_command(name: str) -> str:
    """The command of one Procfile process type (``rasa``, ``actions``), as honcho runs it."""
    for line in PROCFILE.read_text().splitlines():
        kind, sep, command = line.partition(":")
        if sep and kind.strip() == name:
            return command.strip()
    raise KeyError(f"no {name}: line in {PROCFILE}")


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


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and whatever its shell started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@contextmanager
def running(commands: list[tuple[list[str], Path, dict, str, float]], folder: Path) -> Iterator[None]:
    """Start each (argv, cwd, env, health URL, timeout) in order; stop them all at the end."""
    processes, logs = [], []
    try:
        for index, (argv, cwd, env, health, timeout) in enumerate(commands):
            logs.append(open(folder / f"process-{index}.log", "w"))
            processes.append(
                subprocess.Popen(
                    argv, cwd=cwd, env=env, stdout=logs[-1], stderr=subprocess.STDOUT, start_new_session=True
                )
            )
            wait_for(health, timeout, processes[-1])
        yield
    finally:
        for process in reversed(processes):
            stop(process)
        for log in logs:
            log.close()


@contextmanager
def web_app(folder: Path) -> Iterator[str]:
    """A seeded web app with its own SQLite database; yields the API base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN,
        "STORELENS_STAFF_TOKEN": STAFF_TOKEN,
        "STORELENS_MODELS_DIR": str(folder / "models"),
        "STORELENS_SECRET_KEY": secrets.token_hex(32),
        "STORELENS_PUBLIC_URL": f"http://{HOST}:{port}",
        "STORELENS_SMS_SENDER": "memory",
        # one client (this test run) signs several members in within a minute
        "STORELENS_RATELIMIT_ENABLED": "false",
    }
    subprocess.run(
        [str(APP_PYTHON), "-m", "flask", "--app", "webapp", "init-db"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    base = f"http://{HOST}:{port}/api/v1"
    # one worker: the SMS outbox that sign_in() reads lives in its memory
    server = [
        str(APP_PYTHON),
        "-m",
        "gunicorn",
        "--bind",
        f"{HOST}:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        "1",
        "--threads",
        "16",
        "tests.assistant.outbox_app:create_app()",
    ]
    with running([(server, ROOT, env, f"{base}/stores", 60)], folder):
        yield base


def sign_in(api_url: str, phone: str) -> str:
    """A member token from the web app's own SMS sign-in (code read from the test outbox)."""
    sent = requests.post(f"{api_url}/auth/codes", json={"phone": phone}, timeout=10)
    assert sent.status_code in (200, 202), sent.text
    origin = api_url.rsplit("/api/", 1)[0]
    outbox = requests.get(f"{origin}/_test/sms-outbox/{phone}", timeout=10)
    assert outbox.status_code == 200, f"no code was texted to {phone}"
    verified = requests.post(
        f"{api_url}/auth/codes/verify", json={"phone": phone, "code": outbox.json()["code"]}, timeout=10
    )
    assert verified.status_code == 200, verified.text
    return verified.json()["member_token"]


@dataclass(frozen=True)
class Assistant:
    webhook: str  # Rasa's REST channel
    rasa_url: str
    actions_url: str
    actions_token: str  # the secret Rasa shows the action server
    commands: dict  # Procfile process type -> the command line that was run
    tracker_db: Path  # Rasa's SQLite tracker store
    logs: dict  # Procfile process type -> its output (stdout and stderr)


@contextmanager
def assistant_stack(api_url: str, folder: Path) -> Iterator[Assistant]:
    """The action server and Rasa with the trained model, started from the Procfile's lines."""
    if not MODEL.exists():
        raise RuntimeError("train the assistant first (make train)")
    actions_port, rasa_port = free_port(), free_port()
    actions_token = secrets.token_hex(24)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore",
        "HOST": HOST,
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "STORELENS_ACTIONS_TOKEN": actions_token,
        "STORELENS_API_URL": api_url,
        "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN,
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": str(folder / "tracker.db"),
        "RASA_TRACKER_URL": "",
        "RASA_TRACKER_USER": "",
        "RASA_TRACKER_PASSWORD": "",
    }
    commands = {name: procfile_command(name) for name in ("actions", "rasa")}
    actions_url, rasa_url = f"http://{HOST}:{actions_port}", f"http://{HOST}:{rasa_port}"
    with running(
        [
            (["/bin/sh", "-c", commands["actions"]], ROOT, env, f"{actions_url}/health", 120),
            (["/bin/sh", "-c", commands["rasa"]], ROOT, env, f"{rasa_url}/", 240),
        ],
        folder,
    ):
        yield Assistant(
            f"{rasa_url}/webhooks/rest/webhook",
            rasa_url,
            actions_url,
            actions_token,
            commands,
            folder / "tracker.db",
            {"actions": folder / "process-0.log", "rasa": folder / "process-1.log"},
        )


@contextmanager
def assistant(api_url: str, folder: Path) -> Iterator[str]:
    """As ``assistant_stack``; yields the REST webhook URL."""
    with assistant_stack(api_url, folder) as started:
        yield started.webhook
