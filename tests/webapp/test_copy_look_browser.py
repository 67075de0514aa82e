"""The copy-a-look page in headless Chromium: a made-up reference photo in, shades per region
with stock, the look on the shopper's own photo; and the face picker for group photos on /makeup.
Screenshots go to test-artifacts/ (phone 360x640 and tablet 1024x768)."""

import shutil

import pytest

from tryon.imageio import encode_jpeg
from tryon.landmarks import PhotoLandmarker
from tryon.makeup import Application, render_look
from webapp import create_app

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..tryon.conftest import face_frame
from ..tryon.test_group_photos import group_photo


@pytest.fixture
def browser_app(sqlite_template, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SMS_SENDER": "memory"})
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield base, browser
        browser.close()
    app.extensions["store_db"].dispose()


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    image = face_frame()
    with PhotoLandmarker() as landmarker:
        faces = landmarker.detect(image)
    look = [Application("lip", "#9E1B4F", "gloss"), Application("eye", "#6B3F5A", "shimmer")]
    look.append(Application("cheek", "#D9727F", "matte"))
    (folder / "reference.jpg").write_bytes(encode_jpeg(render_look(image, faces, look), 92))
    (folder / "me.jpg").write_bytes(encode_jpeg(image, 90))
    (folder / "group.jpg").write_bytes(encode_jpeg(group_photo()[0], 92))
    return folder


def _page(browser, url, width, height):
    page = browser.new_context(**JOURNEY_CONTEXT, viewport={"width": width, "height": height}).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


@pytest.mark.parametrize(("width", "height", "lang"), [(360, 640, "zh"), (1024, 768, "en")])
def test_copy_a_look_from_a_photo(browser_app, photos, width, height, lang):
    base, browser = browser_app
    page = _page(browser, f"{base}/makeup/copy?lang={lang}", width, height)
    page.wait_for_function("document.querySelectorAll('#store option').length > 1")
    page.select_option("#store", index=1)
    page.set_input_files("#reference", str(photos / "reference.jpg"))
    page.wait_for_function("document.body.dataset.copied === '4'", timeout=30000)
    lips = page.locator(".region[data-region=lip]")
    assert lips.locator(".match").count() == 3
    assert "LIP-110" in [lips.locator("input").nth(i).get_attribute("value") for i in range(3)]
    assert "ΔE" in lips.inner_text() and ("km" if lang == "en" else "公里") in lips.inner_text()
    page.set_input_files("#own", str(photos / "me.jpg"))
    page.wait_for_function("document.body.dataset.tried === '1'", timeout=30000)
    assert page.get_attribute("#own-img", "src").startswith("data:image/jpeg;base64,")
    page.locator(".region[data-region=cheek] input").nth(1).check()  # another blush: tried on again
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / f"copy-look-{width}x{height}.png"), full_page=True)
    assert page.errors == []


def test_face_picker_on_a_group_photo(browser_app, photos):
    base, browser = browser_app
    page = _page(browser, f"{base}/makeup?lang=en&mode=photo", 1024, 768)
    page.wait_for_selector("#photo-mode:not([hidden])")
    page.click("button[data-kind=lip]")
    page.click("#swatches .swatch >> nth=2")
    page.set_input_files("#photo-capture", str(photos / "group.jpg"))
    page.wait_for_selector("#face-picker:not([hidden]) .face-choice >> nth=6")
    assert page.locator(".face-choice").count() == 7  # everyone + six faces
    with page.expect_response("**/api/v1/tryon/makeup*") as answer:
        page.click(".face-choice[data-face='3']")
    assert answer.value.json()["face"] == 3
    page.wait_for_selector(".face-choice[data-face='3'][aria-pressed=true]")
    page.screenshot(path=str(ARTIFACTS / "makeup-face-picker.png"))
    assert page.errors == []
