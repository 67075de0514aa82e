"""Journeys of two people in headless Chromium: a shopper in the chat widget and an advisor in the console
(a second browser context), against the real web app and a fake assistant. Screenshots at 1024×768 of the
till, repairs and inbox pages go to test-artifacts/console-*.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from webapp import create_app
from webapp.store import coupons, handoffs, staff

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..conftest import SERVICE_TOKEN
from ..fake_assistant import fake_assistant
from ..staff_session import PASSWORD, add_staff

WIDGET = "storelens-chat"
TABLET = {"width": 1024, "height": 768}


@dataclass
class Site:
    base: str
    fake: object
    browser: object
    app: object


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template, models_dir) -> Iterator[Site]:
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("journeys") / "store.db"
    shutil.copy(sqlite_template, path)
    ARTIFACTS.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch, fake_assistant(service_token=SERVICE_TOKEN) as fake:
        patch.setattr(handoffs, "is_open", lambda store, now: True)  # advisors answer whatever the hour of the run
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "journeys",
                "DATABASE_URL": f"sqlite:///{path}",
                "MODELS_DIR": str(models_dir),
                "SERVICE_TOKEN": SERVICE_TOKEN,
                "SMS_SENDER": "memory",
                "ASSISTANT_URL": fake.base_url,
                "ASSISTANT_TIMEOUT": 3,
                "CHAT_DEFAULT_STORE": "jingan",
            }
        )
        add_staff(app, "li.na", name="李娜")
        add_staff(app, "wang.fang", name="王芳")
        with serve(app) as base, sync_playwright() as p:
            app.config["PUBLIC_URL"] = base
            fake.api_url = f"{base}/api/v1"  # hand-overs over HTTP, as the action server opens them
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            yield Site(base, fake, browser, app)
            browser.close()
        app.extensions["store_db"].dispose()


@pytest.fixture
def person(site):
    """Opens a page in a browser context of its own (one person's tablet or phone); no script errors."""
    pages = []

    def open_(url: str):
        context = site.browser.new_context(**JOURNEY_CONTEXT, viewport=TABLET)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        # a refused sign-in or redemption answers 4xx on purpose; any other console error is a problem
        page.on(
            "console",
            lambda m: m.type == "error" and "Failed to load resource" not in m.text and page.problems.append(m.text),
        )
        page.goto(url)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        problems = page.problems
        page.context.close()
        assert problems == []


def sign_in(person, site: Site, username: str, lang: str = "zh"):
    page = person(f"{site.base}/advisor/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/advisor/?lang=*")
    return page


def widget(page, selector: str = ""):
    return page.locator(f"{WIDGET} {selector}".strip())


def say(page, text: str) -> None:
    widget(page, "textarea").fill(text)
    widget(page, "textarea").press("Enter")


def test_sign_in_then_lockout_after_wrong_passwords(site, person):
    add_staff(site.app, "zhao.lei", name="赵磊")
    page = person(f"{site.base}/advisor/login?lang=en")
    for _ in range(staff.ACCOUNT_TRIES):
        page.fill("#username", "zhao.lei")
        page.fill("#password", "not the password")
        page.click("button.primary")
        page.locator(".error").wait_for()
    page.fill("#username", "zhao.lei")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    assert "Too many failed sign-ins" in page.locator(".error").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-locked-1024x768.png"))


def test_two_tablets_redeem_one_coupon_and_the_second_is_refused(site, person):
    with site.app.extensions["store_db"].session() as session:
        code = coupons.claim(session, "STORE100", "13800138000")["code"]
    first, second = sign_in(person, site, "li.na"), sign_in(person, site, "wang.fang", "en")
    for page in (first, second):
        page.click("text=" + ("核券" if page is first else "Coupons"))
        page.fill("#coupon-code", code.lower())
        page.click(".till-lookup button.primary")
        page.locator("#coupon").wait_for()
        page.fill("#order-amount", "900")
    assert "138****8000" in first.locator("#coupon").inner_text()
    first.click("#redeem")
    first.locator(".notice").wait_for()
    assert code in first.locator(".notice").inner_text() and "¥800.00" in first.locator("#coupon").inner_text()
    assert (
        code in first.locator("#redeemed-today").inner_text()
        and "李娜" in first.locator("#redeemed-today").inner_text()
    )
    first.screenshot(path=str(ARTIFACTS / "console-till-1024x768.png"), full_page=True)

    second.click("#redeem")  # looked up before the first tablet redeemed it
    refusal = second.locator("#till-error")
    refusal.wait_for()
    assert "already redeemed at LANYUE Jing'an Kerry Centre" in refusal.inner_text()
    assert second.locator("#redeem").count() == 0
    second.screenshot(path=str(ARTIFACTS / "console-till-refused-1024x768.png"), full_page=True)


def test_a_repair_update_reaches_the_shoppers_chat(site, person):
    shopper = person(f"{site.base}/chat?lang=zh")
    say(shopper, "我的维修进度")
    widget(shopper, ".from-assistant p").filter(has_text="echo: 我的维修进度").wait_for()
    sender = next(b["sender"] for b in reversed(site.fake.received) if b["message"] == "我的维修进度")
    # what the assistant's repair action does: the look-up for this chat makes it follow the ticket
    looked_up = requests.get(
        f"{site.base}/api/v1/repairs/R-20417?phone_last4=5678",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "X-Chat-Sender": sender},
        timeout=10,
    )
    assert looked_up.status_code == 200

    advisor = sign_in(person, site, "li.na")
    advisor.click("text=维修")
    ticket = advisor.locator("#repair-R-20417")
    ticket.locator("select").select_option("ready_for_pickup")
    ticket.locator("textarea[name=note_zh]").fill("<b>已修好</b>，可到店取件")
    ticket.locator("textarea[name=note_en]").fill("Fixed; ready at the store")
    ticket.locator("button.primary").click()
    advisor.locator(".notice").wait_for()
    assert "<b>已修好</b>，可到店取件" in advisor.locator("#repair-R-20417 .latest").inner_text()
    advisor.screenshot(path=str(ARTIFACTS / "console-repairs-1024x768.png"), full_page=True)

    update = widget(shopper, ".log .notice").filter(has_text="R-20417")
    update.wait_for(timeout=15000)  # arrived live, without a reload
    assert "可取件" in update.inner_text()


