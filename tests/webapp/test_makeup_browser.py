"""The /makeup page in headless Chromium with a fake camera showing a real face: desktop, phone
and in-store kiosk."""

import json
import shutil

import pytest

from tryon.imageio import encode_jpeg
from tryon.masks import MASCARA_STYLES
from webapp import create_app
from webapp.store.models import MAKEUP_TYPES

from ..browser import ARTIFACTS, JOURNEY_CONTEXT, camera_site
from ..conftest import sign_in
from ..tryon.conftest import face_frame

FRAMES = "n => Number(document.body.dataset.frames || 0) >= n"


@pytest.fixture
def camera_browser(sqlite_template, tmp_path):
    """A live app on the embedded database, and Chromium whose camera films a face."""
    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SMS_SENDER": "memory"})
    with camera_site(app, tmp_path, face_frame()) as (base, browser):
        yield base, browser, app
    app.extensions["store_db"].dispose()


def open_page(browser, url, **context_options):
    page = browser.new_context(**JOURNEY_CONTEXT, **context_options).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#consent[open]")
    return page


def test_live_makeup_in_chromium(camera_browser):
    base, browser, app = camera_browser
    page = open_page(
        browser,
        f"{base}/makeup?lang=en&sku=LIP-103",  # as linked from the assistant's card
        viewport={"width": 1280, "height": 860},
    )
    assert "#103" in page.inner_text("#picked")
    assert "never stored" in page.inner_text("#consent")
    page.click("#agree")  # the camera starts only now
    page.wait_for_function(FRAMES, arg=2, timeout=20000)
    page.click("button[data-kind=lip]")
    page.click("#swatches .swatch >> nth=2")
    page.click(".presets button >> nth=2")  # party look
    page.wait_for_function(FRAMES, arg=8, timeout=20000)
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
    assert page.errors == []


