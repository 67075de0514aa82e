"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a live app server."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Playwright compiles wait_for_function predicates with `new Function`, which the site's CSP forbids;
# journeys run with it bypassed, and test_csp_browser opens every page under the real policy
JOURNEY_CONTEXT = {"bypass_csp": True}


def chromium_path() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("STORELENS_REQUIRE_SYSTEM_DEPS"):
            pytest.fail("Chromium is not installed; `make test` installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed here (make test installs it)")
    return path


@contextmanager
def serve(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


def write_y4m(path: Path, frame_bgr: np.ndarray, frames: int = 30) -> Path:
    """A looping fake-camera video (Y4M, 4:2:0) showing ``frame_bgr``, for Chromium's
    ``--use-file-for-fake-video-capture``."""
    import cv2

    height, width = frame_bgr.shape[:2]
    yuv = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2YUV_I420).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + yuv)
    return path


@contextmanager
def camera_site(app, folder: Path, frame_bgr: np.ndarray, *flags: str):
    """``app`` served live, and Chromium whose fake camera films ``frame_bgr``: yields (base URL, browser)."""
    from playwright.sync_api import sync_playwright

    video = write_y4m(folder / "camera.y4m", frame_bgr)
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=[
                *CHROMIUM_FLAGS,
                *flags,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        yield base, browser
        browser.close()
