"""The 3D viewer and the room planner in headless Chromium (software WebGL)."""

import io
import shutil
from urllib.parse import urlsplit

import numpy as np
import pytest
import trimesh
from PIL import Image

from webapp import create_app

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..tryon.test_scan import synthetic_room

WEBGL = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def open_page(sqlite_template, models_dir, tmp_path):
    """Opens pages of a live app in Chromium, each in its own context (desktop unless told);
    no page may raise a script error."""
    from playwright.sync_api import sync_playwright

    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "MODELS_DIR": str(models_dir)})
    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=[*CHROMIUM_FLAGS, *WEBGL])

        def open_(path, **context_options):
            options = context_options or {"viewport": {"width": 1280, "height": 900}}
            page = browser.new_context(**JOURNEY_CONTEXT, **options).new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + path)
            return page

        yield open_
        browser.close()
    app.extensions["store_db"].dispose()
    assert errors == []


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _rendered(page) -> np.ndarray:
    """The model-viewer canvas as RGB pixels."""
    page.wait_for_timeout(600)  # the first frames after a load fade the model in
    return np.asarray(Image.open(io.BytesIO(page.locator("#viewer").screenshot())).convert("RGB"), float)


def test_viewer_loads_the_model_and_switching_a_variant_changes_its_colour(open_page):
    page = open_page("/furniture/FUR-OSLO-3S?lang=en")
    page.wait_for_function("document.body.dataset.modelLoaded === '1'", timeout=30000)
    assert "W 220 cm" in page.inner_text("model-viewer")
    page.uncheck("#show-dims")  # only the model's own pixels
    oat = _rendered(page)
    page.click(".variant >> nth=2")  # moss velvet
    page.wait_for_function("document.body.dataset.modelLoaded === '2'", timeout=30000)
    moss = _rendered(page)
    changed = np.abs(moss - oat).sum(axis=2) > 60
    assert changed.mean() > 0.05  # the sofa, not a few pixels, changed
    red, green, blue = moss[changed].mean(axis=0)
    assert green > red and green > blue  # now green, as moss velvet is
    red, green, blue = oat[changed].mean(axis=0)
    assert red > blue  # and was warm beige before
    page.screenshot(path=str(ARTIFACTS / "furniture-viewer.png"))


def test_the_planned_room_opens_as_one_scene_the_size_of_the_room(open_page):
    page = open_page("/planner?lang=en")
    page.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    page.click("button[data-sku=FUR-OSLO-3S]")
    page.wait_for_function("document.querySelector('#problems li.ok') !== null")
    page.select_option("#variant", "moss")  # the finish switches live in the planner too
    page.click("#room-ar")
    page.wait_for_url("**/room/P*", timeout=10000)
    page.wait_for_function("document.body.dataset.sceneLoaded === '1'", timeout=30000)
    size = page.evaluate(
        "(() => { const d = document.querySelector('#room-viewer').getDimensions(); return [d.x, d.y, d.z]; })()"
    )
    assert np.allclose(size, [4.2, 0.82, 3.6], atol=0.01)  # the room's floor, the sofa's height
    page.check("#show-walls")
    page.wait_for_function("document.body.dataset.sceneLoaded === '2'", timeout=30000)
    size = page.evaluate(
        "(() => { const d = document.querySelector('#room-viewer').getDimensions(); return [d.x, d.y, d.z]; })()"
    )
    assert np.allclose(size, [4.2, 2.8, 3.6], atol=0.01)
    code = page.inner_text("#plan-code")
    glb = page.request.get(page.url.split("/room/")[0] + f"/api/v1/plans/{code}/scene.glb")
    scene = trimesh.load_scene(io.BytesIO(glb.body()), file_type="glb")
    moss = (0x5B, 0x6B, 0x47)
    assert moss in {tuple(int(c) for c in g.visual.material.baseColorFactor[:3]) for g in scene.geometry.values()}
    page.screenshot(path=str(ARTIFACTS / "room-ar.png"))


def test_planner_places_two_items_and_warns(open_page):
    page = open_page("/planner?lang=en")
    page.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    page.click("button[data-sku=FUR-OSLO-3S]")
    page.wait_for_function("document.querySelector('#problems li.ok') !== null")
    page.click("button[data-sku=FUR-BERGEN-CT]")  # lands on top of the sofa
    page.wait_for_selector("#problems li.error")
    assert "overlap" in page.inner_text("#problems")
    assert "¥7598" in page.inner_text("#quote")
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "planner.png"))


def test_viewer_and_planner_fit_a_phone(open_page):
    viewer = open_page("/furniture/FUR-OSLO-3S?lang=zh", **PHONE)
    viewer.wait_for_function("document.body.dataset.modelLoaded === '1'", timeout=30000)
    assert no_sideways_scroll(viewer)
    planner = open_page("/planner?lang=zh", **PHONE)
    planner.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    planner.tap("button[data-sku=FUR-OSLO-3S]")  # the catalog is reachable by touch
    planner.wait_for_function("document.querySelector('#problems li.ok') !== null")
    assert no_sideways_scroll(planner)
    scene = planner.locator("#scene").bounding_box()
    assert scene["x"] >= 0 and scene["x"] + scene["width"] <= 390
    planner.wait_for_timeout(800)
    planner.screenshot(path=str(ARTIFACTS / "planner-phone.png"))


def test_planner_window_is_checked_and_travels_with_the_shared_plan(open_page):
    page = open_page("/planner?lang=en")
    page.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    page.fill("input[name=depth]", "1.0")
    page.check("input[name=window_on]")
    page.select_option("select[name=window_wall]", "north")
    page.fill("input[name=window_offset]", "1.5")
    page.fill("input[name=window_sill]", "0.8")
    page.click("#room-form button[type=submit]")
    page.click("button[data-sku=FUR-TROMSO-WR]")  # a tall wardrobe, 20 cm into the strip before the window
    page.wait_for_function("document.querySelector('#problems').innerText.includes('blocks a window')")
    page.click("#save")
    shared = urlsplit(page.get_attribute("#share a", "href", timeout=10000))

    reopened = open_page(f"{shared.path}?{shared.query}")
    reopened.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    reopened.wait_for_function("document.querySelector('#problems').innerText.includes('blocks a window')")
    assert reopened.is_checked("input[name=window_on]")
    assert reopened.input_value("input[name=depth]") == "1"
    assert reopened.input_value("input[name=window_sill]") == "0.8"
    assert reopened.is_enabled("input[name=window_width]")
    reopened.screenshot(path=str(ARTIFACTS / "planner-window.png"))


def test_a_room_scan_sets_the_size_and_keeps_the_window(open_page, tmp_path):
    scan = tmp_path / "living-room.ply"
    scan.write_bytes(synthetic_room(width=4.0, depth=3.0).export(file_type="ply"))
    page = open_page("/planner?lang=en")
    page.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    page.check("input[name=window_on]")
    page.set_input_files("#scan", str(scan))
    page.wait_for_function("document.querySelector('input[name=width]').value !== '4.2'", timeout=30000)
    size = sorted(float(page.input_value(f"input[name={side}]")) for side in ("width", "depth"))
    assert abs(size[0] - 3.0) < 0.1 and abs(size[1] - 4.0) < 0.1, page.inner_text("#room-error")
    assert page.is_checked("input[name=window_on]") and page.is_enabled("input[name=window_width]")
