"""The web server, started as the Procfile starts it, under a crowd.

Prints the peak RSS of the whole gunicorn process tree while 64 clients keep uploading
4096x3072 photos to ``POST /api/v1/tryon/makeup``, and ``GET /api/v1/stores`` p50/p95 meanwhile
(goals: <= 1.5 GB, p95 <= 200 ms); then the same p95 with 200 idle WebSockets on
``/makeup/stream`` and 200 half-sent requests open.

All clients come from 127.0.0.1, so the run raises the per-client limits (photo rate limit,
WebSockets per client) that would otherwise refuse most of this one-address "crowd".

    .venv/bin/python bench/hardening_bench.py [--uploads 64 --seconds 30 --connections 200]
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import requests
from urllib3 import encode_multipart_formdata

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import p50_p95
from tryon_bench import face_frame

from tests.webserver import procfile_command, procfile_server, seeded_sqlite
from tryon.imageio import encode_jpeg

CROWD_ENV = {"STORELENS_TRYON_PHOTO_LIMIT": "100000 per minute", "STORELENS_STREAMS_PER_CLIENT": "100000"}


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants (the gunicorn master and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                pass
    tree, total = {root}, 0
    for pid in sorted(parents):  # children have larger pids, except after pid wrap-around
        if parents[pid] in tree:
            tree.add(pid)
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


class Watch:
    """Samples the tree's RSS; kills the server if it passes ``guard`` bytes (so a bad build
    cannot take the machine down)."""

    def __init__(self, server: subprocess.Popen, guard: int) -> None:
        self.server, self.guard, self.peak, self.tripped = server, guard, 0, None
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, tree_rss(self.server.pid))
            if self.peak > self.guard and self.tripped is None:
                self.tripped = time.monotonic() - self._start  # seconds into the run
                os.killpg(self.server.pid, signal.SIGKILL)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def probe(base: str, until: float, samples: list[float], failures: list[str]) -> None:
    """GET /api/v1/stores ten times a second, as a shopper browsing meanwhile."""
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            response = requests.get(f"{base}/api/v1/stores", timeout=30)
            response.raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
        except requests.RequestException as error:
            failures.append(type(error).__name__)
        time.sleep(0.1)


def upload_crowd(
    base: str, photo: bytes, clients: int, seconds: float, retry: float, results: multiprocessing.Queue
) -> None:
    """``clients`` shoppers uploading the photo again and again, ``retry`` seconds after a refusal
    (impatient: sooner than Retry-After). Puts the count of each answer on ``results``."""
    body, content_type = encode_multipart_formdata(
        {"image": ("face.jpg", photo, "image/jpeg"), "look": '{"preset": "party"}'}
    )
    statuses: Counter = Counter()
    until = time.monotonic() + seconds

    def shopper() -> None:
        session = requests.Session()
        while time.monotonic() < until:
            try:
                response = session.post(
                    f"{base}/api/v1/tryon/makeup", data=body, headers={"Content-Type": content_type}, timeout=120
                )
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    time.sleep(retry)
            except requests.RequestException as error:
                statuses[type(error).__name__] += 1
                time.sleep(retry)

    threads = [threading.Thread(target=shopper) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(statuses)


def under_crowd(
    base: str, photo: bytes, clients: int, seconds: float, retry: float
) -> tuple[Counter, list[float], list[str]]:
    """The crowd in a process of its own (so its threads do not slow the probe down), the probe here."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    crowd = multiprocessing.Process(target=upload_crowd, args=(base, photo, clients, seconds, retry, results))
    crowd.start()
    samples: list[float] = []
    failures: list[str] = []
    probe(base, time.monotonic() + seconds, samples, failures)
    statuses = results.get()
    crowd.join()
    return statuses, samples, failures


def open_websockets(base: str, count: int, seconds: float = 20) -> tuple[list[socket.socket], int]:
    """``count`` WebSocket handshakes sent at once; the sockets and how many were upgraded in time."""
    host = base.removeprefix("http://")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /makeup/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {base}\r\n\r\n"
    ).encode()
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", int(host.rsplit(":", 1)[1])))
        s.sendall(request)
        sockets.append(s)
    upgraded, deadline = 0, time.monotonic() + seconds
    for s in sockets:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            upgraded += s.recv(4096).startswith(b"HTTP/1.1 101")
        except OSError:
            pass
    return sockets, upgraded


