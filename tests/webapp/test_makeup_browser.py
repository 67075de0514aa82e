"""The /makeup page in headless Chromium with a fake camera showing a real face."""
import shutil

import pytest

from webapp import create_app

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, serve, write_y4m
from ..tryon.conftest import face_frame


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    """The browser journey runs once, on the embedded database."""
    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    yield app
    app.extensions["store_db"].dispose()


def test_live_makeup_in_chromium(sqlite_app, tmp_path):
    from playwright.sync_api import sync_playwright

    video = write_y4m(tmp_path / "face.y4m", face_frame())
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(sqlite_app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=[
            *CHROMIUM_FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/makeup?lang=en&sku=LIP-103")  # as linked from the assistant's product card
        page.wait_for_selector("#consent[open]")
        assert "#103" in page.inner_text("#picked")
        assert "never stored" in page.inner_text("#consent")
        page.click("#agree")  # the camera starts only now
        page.wait_for_function("Number(document.body.dataset.frames || 0) >= 2", timeout=20000)
        page.click("button[data-kind=lip]")
        page.click("#swatches .swatch >> nth=2")
        page.click(".presets button >> nth=2")  # party look
        page.wait_for_function("Number(document.body.dataset.frames || 0) >= 8", timeout=20000)
        # the shown frame never blanks while the next one loads: sample it over 30 animation frames
        widths = page.evaluate("""() => new Promise((done) => {
            const seen = [];
            const sample = () => {
                seen.push(document.getElementById("after").naturalWidth);
                if (seen.length < 30) requestAnimationFrame(sample); else done(seen);
            };
            sample();
        })""")
        assert set(widths) == {640}
        page.fill("#split", "50")
        page.dispatch_event("#split", "input")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "makeup-live.png"))
        browser.close()
    assert errors == []
