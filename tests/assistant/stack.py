"""Start the real StoreLens stack on free loopback ports: web app, action server, Rasa.

Rasa and the action server are started with the Procfile's own ``rasa:`` and ``actions:``
lines (HOST, RASA_PORT, ACTIONS_PORT and the shared action-server secret set in their
environment, as `make run` does), so the tests check what `make run` starts. The web app sends
sign-in codes to an in-memory outbox that `sign_in` reads (tests/assistant/outbox_app.py). Given an
``AssistantAddress`` (chosen before either starts), the web app's chat proxy is pointed at that Rasa
and its tracker database, and Rasa is started there; Rasa can be stopped and started again.

Used by the assistant tests and by bench/chat_bench.py; everything it starts it stops.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from ..staff_session import PASSWORD, http_session

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "assistant" / "models" / "storelens.tar.gz"
PROCFILE = ROOT / "Procfile"
SERVICE_TOKEN = "assistant-test-service-token"
ADVISOR_NAME = "小林"  # each store's advisor (username adv.<store code>)
HOST = "127.0.0.1"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the stores' clock


_handed_out: set[int] = set()


def free_port() -> int:
    """A free loopback port not handed out before: a port is chosen before its server binds it (Rasa's
    before the web app that calls it starts), and the system may offer the same free port twice."""
    while True:
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


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


@dataclass
class Server:
    """One process of the stack, in its own session (so its shell's children stop with it); its output
    is appended to ``log`` across restarts."""

    argv: list[str]
    cwd: Path
    env: dict
    health: str
    timeout: float
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self.health, self.timeout, self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextmanager
def running(servers: list[Server]) -> Iterator[None]:
    """Start each server in order (each up before the next); stop them all at the end."""
    try:
        for server in servers:
            server.start()
        yield
    finally:
        for server in reversed(servers):
            server.stop()


@dataclass(frozen=True)
class AssistantAddress:
    """Where Rasa will listen and keep its tracker, known before the web app that proxies to it starts."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def tracker_db(self) -> Path:
        return self.folder / "tracker.db"


def assistant_address(folder: Path) -> AssistantAddress:
    return AssistantAddress(folder, free_port())


def database(folder: Path) -> Path:
    """The SQLite database of the web app started in ``folder``."""
    return folder / "store.db"


@contextmanager
def store_hours(folder: Path, code: str, opens: str, closes: str) -> Iterator[None]:
    """A store's opening hours set in the database of the web app started in ``folder`` (its holiday
    hours taken out, so these hold whatever the day of the run), then put back."""
    holidays = "SELECT * FROM holiday_hours WHERE store_id = (SELECT id FROM stores WHERE code = ?)"
    with sqlite3.connect(database(folder)) as db:
        before = db.execute("SELECT opens_at, closes_at FROM stores WHERE code = ?", (code,)).fetchone()
        kept = db.execute(holidays, (code,)).fetchall()
        db.execute(f"DELETE FROM holiday_hours WHERE id IN (SELECT id FROM ({holidays}))", (code,))
        db.execute("UPDATE stores SET opens_at = ?, closes_at = ? WHERE code = ?", (opens, closes, code))
    try:
        yield
    finally:
        with sqlite3.connect(database(folder)) as db:
            db.execute("UPDATE stores SET opens_at = ?, closes_at = ? WHERE code = ?", (*before, code))
            if kept:
                db.executemany(f"INSERT INTO holiday_hours VALUES ({', '.join('?' * len(kept[0]))})", kept)


@contextmanager
def store_closed_now(folder: Path, code: str) -> Iterator[str]:
    """The store open for an hour on the other half of the day, so closed whenever this runs; yields
    when it opens next, ISO 8601 (tonight, or after midnight)."""
    now = datetime.now(SHANGHAI)
    late = now.hour >= 12
    hours = ("01:00", "02:00") if late else ("20:00", "21:00")
    day = now.date() + timedelta(days=1 if late else 0)
    with store_hours(folder, code, *hours):
        yield f"{day.isoformat()}T{hours[0]}"


# one advisor per store, made as the `flask staff create` command makes them (the web app's environment)
ADD_ADVISORS = f"""
from sqlalchemy import select
from webapp import create_app
from webapp.store import staff
from webapp.store.models import Store
with create_app().extensions["store_db"].session() as session:
    for code in session.scalars(select(Store.code)).all():
        staff.create_account(session, "adv." + code, {ADVISOR_NAME!r}, code, "advisor", {PASSWORD!r})
"""


def advisor(api_url: str, store: str) -> requests.Session:
    """The store's advisor signed in to the console: staff calls are theirs, for their store only."""
    return http_session(api_url.rsplit("/api/", 1)[0], f"adv.{store}")


@contextmanager
def web_app(folder: Path, *assistants: AssistantAddress) -> Iterator[str]:
    """A seeded web app with its own SQLite database; yields the API base URL. With ``assistants``,
    its chat (``/api/v1/chat``) talks to those Rasa instances (each conversation to its own, as in
    production) and erases from the first one's tracker database (which they share)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database(folder)}",
        "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN,
        "STORELENS_MODELS_DIR": str(folder / "models"),
        "STORELENS_SECRET_KEY": secrets.token_hex(32),
        "STORELENS_PUBLIC_URL": f"http://{HOST}:{port}",
        "STORELENS_SMS_SENDER": "memory",
        # one client (this test run) signs several members in within a minute
        "STORELENS_RATELIMIT_ENABLED": "false",
    }
    if assistants:
        env["STORELENS_ASSISTANT_URL"] = " ".join(assistant.url for assistant in assistants)
        env["STORELENS_ASSISTANT_TRACKER_URL"] = f"sqlite:///{assistants[0].tracker_db}"
        # a turn on a machine busy with the whole suite can take longer than production's 8 s
        env["STORELENS_ASSISTANT_TIMEOUT"] = "60"
    subprocess.run(
        [str(APP_PYTHON), "-m", "flask", "--app", "webapp", "init-db"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([str(APP_PYTHON), "-c", ADD_ADVISORS], cwd=ROOT, env=env, check=True, capture_output=True)
    base = f"http://{HOST}:{port}/api/v1"
    # production's settings (webapp/gunicorn.conf.py: gevent, keep-alive; a keep-alive shorter than a
    # slow turn reset shoppers' reused connections in bench/chat_bench.py), with one worker: the SMS
    # outbox that sign_in() reads lives in its memory
    server = [
        str(APP_PYTHON),
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "webapp" / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        "1",
        "tests.assistant.outbox_app:create_app()",
    ]
    with running([Server(server, ROOT, env, f"{base}/stores", 60, folder / "webapp.log")]):
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
    rasa: Server  # to stop Rasa and start it again (same port, same tracker store)


@contextmanager
def assistant_stack(
    api_url: str, folder: Path, address: AssistantAddress | None = None, env: dict | None = None
) -> Iterator[Assistant]:
    """The action server and Rasa with the trained model, started from the Procfile's lines (Rasa at
    ``address`` when given, with its tracker in ``address.folder``; else in ``folder`` on a free port).
    ``env`` overrides their environment (e.g. RASA_MODEL, RASA_REDIS_URL, the tracker store's)."""
    if not Path((env or {}).get("RASA_MODEL", MODEL)).exists():
        raise RuntimeError("train the assistant first (make train)")
    address = address or AssistantAddress(folder, free_port())
    actions_port = free_port()
    actions_token = secrets.token_hex(24)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore",
        "HOST": HOST,
        "RASA_PORT": str(address.port),
        "ACTIONS_PORT": str(actions_port),
        "STORELENS_ACTIONS_TOKEN": actions_token,
        "STORELENS_API_URL": api_url,
        "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN,
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": str(address.tracker_db),
        "RASA_TRACKER_URL": "",
        "RASA_TRACKER_USER": "",
        "RASA_TRACKER_PASSWORD": "",
        **(env or {}),
    }
    commands = {name: procfile_command(name) for name in ("actions", "rasa")}
    actions_url, logs = (
        f"http://{HOST}:{actions_port}",
        {"actions": folder / "actions.log", "rasa": folder / "rasa.log"},
    )
    actions = Server(["/bin/sh", "-c", commands["actions"]], ROOT, env, f"{actions_url}/health", 120, logs["actions"])
    rasa = Server(["/bin/sh", "-c", commands["rasa"]], ROOT, env, f"{address.url}/", 240, logs["rasa"])
    with running([actions, rasa]):
        yield Assistant(
            f"{address.url}/webhooks/rest/webhook",
            address.url,
            actions_url,
            actions_token,
            commands,
            address.tracker_db,
            logs,
            rasa,
        )


@contextmanager
def assistant(
    api_url: str, folder: Path, address: AssistantAddress | None = None, env: dict | None = None
) -> Iterator[str]:
    """As ``assistant_stack``; yields the REST webhook URL."""
    with assistant_stack(api_url, folder, address, env) as started:
        yield started.webhook
