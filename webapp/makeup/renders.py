"""Where try-on CV work runs, and how much of it at once.

Rendering is CPU-bound and holds image-sized arrays, so each server process renders at most
``TRYON_RENDERS`` photos or frames at a time and lets at most ``TRYON_QUEUE`` photo uploads
wait; an upload beyond that is refused with 503 and ``Retry-After`` before its body is read.
Under gunicorn's gevent worker (webapp/gunicorn.conf.py) the work runs on that many native
threads, so the event loop goes on answering other requests meanwhile; elsewhere (tests, the
development server) each request already has its own thread and the work runs in it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TypeVar

from flask import Flask, Response, after_this_request, current_app, request

from tryon.imageio import MAX_BYTES
from tryon.landmarks import PhotoLandmarker

from ..store import StoreError
from ..store.tryon_photo import PhotoRunner

T = TypeVar("T")
# multipart boundaries and the look's JSON beside a photo of the largest accepted size
FORM_OVERHEAD = 64 * 1024
RENDER_NICENESS = 10

DEFAULTS = {
    "TRYON_RENDERS": 1,  # renders at once per server process: about a CPU core each
    "TRYON_QUEUE": 3,  # photo uploads that may wait per server process; more are refused (503)
    "TRYON_RETRY_AFTER": 2,  # seconds, told to refused uploads (a queue drains in about that)
    "TRYON_UPLOAD_SECONDS": 30,  # for an admitted upload's body to arrive (gevent worker)
    "TRYON_PHOTO_LIMIT": "30 per minute",  # photo try-ons per client address (Flask-Limiter syntax)
}


def under_gevent() -> bool:
    """True in a gunicorn gevent worker: ``threading`` is then cooperative, not native."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


class RenderPool:
    """Render slots, the photo upload queue, and the photo landmarkers of one server process."""

    def __init__(self, renders: int, queue: int, retry_after: int) -> None:
        self.renders, self.queue, self.retry_after = renders, queue, retry_after
        self._slots = threading.BoundedSemaphore(renders)
        self._lock = threading.Lock()
        self._admitted = 0
        self._idle: list[PhotoLandmarker] = []  # one Face Mesh graph per slot: they are not thread-safe
        self._threads = None
        if under_gevent():
            from gevent.threadpool import ThreadPool

            self._threads = ThreadPool(renders)

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """A place among the renders or in the queue, or ``busy`` (503 with Retry-After)."""
        with self._lock:
            full = self._admitted >= self.renders + self.queue
            if not full:
                self._admitted += 1
        if full:
            after_this_request(self._retry_after)
            raise StoreError("busy", 503, seconds=self.retry_after)
        try:
            yield
        finally:
            with self._lock:
                self._admitted -= 1

    def _retry_after(self, response: Response) -> Response:
        response.headers["Retry-After"] = str(self.retry_after)
        return response

    def run(self, work: Callable[..., T], *args: object) -> T:
        """``work(*args)`` once a render slot is free."""
        with self._slots:
            return self._call(work, *args)

    def run_photo(self, work: Callable[..., T], *args: object) -> T:
        """``work(landmarker, *args)`` once a render slot is free, with that slot's landmarker."""
        with self._slots:
            with self._lock:
                landmarker = self._idle.pop() if self._idle else None
            if landmarker is None:
                landmarker = self._call(PhotoLandmarker)
            try:
                return self._call(work, landmarker, *args)
            finally:
                with self._lock:
                    self._idle.append(landmarker)

    def _call(self, work: Callable[..., T], *args: object) -> T:
        if self._threads is None:
            return work(*args)
        return self._threads.apply(_at_low_priority, (work, *args))


def _at_low_priority(work: Callable[..., T], *args: object) -> T:
    # Linux keeps a nice value per thread (and threads started from this one inherit it): renders
    # leave the CPU to the event loop, so other requests are answered first even on busy cores
    os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), RENDER_NICENESS))
    return work(*args)


def render_pool() -> RenderPool:
    return current_app.extensions["tryon_renders"]


def photo_rate_limit() -> str:
    return current_app.config["TRYON_PHOTO_LIMIT"]


def _deadline(seconds: float) -> AbstractContextManager:
    """Cuts off a slowly sent body (gevent worker; elsewhere the server's own timeouts apply)."""
    if not under_gevent():
        return nullcontext()
    from gevent import Timeout

    return Timeout(seconds, StoreError("upload_timeout", 408))


@contextmanager
def photo_upload() -> Iterator[PhotoRunner]:
    """Admits one photo try-on by its Content-Length and the queue, before the body is read; then
    reads the body (in memory, within TRYON_UPLOAD_SECONDS) and yields where to render it."""
    if (request.content_length or 0) > MAX_BYTES + FORM_OVERHEAD:
        raise StoreError("image_too_large", 413, reason=f"over {MAX_BYTES // (1024 * 1024)} MB")
    pool = render_pool()
    with pool.admitted():
        with _deadline(current_app.config["TRYON_UPLOAD_SECONDS"]):
            request.get_data(parse_form_data=True)
        yield pool.run_photo


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["tryon_renders"] = RenderPool(
        app.config["TRYON_RENDERS"], app.config["TRYON_QUEUE"], app.config["TRYON_RETRY_AFTER"]
    )
