"""The 3D viewer and the room planner in headless Chromium (software WebGL)."""
import shutil

import pytest

from webapp import create_app

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, serve

WEBGL = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


@pytest.fixture
def browser_page(sqlite_template, models_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "MODELS_DIR": str(models_dir)})
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=[*CHROMIUM_FLAGS, *WEBGL])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield base, page
        browser.close()
    app.extensions["store_db"].dispose()
    assert errors == []


def test_viewer_loads_the_model_and_switches_variants(browser_page):
    base, page = browser_page
    page.goto(f"{base}/furniture/FUR-OSLO-3S?lang=en")
    page.wait_for_function("document.body.dataset.modelLoaded === '1'", timeout=30000)
    assert "W 220 cm" in page.inner_text("model-viewer")
    page.click(".variant >> nth=1")
    page.wait_for_function("document.querySelector('#viewer').src.endsWith('--slate.glb')")
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "furniture-viewer.png"))


def test_planner_places_two_items_and_warns(browser_page):
    base, page = browser_page
    page.goto(f"{base}/planner?lang=en")
    page.wait_for_function("document.body.dataset.plannerReady === '1'", timeout=30000)
    page.click("button[data-sku=FUR-OSLO-3S]")
    page.wait_for_function("document.querySelector('#problems li.ok') !== null")
    page.click("button[data-sku=FUR-BERGEN-CT]")  # lands on top of the sofa
    page.wait_for_selector("#problems li.error")
    assert "overlap" in page.inner_text("#problems")
    assert "¥7598" in page.inner_text("#quote")
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "planner.png"))
