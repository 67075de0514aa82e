"""Every page under the real Content-Security-Policy in headless Chromium, at phone, tablet and kiosk
sizes: it renders, fits the screen, and the browser reports no policy violation or script error."""

import shutil

import pytest

from webapp import create_app

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, serve

SIZES = {"phone": (360, 640), "tablet": (1024, 768), "kiosk": (1080, 1920)}
PAGES = {  # path → what shows once the page's script has run
    "/": "main h1",
    "/makeup": "#consent[open]",
    "/planner": "canvas",
    "/furniture/FUR-OSLO-3S": "model-viewer",
    "/account/sign-in": "[data-sign-in] [data-phone]",
    "/chat": "storelens-chat",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template, models_dir):
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("csp") / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "MODELS_DIR": str(models_dir), "SMS_SENDER": "memory"}
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=[*CHROMIUM_FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        )
        yield base, browser, app
        browser.close()
    app.extensions["store_db"].dispose()


def _open(browser, url, size):
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.problems = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(url)
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", PAGES)
def test_page_works_under_the_policy(site, path, size):
    base, browser, _ = site
    page = _open(browser, base + path + ("?kiosk=1" if size == "kiosk" else ""), size)
    page.wait_for_selector(PAGES[path], state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "-") or "index"
    page.screenshot(path=str(ARTIFACTS / f"csp-{name}-{size}.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.problems == []
    page.context.close()


def test_sign_in_page_signs_in_and_returns(site):
    base, browser, app = site
    page = _open(browser, f"{base}/account/sign-in?lang=en&next=/makeup", "phone")
    page.fill("[data-phone]", "13655550188")
    page.click("[data-send-code]")
    page.wait_for_selector("[data-sign-in-status]:has-text('Code sent')")
    page.fill("[data-code]", app.extensions["sms_outbox"]["13655550188"])
    page.click("#sign-in-submit")
    page.wait_for_url(f"{base}/makeup")
    assert page.evaluate("localStorage.getItem('storelens-member-token')")
    assert page.problems == []