def test_a_shopper_asks_for_a_person_and_an_advisor_answers_then_hands_back(site, person):
    advisor = sign_in(person, site, "li.na")
    advisor.click("text=转人工")
    advisor.locator("#queue-open").wait_for()
    advisor.mouse.click(5, 5)  # a tap on the tablet lets the page play its chime
    shopper = person(f"{site.base}/chat?lang=zh")
    say(shopper, "<i>人工</i>，请帮我")
    widget(shopper, ".banner").wait_for()

    waiting = advisor.locator("#queue-open .handoff").first
    waiting.wait_for(timeout=15000)  # appeared live
    badge = advisor.locator("#inbox-badge")
    assert badge.inner_text() == "1" and badge.get_attribute("data-chimes") == "1"
    assert "<i>人工</i>，请帮我" in waiting.inner_text()  # as typed, not as markup
    waiting.click()
    advisor.locator("#transcript .from-shopper").first.wait_for()
    assert advisor.locator("#transcript i").count() == 0
    advisor.click("#take")
    advisor.locator("#reply").wait_for()
    advisor.fill("#reply-text", "您好，我是李娜，马上帮您看。")
    advisor.click("#reply button.primary")
    advisor.locator("#transcript .from-advisor").wait_for()
    advisor.screenshot(path=str(ARTIFACTS / "console-inbox-1024x768.png"), full_page=True)

    widget(shopper, ".from-advisor").wait_for(timeout=15000)
    assert widget(shopper, ".from-advisor p").inner_text() == "您好，我是李娜，马上帮您看。"
    assert "李娜" in widget(shopper, ".banner").inner_text()

    advisor.click("#close")
    advisor.locator("#close").wait_for(state="hidden")
    widget(shopper, ".banner").wait_for(state="hidden", timeout=15000)
    say(shopper, "你好")
    widget(shopper, ".replies button").first.wait_for()  # the assistant answers again
    assert widget(shopper, ".from-assistant p").last.inner_text() == "你好！我能帮你什么？"