def half_sent(base: str) -> socket.socket:
    """A request whose headers never finish (slowloris)."""
    host = base.removeprefix("http://")
    s = socket.create_connection(("127.0.0.1", int(host.rsplit(":", 1)[1])))
    s.sendall(f"GET /api/v1/stores HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
    return s


def hold_half_sent(base: str, count: int, until: float) -> int:
    """Keep ``count`` half-sent requests open until ``until``, reopening those the server closes;
    returns how many times the server closed one."""
    sockets = [half_sent(base) for _ in range(count)]
    closed = 0
    while time.monotonic() < until:
        for i, s in enumerate(sockets):
            s.setblocking(False)
            try:
                s.recv(4096)  # an answer (the server gave up on it) or b"" (closed): gone either way
                gone = True
            except BlockingIOError:
                gone = False
            except OSError:
                gone = True
            if gone:
                s.close()
                sockets[i] = half_sent(base)
                closed += 1
        time.sleep(0.2)
    for s in sockets:
        s.close()
    return closed


def long_connections(base: str, count: int, seconds: float) -> tuple[int, int, list[float], list[str]]:
    sockets, upgraded = open_websockets(base, count)
    until = time.monotonic() + seconds
    closed: list[int] = []
    holder = threading.Thread(target=lambda: closed.append(hold_half_sent(base, count, until)))
    holder.start()
    time.sleep(1)  # let them all arrive
    samples: list[float] = []
    failures: list[str] = []
    probe(base, until, samples, failures)
    holder.join()
    for s in sockets:
        s.close()
    return upgraded, closed[0], samples, failures


def latency(samples: list[float], failures: list[str]) -> str:
    if len(samples) < 20:  # too few for percentiles
        return f"{len(samples)} answered, {len(failures)} failed ({dict(Counter(failures))})"
    p50, p95 = p50_p95(samples)
    text = f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(samples):.0f} ms over {len(samples)} requests"
    return text + (f"; {len(failures)} failed ({dict(Counter(failures))})" if failures else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=64, help="parallel uploading clients")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--connections", type=int, default=200, help="idle WebSockets, and as many half-sent requests")
    parser.add_argument("--retry", type=float, default=0.5, help="seconds a refused client waits before trying again")
    parser.add_argument("--guard-gb", type=float, default=8, help="kill the server past this RSS")
    args = parser.parse_args()

    rng = np.random.default_rng(1)
    frame = face_frame(4096, 3072)
    # sensor noise makes it the size of a phone photo (~3.7 MB)
    photo = encode_jpeg(np.clip(frame + rng.normal(0, 8, frame.shape), 0, 255).astype(np.uint8), 92)
    del frame
    print(f"server: {procfile_command()}")
    print(f"photo: 4096x3072 JPEG, {len(photo) / 2**20:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        db_env = seeded_sqlite(Path(tmp))
        log = Path(tmp) / "server.log"
        with procfile_server({**db_env, **CROWD_ENV}, log) as (server, base):
            idle = []
            probe(base, time.monotonic() + 5, idle, [])
            print(f"\nidle server: RSS {tree_rss(server.pid) / 2**20:.0f} MB; GET /api/v1/stores {latency(idle, [])}")

            watch = Watch(server, int(args.guard_gb * 2**30))
            statuses, samples, failures = under_crowd(base, photo, args.uploads, args.seconds, args.retry)
            watch.stop()
            print(
                f"\n{args.uploads} clients uploading 4096x3072 photos for {args.seconds:.0f} s "
                f"(again {args.retry:g} s after a refusal):"
            )
            peak = f"{watch.peak / 2**30:.2f} GB" + (
                f" (passed the {args.guard_gb:g} GB guard after {watch.tripped:.1f} s: server killed)"
                if watch.tripped is not None
                else ""
            )
            print(f"  peak RSS of the gunicorn tree: {peak}  (goal <= 1.5 GB)")
            print(f"  upload answers: {dict(sorted(statuses.items(), key=str))}")
            print(f"  GET /api/v1/stores meanwhile: {latency(samples, failures)}  (goal p95 <= 200 ms)")
            if watch.tripped is not None:
                return

            upgraded, closed, samples, failures = long_connections(base, args.connections, args.seconds)
            print(
                f"\n{args.connections} idle WebSockets ({upgraded} upgraded) and {args.connections} half-sent "
                f"requests ({closed} closed by the server and reopened) for {args.seconds:.0f} s:"
            )
            print(f"  GET /api/v1/stores meanwhile: {latency(samples, failures)}")


if __name__ == "__main__":
    main()
