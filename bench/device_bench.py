"""On-device makeup try-on in headless Chromium: frames per second and page weight.

Prints the live page's frame rate in on-device mode (face mesh + the look, WebGL on SwiftShader
here, no GPU) with a fake camera at 640x480, the same for WebGL and the 2D canvas renderer on a
still photo (lips alone, and a full look: every product type, foundation, concealer and mascara
included, on smoothed skin), and the bytes the /makeup page loads in on-device mode against
server-stream mode.

    .venv/bin/python bench/device_bench.py [--frames 30]
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import CHROMIUM_FLAGS, chromium_path, serve, write_y4m  # noqa: E402
from tests.conftest import _migrate_and_seed  # noqa: E402
from tests.tryon.conftest import face_frame  # noqa: E402
from webapp import create_app  # noqa: E402

STILL_FPS = """async ([png, renderer, count, look, smoothing]) => {
    const image = new Image();
    image.src = png;
    await image.decode();
    const device = await window.StoreLensDevice.create({ canvas: document.createElement("canvas"), renderer });
    return [device.renderer, await window.StoreLensDevice.measure(device, image, look, smoothing, count, 60000)];
}"""
LIPS = [{"product_type": "lip", "color_hex": "#b0203a", "finish": "satin", "intensity": 1}]
# every product type, base makeup and lashes included, on smoothed skin
FULL_LOOK = [
    {"product_type": "foundation", "color_hex": "#d8a98c", "finish": "satin", "intensity": 1},
    {"product_type": "concealer", "color_hex": "#e6bda0", "finish": "satin", "intensity": 1},
    {"product_type": "brow", "color_hex": "#5b4334", "finish": "matte", "intensity": 1},
    {"product_type": "eye", "color_hex": "#6b3f5a", "finish": "shimmer", "intensity": 1},
    {"product_type": "liner", "color_hex": "#151214", "finish": "matte", "intensity": 1, "wing": True},
    {"product_type": "mascara", "color_hex": "#1a1416", "finish": "matte", "intensity": 1, "lashes": "volume"},
    {"product_type": "cheek", "color_hex": "#f2a38a", "finish": "satin", "intensity": 1},
    *LIPS,
]
STILL_LOOKS = [("lips", LIPS, 0), ("full look + smoothing 0.6", FULL_LOOK, 0.6)]


def live_page(browser, base: str, mode: str, frames: int) -> tuple[float, int, int]:
    """Frames per second once running, the bytes loaded and the number of requests."""
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))  # sized before the page closes
    page.goto(f"{base}/makeup?lang=en&live={mode}&sku=LIP-103")
    page.wait_for_selector("#consent[open]")
    page.click("#agree")
    shown = lambda: int(page.evaluate("document.body.dataset.frames || 0"))  # noqa: E731
    while shown() < 3:
        page.wait_for_timeout(100)
    start, first = time.perf_counter(), shown()
    while shown() < first + frames:
        page.wait_for_timeout(50)
    fps = (shown() - first) / (time.perf_counter() - start)
    weight = sum(request.sizes()["responseBodySize"] for request in loaded)
    page.close()
    return fps, weight, len(loaded)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=30)
    frames = parser.parse_args().frames
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        _migrate_and_seed(url)
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "SMS_SENDER": "memory"})
        video = write_y4m(Path(tmp) / "face.y4m", face_frame())
        flags = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
        with serve(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path(),
                args=[*CHROMIUM_FLAGS, *flags, f"--use-file-for-fake-video-capture={video}"],
            )
            print(f"machine: {os.cpu_count()} CPUs, Chromium headless, WebGL on SwiftShader (no GPU)")
            for mode in ("device", "server"):
                fps, weight, requests = live_page(browser, base, mode, frames)
                print(
                    f"/makeup live={mode}: {fps:5.1f} fps shown, page weight {weight / 1e6:5.2f} MB in {requests} requests"
                )
            page = browser.new_page()
            page.goto(f"{base}/makeup?live=server")
            png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", face_frame())[1]).decode()
            for what, look, smoothing in STILL_LOOKS:
                for renderer in ("auto", "2d"):
                    kind, fps = page.evaluate(STILL_FPS, [png, renderer, frames, look, smoothing])
                    print(f"still 640x480, face mesh + {what}, {kind:5s}: {fps:5.1f} fps")
            browser.close()
        app.extensions["store_db"].dispose()


if __name__ == "__main__":
    main()
