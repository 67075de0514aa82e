"""`make run ASSISTANTS=N`: the Procfile's processes with N Rasa instances instead of one.

The instances share one tracker store (PostgreSQL) and one lock store (Redis), both started here
on loopback as the tests start theirs (tests/pgserver.py, tests/redisserver.py: throw-away data,
gone when this stops), so any instance can take any message of any conversation. Rasa instance k
listens on RASA_PORT + k; the web app's chat proxy gets all of them in STORELENS_ASSISTANT_URL (it
sends each conversation to its own instance, and to the next when that one is down). One action
server serves them all. Run from the repository root with the secrets loaded (the Makefile does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgserver import PostgresServer, find_bindir  # noqa: E402
from tests.redisserver import RedisServer, find_server  # noqa: E402

TRACKER_DB = "rasa_tracker"


def procfile(count: int, first_port: int) -> str:
    """The Procfile with its ``rasa`` line repeated, once per instance, each on its own port."""
    lines = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() != "rasa":
            lines.append(line)
            continue
        lines += [f"rasa{n}: export RASA_PORT={first_port + n} && {command.strip()}" for n in range(count)]
    return "\n".join(lines) + "\n"


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    bindir, redis_server = find_bindir(), find_server()
    if not bindir or not redis_server:
        print("PostgreSQL and redis-server are needed for several assistants: make system-deps")
        return 1
    host, first_port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("RASA_PORT", "5005"))
    postgres, redis = PostgresServer(bindir), RedisServer(redis_server)
    postgres.start()
    try:
        redis.start()
        createdb = [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "storelens"]
        subprocess.run([*createdb, TRACKER_DB], check=True)
        env = {
            **os.environ,
            "RASA_TRACKER_DIALECT": "postgresql",
            "RASA_TRACKER_URL": f"127.0.0.1:{postgres.port}",
            "RASA_TRACKER_DB": TRACKER_DB,
            "RASA_TRACKER_USER": "storelens",
            "RASA_TRACKER_PASSWORD": "",
            "RASA_REDIS_URL": redis.url(),
            "STORELENS_ASSISTANT_URL": " ".join(f"http://{host}:{first_port + n}" for n in range(count)),
            "STORELENS_ASSISTANT_TRACKER_URL": postgres.url(TRACKER_DB),
        }
        print(
            f"==> {count} assistants on ports {first_port}-{first_port + count - 1}: {env['STORELENS_ASSISTANT_URL']}"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".Procfile") as file:
            file.write(procfile(count, first_port))
            file.flush()
            honcho = [str(ROOT / ".venv" / "bin" / "honcho"), "start", "-f", file.name, "-d", str(ROOT)]
            try:
                return subprocess.run(honcho, env=env, cwd=ROOT).returncode
            except KeyboardInterrupt:  # honcho got the Ctrl-C too and stops its processes
                return 0
    finally:
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    sys.exit(main())
