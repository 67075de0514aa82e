"""The shopper chat in headless Chromium: the widget on a shop's own page (another origin, hostile
CSS), the full-screen /chat page and the kiosk, against the real web app and a fake Rasa."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from webapp import PROJECT_ROOT, create_app
from webapp.store import handoffs

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..conftest import SERVICE_TOKEN
from ..fake_assistant import fake_assistant
from ..staff_session import add_staff, http_session

SHOP = PROJECT_ROOT / "examples" / "shop"
SHOP_WIDGET_SRC = "http://127.0.0.1:5000/static/widget.js"  # what examples/shop/index.html points at
WIDGET = "storelens-chat"  # the widget's host element; Playwright's CSS selectors pierce its open shadow root
DROPPED_SOCKETS = """window.WebSocket = class extends EventTarget {
  constructor() { super(); setTimeout(() => this.dispatchEvent(new CloseEvent("close", { code: 1006 })), 50); }
  send() {}
  close() {}
};"""
SIZES = {"phone": (360, 640), "desktop": (1024, 768), "kiosk": (1080, 1920)}


@dataclass
class Site:
    base: str  # the StoreLens web app
    shop: str  # the shop's own site, another origin
    fake: object
    browser: object
    app: object


@contextmanager
def shop_server(app_base: dict) -> Iterator[str]:
    """examples/shop served from its own origin, its script tag pointed at the test's web app."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            name = {"/": "index.html", "/shop.css": "shop.css"}.get(self.path.split("?")[0])
            if name is None:
                self.send_error(404)
                return
            body = (SHOP / name).read_text().replace(SHOP_WIDGET_SRC, app_base["url"] + "/static/widget.js").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8" if name.endswith("html") else "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template, models_dir) -> Iterator[Site]:
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("chat") / "store.db"
    shutil.copy(sqlite_template, path)
    app_base: dict = {}
    ARTIFACTS.mkdir(exist_ok=True)
    with fake_assistant(service_token=SERVICE_TOKEN) as fake, shop_server(app_base) as shop:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key",  # signs chat tokens and the advisor's console session
                "DATABASE_URL": f"sqlite:///{path}",
                "MODELS_DIR": str(models_dir),
                "SERVICE_TOKEN": SERVICE_TOKEN,
                "SMS_SENDER": "memory",
                "ASSISTANT_URL": fake.base_url,
                "ASSISTANT_TIMEOUT": 3,
                "CHAT_ORIGINS": shop,
                "CHAT_DEFAULT_STORE": "jingan",
            }
        )
        add_staff(app, "xiao.lin", name="小林")  # the advisor of the chats' default store
        with serve(app) as base, sync_playwright() as p:
            app_base["url"] = base
            app.config["PUBLIC_URL"] = base  # product and booking links point back at this server
            fake.api_url = f"{base}/api/v1"  # the fake opens hand-overs over HTTP, as the action server does
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            yield Site(base, shop, fake, browser, app)
            browser.close()
        app.extensions["store_db"].dispose()


@pytest.fixture
def open_page(site):
    """Opens a page in a fresh browser (its own storage); no page may raise a script error or a dialog."""
    pages = []

    def open_(url: str, size: str = "desktop", **options):
        width, height = SIZES[size]
        context = site.browser.new_context(
            **{**JOURNEY_CONTEXT, "viewport": {"width": width, "height": height}, **options}
        )
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("console", lambda m: "Content Security Policy" in m.text and page.problems.append(m.text))
        page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.goto(url)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        problems = page.problems
        page.context.close()
        assert problems == []


def widget(page, selector: str = ""):
    return page.locator(f"{WIDGET} {selector}".strip())


def open_widget(page):
    widget(page, ".launcher").click()
    widget(page, ".panel textarea").wait_for()


def say(page, text: str) -> None:
    widget(page, "textarea").fill(text)
    widget(page, "textarea").press("Enter")


def last_assistant_text(page) -> str:
    return widget(page, ".log .from-assistant p").last.inner_text()


