"""The web app served as `make run` serves it: the Procfile's web line (gunicorn with
webapp/gunicorn.conf.py), run as honcho runs it, on a free loopback port. Used by the server
tests and bench/hardening_bench.py."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(name: str = "web") -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise LookupError(f"no {name} process in the Procfile")


def seeded_sqlite(folder: Path, **env: str) -> dict[str, str]:
    """The environment of a server on a fresh, migrated and seeded SQLite file in ``folder`` (benchmarks)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "STORELENS_SECRET_KEY": secrets.token_hex(16),
        **env,
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "webapp", "init-db"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


@contextmanager
def procfile_server(
    env: dict[str, str], log: Path, start_seconds: float = 60
) -> Iterator[tuple[subprocess.Popen, str]]:
    """The server process and its base URL once ``GET /api/v1/stores`` answers; stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        ["bash", "-c", "exec " + procfile_command()],
        cwd=ROOT,
        env={**os.environ, **env, "HOST": "127.0.0.1", "WEB_PORT": str(port)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            try:
                if requests.get(f"{base}/api/v1/stores", timeout=2).ok:
                    break
            except requests.RequestException:  # not listening yet, or its workers still booting
                time.sleep(0.2)
        yield process, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
