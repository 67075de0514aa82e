"""The advisor's working day in headless Chromium on tablet sizes: a shopper books from the planner's
"book a consultation" sheet and the advisor's open bookings page shows it without reload; the customer
view from a typed share code and from a QR picture; the recommendation page."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta

import pytest
import segno
from sqlalchemy import update

from webapp import create_app
from webapp.console import console_day
from webapp.store import members, room_plans, timeutil
from webapp.store.models import Booking, TimeSlot

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..staff_session import PASSWORD, add_staff

TABLETS = {"landscape": (1024, 768), "portrait": (768, 1024)}
LOOK = {"items": [{"sku": "LIP-108", "intensity": 0.6}, {"sku": "CHK-301", "intensity": 0.4}], "consent": True}
PLAN = {"room": {"width": 4.2, "depth": 3.6}, "items": [{"sku": "FUR-OSLO-3S", "x": 2.1, "z": 3.0}]}


@pytest.fixture(scope="module")
def day_site(tmp_path_factory, sqlite_template, models_dir):
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("console-day") / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{path}",
            "MODELS_DIR": str(models_dir),
            "SECRET_KEY": "k",
            "SMS_SENDER": "memory",
            "PUBLIC_URL": "https://shop.example.cn",
        }
    )
    add_staff(app, "li.na", name="李娜")
    polled = console_day.POLL_SECONDS
    console_day.POLL_SECONDS = 1  # the page polls every second here, so the test waits little
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield app, base, browser
        browser.close()
    console_day.POLL_SECONDS = polled
    app.extensions["store_db"].dispose()


def _advisor_page(browser, base: str, size: str = "landscape", lang: str = "zh"):
    width, height = TABLETS[size]
    # the console under its real policy: a violation or a script error fails the test
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(f"{base}/advisor/login?lang={lang}")
    page.fill("#username", "li.na")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/advisor/?lang=*")
    return page


def _member_token(app, phone: str) -> str:
    with app.extensions["store_db"].session() as session:
        member = members.get_or_create_member(session, phone, timeutil.now())
        token = members.issue_token(session, member, timeutil.now())
        session.commit()
    return token


def _saved(app, kind: str) -> str:
    client = app.test_client()
    if kind == "plan":
        with app.extensions["store_db"].session() as session:
            return room_plans.save_plan(session, PLAN)["code"]
    answer = client.post("/api/v1/looks", json=LOOK, headers={"X-Member-Token": _member_token(app, "13911112222")})
    return answer.get_json()["look"]["share_code"]


def test_a_booking_made_by_a_shopper_appears_live_and_is_checked_in(day_site):
    app, base, browser = day_site
    advisor = _advisor_page(browser, base)
    advisor.goto(f"{base}/advisor/bookings?lang=zh")
    plan = _saved(app, "plan")

    shopper = browser.new_context(viewport={"width": 390, "height": 844}, **JOURNEY_CONTEXT).new_page()
    token = _member_token(app, "13700137000")
    shopper.add_init_script(f"localStorage.setItem('storelens-member-token', {token!r})")
    shopper.goto(f"{base}/planner?plan={plan}&lang=zh")
    shopper.click("#book-open")
    shopper.wait_for_function("document.querySelectorAll('#book-store option').length > 1")
    shopper.select_option("#book-store", "jingan")
    shopper.wait_for_function("document.querySelectorAll('#book-slot option').length > 0")
    assert shopper.input_value("#book-codes") == plan
    shopper.fill("#book-name", "<b>韩梅梅</b>")
    shopper.click("#book-confirm")
    shopper.wait_for_selector("#book-done:has-text('预约成功')")
    code = shopper.text_content("#book-done").split()[-1]
    shopper.screenshot(path=str(ARTIFACTS / "book-sheet-phone-zh.png"))
    with app.extensions["store_db"].session() as session:  # move it to today, so it can be checked in now
        booking = session.query(Booking).filter_by(code=code).one()
        later = min(timeutil.now() + timedelta(minutes=30), timeutil.now().replace(hour=23, minute=59))
        session.execute(update(TimeSlot).where(TimeSlot.id == booking.slot_id).values(starts_at=later))
        session.commit()

    row = advisor.wait_for_selector(f"li.booking[data-code='{code}']", timeout=15_000)
    assert row.query_selector(".who").text_content() == "<b>韩梅梅</b>"  # the name as typed, not markup
    assert row.query_selector(".chip").text_content() == plan
    advisor.click(f"li.booking[data-code='{code}'] [data-move='check_in']")
    advisor.wait_for_selector(f"li.booking[data-code='{code}'][data-status='checked_in']")
    advisor.fill(f"li.booking[data-code='{code}'] textarea", "想看 <i>灰色</i> 沙发")
    advisor.click(f"li.booking[data-code='{code}'] .notes button")
    advisor.wait_for_selector(f"li.booking[data-code='{code}'] .notes [role=status]:has-text('备注已保存')")
    advisor.screenshot(path=str(ARTIFACTS / "console-bookings-landscape-zh.png"), full_page=True)
    assert advisor.problems == []


@pytest.mark.parametrize("size", TABLETS)
def test_the_customer_view_of_a_typed_share_code_shows_products_and_stock(day_site, size):
    app, base, browser = day_site
    look = _saved(app, "look")
    page = _advisor_page(browser, base, size, "en")
    page.goto(f"{base}/advisor/customer?lang=en")
    page.fill("#share-code", look.lower())
    page.click("#share-form button[type=submit]")
    view = page.wait_for_selector("#share-view:not([hidden])")
    assert "Look" in view.query_selector("h2").text_content()
    assert page.locator("#share-view .product-row").count() == 2
    assert page.locator("#share-view .stock li").count() >= 1
    assert page.get_attribute("#share-view a.button", "href") == f"/makeup?look={look}&lang=en"
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLETS[size][0]
    page.screenshot(path=str(ARTIFACTS / f"console-customer-{size}-en.png"), full_page=True)
    page.goto(f"{base}/advisor/recommend?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLETS[size][0]
    page.screenshot(path=str(ARTIFACTS / f"console-recommend-{size}-en.png"), full_page=True)
    page.goto(f"{base}/advisor/bookings?lang=en")
    page.screenshot(path=str(ARTIFACTS / f"console-bookings-{size}-en.png"), full_page=True)
    assert page.problems == []


def test_a_qr_picture_of_a_plan_link_opens_the_plan(day_site, tmp_path):
    app, base, browser = day_site
    plan = _saved(app, "plan")
    picture = tmp_path / "plan-qr.png"
    out = io.BytesIO()
    segno.make(f"https://shop.example.cn/planner?plan={plan}", error="m").save(out, kind="png", scale=8, border=4)
    picture.write_bytes(out.getvalue())
    page = _advisor_page(browser, base, "portrait")
    page.goto(f"{base}/advisor/customer?lang=zh")
    page.set_input_files("#scan-file", str(picture))
    page.wait_for_selector("#share-view:not([hidden]) a.button")
    assert page.input_value("#share-code") == plan
    assert page.get_attribute("#share-view a.button", "href").startswith(f"/planner?plan={plan}")
    assert page.locator("#share-view .product-row").count() == 1
    page.screenshot(path=str(ARTIFACTS / "console-customer-qr-portrait-zh.png"), full_page=True)
    assert page.problems == []