def test_words_are_one_public_json_for_any_site(site):
    client = site.app.test_client()
    answer = client.get("/chat/words?locale=en", headers={"Origin": site.shop})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in answer.headers["Cache-Control"]
    assert answer.get_json()["try_again"] == "Try again"
    assert client.get("/chat/words?locale=zh").get_json()["try_again"] == "再试一次"


def test_chat_page_carries_only_known_values(site):
    client = site.app.test_client()
    page = client.get("/chat?channel=miniprogram&store=jingan&lang=en").get_data(as_text=True)
    assert 'data-mode="page"' in page and 'data-channel="miniprogram"' in page and 'data-store="jingan"' in page
    assert "wxbridge.js" in page and "viewport-fit=cover" in page
    hostile = client.get('/chat?channel=evil&store="><script>alert(1)</script>').get_data(as_text=True)
    assert 'data-channel="web"' in hostile and "data-store" not in hostile and "<script>alert" not in hostile


def test_widget_works_on_a_hostile_shop_page_of_another_origin(site, open_page):
    page = open_page(site.shop + "/")
    open_widget(page)
    assert widget(page, ".greeting").inner_text()  # its words came from the app, across origins
    say(page, "你好")
    replies = widget(page, ".replies button")
    replies.first.wait_for()
    assert replies.all_inner_texts() == ["口红", "人工"]
    # the shop's `* { font-size: 40px !important; color: red !important }` and `button { display: none }` stop at the shadow root
    style = widget(page, ".from-assistant p").last.evaluate(
        "p => [getComputedStyle(p).fontSize, getComputedStyle(p).color, getComputedStyle(p).textTransform]"
    )
    assert style == ["15px", "rgb(43, 34, 36)", "none"]
    replies.first.click()
    card = widget(page, ".card.product")
    card.wait_for()
    assert "丝绒雾面唇膏" in card.locator("h3").inner_text()
    assert card.locator("a").all_inner_texts() == ["试妆", "哪里有货"]
    assert all(href.startswith(site.base) for href in card.locator("a").evaluate_all("l => l.map(a => a.href)"))
    assert widget(page, ".from-shopper p").last.inner_text() == "口红"  # the title tapped, not "/ask_product"
    box = widget(page, ".panel").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1024 and box["y"] + box["height"] <= 768
    page.wait_for_timeout(300)  # the product image
    page.screenshot(path=str(ARTIFACTS / "chat-shop-1024x768.png"))

    page.reload()
    open_widget(page)
    widget(page, ".card.product").wait_for()  # the history came back
    assert widget(page, ".from-shopper p").all_inner_texts() == ["你好", "口红"]
    assert widget(page, ".replies").count() == 0  # already answered: no stale quick replies


def test_position_goes_along_only_when_the_shopper_allowed_it(site, open_page):
    where = {"latitude": 31.2243, "longitude": 121.4456}
    for granted, expected in (([], None), (["geolocation"], {"lat": 31.2243, "lng": 121.4456})):
        page = open_page(site.base + "/", permissions=granted, geolocation=where)
        open_widget(page)
        say(page, "附近哪里有货")
        widget(page, ".from-assistant p").filter(has_text="echo: 附近哪里有货").last.wait_for()
        sent = [body for body in site.fake.received if body["message"] == "附近哪里有货"][-1]
        assert sent["metadata"].get("position") == expected  # never asked for: the widget does not prompt


def test_widget_on_a_phone_is_full_screen_and_keyboard_usable(site, open_page):
    page = open_page(site.shop + "/", "phone", is_mobile=True, has_touch=True)
    launcher = widget(page, ".launcher")
    launcher.wait_for()  # the widget shows itself once its stylesheet has loaded; a hidden button takes no focus
    launcher.focus()
    page.keyboard.press("Enter")
    textarea = widget(page, "textarea")
    textarea.wait_for()
    assert page.evaluate(f"document.querySelector('{WIDGET}').shadowRoot.activeElement.tagName") == "TEXTAREA"
    assert widget(page, ".panel").bounding_box() == {"x": 0, "y": 0, "width": 360, "height": 640}
    say(page, "hi")
    widget(page, ".replies button").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "chat-shop-360x640.png"))
    page.keyboard.press("Escape")
    widget(page, ".panel").wait_for(state="hidden")
    assert page.evaluate(f"document.querySelector('{WIDGET}').shadowRoot.activeElement.className") == "launcher"
    assert launcher.get_attribute("aria-expanded") == "false"


