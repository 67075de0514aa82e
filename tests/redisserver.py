"""A throw-away Redis server on a free loopback port (Debian's redis-server), nothing kept on disk.

Used by the assistant's scale test and by `make run ASSISTANTS=N` (scripts/run_assistants.py) for
Rasa's shared lock store.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_server() -> str | None:
    return shutil.which("redis-server") or next(
        (path for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(path).exists()), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server in the foreground of a child process: loopback only, no persistence."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="storelens-redis-"))
        self.process: subprocess.Popen | None = None

    def start(self, seconds: float = 20) -> None:
        # a config on stdin ("-"): arguments alone cannot say "no snapshots" on every redis version
        config = f'port {self.port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir {self.workdir}\n'
        self.process = subprocess.Popen(
            [self.executable, "-"],
            stdin=subprocess.PIPE,
            stdout=open(self.workdir / "server.log", "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.process.stdin.write(config)
        self.process.stdin.close()
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.workdir / 'server.log').read_text()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not answer on port {self.port} in {seconds} s")

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(10)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def url(self, db: int = 1) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"