def test_phone_layout_fits_the_screen(camera_browser):
    base, browser, app = camera_browser
    page = open_page(
        browser,
        f"{base}/makeup?lang=zh",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page.screenshot(path=str(ARTIFACTS / "makeup-phone-consent.png"))
    page.tap("#agree")
    page.wait_for_function(FRAMES, arg=2, timeout=20000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    stage = page.locator("#stage").bounding_box()
    assert stage["x"] >= 0 and stage["x"] + stage["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "makeup-phone.png"), full_page=True)
    assert page.errors == []


def test_kiosk_hands_over_to_the_next_shopper_when_idle(camera_browser):
    base, browser, app = camera_browser
    context_options = {"viewport": {"width": 1080, "height": 1920}}
    page = open_page(browser, f"{base}/makeup?kiosk=1&lang=en&sku=LIP-103", **context_options)
    page.context.clock.install()
    page.reload()
    page.wait_for_selector("#consent[open]")
    heights = page.eval_on_selector_all(".kiosk button:visible", "bs => bs.map(b => b.offsetHeight)")
    assert heights and min(heights) >= 56  # touch targets
    page.click("#agree")
    page.wait_for_function(FRAMES, arg=2, timeout=20000)
    page.click("#save")
    page.fill("#save-sign-in [data-phone]", "13800138000")
    page.click("#save-sign-in [data-send-code]")
    page.wait_for_function("document.querySelector('#save-sign-in [data-sign-in-status]').textContent !== ''")
    page.fill("#save-sign-in [data-code]", app.extensions["sms_outbox"]["13800138000"])
    page.check("#save-consent")
    page.click("#save-confirm")
    page.wait_for_function("localStorage.getItem('storelens-member-token') !== null")
    page.screenshot(path=str(ARTIFACTS / "makeup-kiosk.png"))

    page.context.clock.fast_forward("01:00")  # a pause, not yet a new shopper
    assert "sku=LIP-103" in page.url and page.evaluate("localStorage.getItem('storelens-member-token')")
    page.context.clock.fast_forward("01:31")
    page.wait_for_url(f"{base}/makeup?kiosk=1")
    page.wait_for_selector("#consent[open]")  # the camera waits for the next shopper's consent
    assert page.evaluate("localStorage.getItem('storelens-member-token')") is None
    assert page.inner_text("#picked") == "" and page.get_attribute("#after", "src") is None
    assert page.errors == []


def test_a_shared_look_opens_on_another_device(camera_browser):
    """The advisor's "try it on her now" opens /makeup?look=<share code> on the store's tablet."""
    base, browser, app = camera_browser
    client = app.test_client()
    member = sign_in(client, "13655550188")
    look = {"items": [{"sku": "LIP-103", "intensity": 0.8}], "consent": True}
    code = client.post("/api/v1/looks", json=look, headers=member).get_json()["look"]["share_code"]
    page = open_page(browser, f"{base}/makeup?lang=en&look={code}", viewport={"width": 1024, "height": 768})
    page.wait_for_function("() => document.querySelector('#picked').innerText.includes('#103')")
    assert page.errors == []


# the look of each photo try-on, as the page puts it in the form (Playwright shows no multipart body)
LOOKS_POSTED = """
window.looksPosted = [];
const append = FormData.prototype.append;
FormData.prototype.append = function (name, value, ...rest) {
  if (name === "look") window.looksPosted.push(JSON.parse(value));
  return append.call(this, name, value, ...rest);
};
"""


def _looks_sent(page) -> list[dict]:
    """Every look the page sends down its live stream, as the server gets it."""
    sent = []

    def watch(ws):
        ws.on("framesent", lambda payload: isinstance(payload, str) and sent.append(json.loads(payload)["look"]))

    page.on("websocket", watch)
    return sent


@pytest.mark.parametrize("size", [(1024, 768), (360, 640)], ids=["tablet", "phone"])
def test_base_makeup_lashes_and_smoothing_reach_the_stream(camera_browser, size):
    base, browser, app = camera_browser
    width, height = size
    page = open_page(browser, f"{base}/makeup?lang=en&live=server", viewport={"width": width, "height": height})
    sent = _looks_sent(page)
    tabs = page.eval_on_selector_all(".tabs button", "bs => bs.map(b => b.dataset.kind)")
    assert tabs == list(MAKEUP_TYPES)  # every kind the catalog holds, from the one list
    assert {"Foundation", "Concealer", "Mascara"} <= set(
        page.eval_on_selector_all(".tabs button", "bs => bs.map(b => b.innerText)")
    )
    page.click("#agree")
    page.wait_for_function(FRAMES, arg=2, timeout=20000)
    assert page.is_hidden("#lashes-row")
    page.click("button[data-kind=mascara]")
    assert page.is_visible("#lashes-row") and page.is_hidden("#wing-row")
    assert page.eval_on_selector_all("#lashes option", "os => os.map(o => o.value)") == list(MASCARA_STYLES)
    page.click("#swatches .swatch >> nth=1")  # brown-black
    page.select_option("#lashes", "volume")
    page.fill("#smoothing", "40")
    page.dispatch_event("#smoothing", "change")
    page.wait_for_function("() => document.querySelector('#smoothing-value').textContent === '40%'")
    page.click("button[data-kind=foundation]")
    assert page.is_hidden("#lashes-row")
    page.click("#swatches .swatch >> nth=4")
    page.wait_for_function(FRAMES, arg=6, timeout=20000)
    last = sent[-1]
    assert last["smoothing"] == 0.4
    assert [(i["sku"], i["lashes"]) for i in last["items"]] == [("MSC-802", "volume"), ("FDN-605", "natural")]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    page.screenshot(path=str(ARTIFACTS / f"makeup-base-{width}x{height}.png"), full_page=True)
    assert page.errors == []


def test_skin_analysis_offers_foundation_and_concealer_to_try(camera_browser):
    base, browser, app = camera_browser
    page = browser.new_context(**JOURNEY_CONTEXT, viewport={"width": 1024, "height": 768}).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(LOOKS_POSTED)
    page.goto(f"{base}/makeup?lang=en&mode=photo")
    page.wait_for_selector("#photo-mode:not([hidden])")
    page.fill("#smoothing", "25")
    page.dispatch_event("#smoothing", "change")
    photo = {"name": "face.jpg", "mimeType": "image/jpeg", "buffer": encode_jpeg(face_frame(), 90)}
    page.set_input_files("#photo-capture", files=[photo])
    page.wait_for_selector("#base-picks li >> nth=1")
    picks = page.inner_text("#base-picks")
    assert "Foundation ·" in picks and "Concealer ·" in picks
    assert "closest to your" in picks and "a touch lighter" in picks
    assert page.evaluate("window.looksPosted")[0]["smoothing"] == 0.25
    sku = page.get_attribute("#base-picks li >> nth=0 >> button", "data-sku")
    page.click("#base-picks li >> nth=0 >> button")  # try it on
    page.wait_for_function("() => document.querySelector('#picked').innerText !== ''")
    assert page.get_attribute("button[data-kind=foundation]", "aria-selected") == "true"
    page.wait_for_function("() => document.querySelector('#status').textContent === ''")
    posted = page.evaluate("window.looksPosted")[-1]
    assert [i["sku"] for i in posted["items"]] == [sku] and posted["smoothing"] == 0.25
    page.screenshot(path=str(ARTIFACTS / "makeup-skin-picks.png"), full_page=True)
    assert page.errors == []