def test_messages_render_as_text_never_as_html(site, open_page):
    page = open_page(site.shop + "/")
    open_widget(page)
    attack = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    say(page, attack)
    page.wait_for_function(
        "t => [...document.querySelector('storelens-chat').shadowRoot.querySelectorAll('.from-assistant p')]"
        ".some(p => p.textContent === t)",
        arg=f"echo: {attack}",
    )
    assert widget(page, ".from-shopper p").last.inner_text() == attack
    assert widget(page, ".log img").count() == 0 and widget(page, ".log script").count() == 0


def test_assistant_down_then_back_with_try_again(site, open_page):
    page = open_page(site.shop + "/?lang=zh")
    open_widget(page)
    site.fake.stop()
    try:
        say(page, "你好")
        retry = widget(page, ".retry")
        retry.wait_for(timeout=15000)
        assert "再试一次" == retry.locator("button").inner_text()
        assert retry.locator("p").inner_text()  # the server's words, with the store hotline
        assert widget(page, ".msg.failed p").inner_text() == "你好"  # the text is kept
    finally:
        site.fake.start()
    retry.locator("button").click()
    widget(page, ".replies button").first.wait_for()
    assert widget(page, ".retry").count() == 0 and widget(page, ".msg.failed").count() == 0
    assert widget(page, ".from-shopper p").all_inner_texts() == ["你好"]


def test_a_refused_message_says_why_and_is_handed_back(site, open_page):
    page = open_page(site.shop + "/")
    open_widget(page)
    # typing stops at 1000 characters; a pasted-in value past the limit still meets the server's 413
    widget(page, "textarea").evaluate("t => { t.value = '长'.repeat(1001); }")
    widget(page, "button[type=submit]").click()
    widget(page, ".notice.error").wait_for()
    assert widget(page, ".notice.error").inner_text()
    assert len(widget(page, "textarea").input_value()) == 1001
    assert widget(page, ".msg.from-shopper").count() == 0


@pytest.mark.parametrize("delivery", ["socket", "polling"])
def test_an_advisor_takes_over_and_hands_back(site, open_page, delivery, monkeypatch):
    monkeypatch.setattr(handoffs, "is_open", lambda store, now: True)  # advisors answer whatever the hour of the run
    page = open_page(site.shop + "/?lang=zh")
    if delivery == "polling":  # a proxy that drops every WebSocket: the widget polls the history instead
        page.add_init_script(DROPPED_SOCKETS)
        page.reload()
    polled = []
    page.on("request", lambda r: "/api/v1/chat/history?" in r.url and "after=" in r.url and polled.append(r.url))
    open_widget(page)
    with page.expect_response(
        lambda r: r.url.startswith(site.base + "/api/v1/chat") and r.request.method == "POST"
    ) as sent:
        say(page, "人工")
    handoff = sent.value.json()["handoff"]
    banner = widget(page, ".banner")
    banner.wait_for()
    assert "排在第" in banner.inner_text()
    widget(page, ".panel header button.icon").click()  # closed: the reply shows as unread

    api = f"{site.base}/api/v1/handoffs/{handoff['id']}"
    advisor = http_session(site.base, "xiao.lin")  # signed in to the console, as the advisor's browser is
    assert advisor.post(f"{api}/take", json={}, timeout=10).ok
    assert advisor.post(f"{api}/reply", json={"text": "您好，我是小林，马上帮您看。"}, timeout=10).ok
    widget(page, ".from-advisor").wait_for(state="attached", timeout=15000)  # arrived without a reload
    assert int(widget(page, ".badge").inner_text()) >= 1  # the panel is closed: the launcher counts it
    open_widget(page)
    assert widget(page, ".from-advisor p").inner_text() == "您好，我是小林，马上帮您看。"
    assert "小林" in banner.inner_text()

    assert advisor.post(f"{api}/close", json={}, timeout=10).ok
    banner.wait_for(state="hidden", timeout=15000)
    say(page, "你好")
    widget(page, ".replies button").first.wait_for()  # the assistant answers again
    assert last_assistant_text(page) == "你好！我能帮你什么？"
    assert bool(polled) == (delivery == "polling")


def test_clearing_the_conversation_erases_it(site, open_page):
    page = open_page(site.shop + "/")
    open_widget(page)
    say(page, "你好")
    widget(page, ".replies button").first.wait_for()
    widget(page, "header button.quiet").click()
    with page.expect_response(lambda r: r.request.method == "DELETE") as erased:
        widget(page, ".confirm button.danger").click()
    assert erased.value.status == 204
    widget(page, ".notice").last.wait_for()
    assert widget(page, ".msg.from-shopper").count() == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('storelens-chat'))") == []
    page.reload()
    open_widget(page)
    assert widget(page, ".msg").count() == 1  # the greeting only


def test_chat_page_fills_a_phone_under_the_real_policy(site):
    context = site.browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(f"{site.base}/chat?channel=miniprogram&lang=zh")
    widget(page, "textarea").wait_for()
    say(page, "口红")
    widget(page, ".card.product").wait_for()
    page.wait_for_timeout(300)
    assert widget(page, ".panel").bounding_box() == {"x": 0, "y": 0, "width": 360, "height": 640}
    assert widget(page, ".composer").bounding_box()["y"] + widget(page, ".composer").bounding_box()["height"] <= 640
    assert widget(page, ".launcher").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "chat-page-360x640.png"))
    sent = [body for body in site.fake.received if body.get("message") == "口红"][-1]
    assert sent["metadata"]["channel"] == "miniprogram"
    context.close()
    assert problems == []


def test_kiosk_offers_the_widget_and_its_idle_reset_forgets_the_chat(site, open_page):
    page = open_page(f"{site.base}/?kiosk=1&lang=zh", "kiosk")
    page.clock.install()
    open_widget(page)
    assert "kiosk" in widget(page, ".root").get_attribute("class")
    say(page, "你好")
    widget(page, ".replies button").first.wait_for()
    assert page.evaluate("Object.keys(localStorage).some(k => k.startsWith('storelens-chat'))")
    page.screenshot(path=str(ARTIFACTS / "chat-kiosk-1080x1920.png"))
    with page.expect_navigation():
        page.clock.fast_forward(91_000)  # kiosk.js: 90 s untouched hands the screen over
    open_widget(page)
    assert widget(page, ".msg").count() == 1
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('storelens-chat'))") == []


def test_a_members_conversation_follows_them_to_another_browser(site, open_page):
    phone = "13655550177"
    assert requests.post(f"{site.base}/api/v1/auth/codes", json={"phone": phone}, timeout=10).status_code == 202
    code = site.app.extensions["sms_outbox"][phone]
    verified = requests.post(f"{site.base}/api/v1/auth/codes/verify", json={"phone": phone, "code": code}, timeout=10)
    member_token = verified.json()["member_token"]

    def signed_in(url: str, size: str):
        page = open_page(url, size)
        page.evaluate("t => localStorage.setItem('storelens-member-token', t)", member_token)  # as signin.js does
        page.reload()
        return page

    phone_page = signed_in(f"{site.base}/chat?lang=zh", "phone")
    say(phone_page, "你好")
    widget(phone_page, ".replies button").first.wait_for()
    assert site.fake.received[-1]["metadata"]["member_token"] == member_token
    desk = signed_in(f"{site.base}/?lang=zh", "desktop")
    open_widget(desk)
    widget(desk, ".from-shopper").first.wait_for()
    assert widget(desk, ".from-shopper p").all_inner_texts() == ["你好"]
