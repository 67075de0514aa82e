"""The advisor console: staff sign-in sessions, CSRF, idle timeout, store scope on staff calls, audit pages."""

import shutil
import time
from datetime import datetime

import itsdangerous
import pytest
from sqlalchemy import select, update

from webapp import create_app
from webapp.store import chat, consultations, coupons, members, staff, timeutil
from webapp.store.models import Store, TimeSlot

from ..browser import ARTIFACTS, CHROMIUM_FLAGS
from ..conftest import SERVICE, sign_in
from ..staff_session import PASSWORD, add_staff, post_sign_in, signed_in


@pytest.fixture
def advisor(app):
    return add_staff(app, "li.na")


@pytest.fixture
def manager(app):
    return add_staff(app, "boss", role="store_manager", name="周店长")


def test_sign_in_opens_the_stores_day_with_a_locked_down_session_cookie(client, advisor):
    answer = post_sign_in(client, "li.na")
    assert answer.status_code == 302 and answer.headers["Location"] == "/advisor/?lang=zh"
    cookie = answer.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Expires="))
    page = client.get("/advisor/?lang=en").get_data(as_text=True)
    assert "LANYUE Jing&#39;an Kerry Centre" in page
    assert "李娜 · Advisor" in page and "Today&#39;s bookings" in page


def test_wrong_password_disabled_account_and_lockout_are_explained(client, app, advisor):
    wrong = post_sign_in(client, "li.na", "not the password")
    assert wrong.status_code == 401 and "用户名或密码不正确。" in wrong.get_data(as_text=True)
    assert "The username or password is not right." in post_sign_in(client, "nobody", lang="en").get_data(as_text=True)
    for _ in range(staff.ACCOUNT_TRIES - 1):
        post_sign_in(client, "li.na", "not the password")
    locked = post_sign_in(client, "li.na", lang="en")
    assert locked.status_code == 429
    assert "Too many failed sign-ins; please try again in 15 minutes." in locked.get_data(as_text=True)
    add_staff(app, "gone")
    with app.extensions["store_db"].session() as session:
        staff.disable(session, "gone")
    disabled = post_sign_in(client, "gone")
    assert disabled.status_code == 403 and "该账号已停用，请联系店长。" in disabled.get_data(as_text=True)


def test_one_address_cannot_try_many_accounts(client, advisor):
    elsewhere = {"REMOTE_ADDR": "198.51.100.9"}
    for i in range(staff.ADDRESS_TRIES):
        post_sign_in(client, f"guess{i}", environ_base=elsewhere)
    assert post_sign_in(client, "li.na", environ_base=elsewhere).status_code == 429
    assert post_sign_in(client, "li.na").status_code == 302  # another address


def test_forms_without_their_csrf_token_are_refused(client, advisor):
    refused = client.post("/advisor/login?lang=en", data={"username": "li.na", "password": PASSWORD})
    assert refused.status_code == 400 and "reload the page" in refused.get_data(as_text=True)
    signed_in(client, "li.na")
    assert client.post("/advisor/logout").status_code == 400
    assert client.get("/advisor/").status_code == 200  # still signed in


def test_sign_out_ends_the_session(client, advisor):
    headers = signed_in(client, "li.na")
    out = client.post("/advisor/logout?lang=en", data={"csrf_token": headers["X-CSRFToken"]})
    assert out.status_code == 302 and "out=1" in out.headers["Location"]
    assert client.get("/advisor/").status_code == 302
    assert "You are signed out." in client.get(out.headers["Location"]).get_data(as_text=True)


def test_an_idle_session_times_out(client, app, advisor, monkeypatch):
    signed_in(client, "li.na")
    idle = app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: int(time.time() + idle))
    answer = client.get("/advisor/?lang=en")
    assert answer.status_code == 302 and "idle=1" in answer.headers["Location"]
    assert "signed out after a while idle" in client.get(answer.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/advisor/", "/advisor/staff", "/advisor/audit"])
def test_every_console_page_refuses_anonymous_callers(client, path):
    answer = client.get(path)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/advisor/login")


def test_anonymous_changes_are_refused(client, advisor):
    assert client.post("/advisor/staff/li.na/disable").status_code == 302
    assert client.post("/advisor/staff", data={"username": "x"}).status_code == 302


@pytest.mark.parametrize("path", ["/advisor/staff", "/advisor/audit"])
def test_manager_pages_refuse_advisors(client, advisor, path):
    signed_in(client, "li.na")
    answer = client.get(path + "?lang=en")
    assert answer.status_code == 403 and "Only a store manager can do that." in answer.get_data(as_text=True)


def test_a_disable_by_an_advisor_is_refused(client, app, advisor):
    add_staff(app, "wang.fang", name="王芳")
    headers = signed_in(client, "li.na")
    assert (
        client.post("/advisor/staff/wang.fang/disable", data={"csrf_token": headers["X-CSRFToken"]}).status_code == 403
    )


def test_a_manager_adds_and_disables_advisors_and_names_render_as_text(client, app, manager):
    headers = signed_in(client, "boss")
    form = {"csrf_token": headers["X-CSRFToken"], "name": "<script>alert(1)</script>", "password": PASSWORD}
    added = client.post("/advisor/staff?lang=en", data=form | {"username": "evil"}, follow_redirects=True)
    page = added.get_data(as_text=True)
    assert "Advisor &lt;script&gt;alert(1)&lt;/script&gt; added." in page and "<script>alert(1)" not in page
    taken = client.post("/advisor/staff?lang=en", data=form | {"username": "evil"})
    assert taken.status_code == 422 and "The username evil is already taken." in taken.get_data(as_text=True)
    weak = client.post("/advisor/staff", data=form | {"username": "new.one", "password": "short"})
    assert weak.status_code == 422 and "密码需为 10 到 128 个字符。" in weak.get_data(as_text=True)

    advisor_client = app.test_client()
    signed_in(advisor_client, "evil")
    gone = client.post("/advisor/staff/evil/disable?lang=en", data={"csrf_token": headers["X-CSRFToken"]})
    assert gone.status_code == 302
    assert advisor_client.get("/advisor/").status_code == 302  # the disabled advisor's session ended
    audit = client.get("/advisor/audit?lang=en").get_data(as_text=True)
    assert "added an advisor" in audit and "disabled an advisor" in audit
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in audit and "<script>alert(1)" not in audit


# --- staff API calls on a console session ---------------------------------------------------------


def test_cookie_authenticated_calls_need_the_csrf_header(client, advisor):
    headers = signed_in(client, "li.na")
    with client.application.extensions["store_db"].session() as session:
        coupon = coupons.claim(session, "STORE100", "13800138000")["code"]
    body = {"code": coupon, "store": "jingan", "order_amount": 900}
    refused = client.post("/api/v1/coupons/redeem?lang=en", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/v1/coupons/redeem", json=body, headers=headers).status_code == 200
    assert client.get("/api/v1/members/13800138000/coupons").status_code == 200  # reads need no token


def test_an_advisor_of_another_store_is_refused_and_own_store_acts_are_audited(client, app, advisor, manager):
    far = app.test_client()
    far_headers = signed_in(far, add_staff(app, "far", "lujiazui")["username"])
    with app.extensions["store_db"].session() as session:
        coupon = coupons.claim(session, "STORE100", "13800138000")["code"]
    redeem = {"code": coupon, "store": "jingan", "order_amount": 900}
    refused = far.post("/api/v1/coupons/redeem?lang=en", json=redeem, headers=far_headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == {
        "code": "staff_wrong_store",
        "message": "This belongs to another store; you can only act for your own store (lujiazui).",
    }
    step = {"status": "repairing", "note_zh": "<b>换屏</b>"}
    assert far.post("/api/v1/repairs/R-20417/events", json=step, headers=far_headers).status_code == 403
    booking = _book_first_jingan_slot(client)
    assert far.post(f"/api/v1/bookings/{booking}/staff/check_in", headers=far_headers).status_code == 403

    headers = signed_in(client, "li.na")
    assert client.post("/api/v1/coupons/redeem", json=redeem, headers=headers).status_code == 200
    assert client.post("/api/v1/repairs/R-20417/events", json=step, headers=headers).status_code == 201
    # steps and hand-overs are signed with the advisor's own name: a body naming someone else is refused
    signed_as = {**step, "status": "ready_for_pickup", "staff": "someone else"}
    assert client.post("/api/v1/repairs/R-20417/events", json=signed_as, headers=headers).status_code == 400

    boss = app.test_client()
    signed_in(boss, "boss")
    audit = boss.get("/advisor/audit?lang=en").get_data(as_text=True)
    assert audit.count("李娜") == 2 and "redeemed a coupon" in audit and "updated a repair" in audit
    assert coupon in audit and "R-20417" in audit
    assert "lujiazui" not in audit  # the refused acts wrote nothing


def test_hand_overs_are_answered_by_their_own_store_under_the_advisors_name(client, app, advisor, manager, monkeypatch):
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 11, 25, 15, 0))  # the store is open
    with app.extensions["store_db"].session() as session:
        shop = session.scalar(select(Store).where(Store.code == "jingan"))
        sender = chat.sender_id(chat.open_conversation(session, store=shop))
    created = client.post("/api/v1/handoffs", json={"sender_id": sender, "store": "jingan"}, headers=SERVICE)
    assert created.status_code == 201
    handoff = created.get_json()["id"]
    far = app.test_client()
    far_headers = signed_in(far, add_staff(app, "far", "lujiazui")["username"])
    assert far.get("/api/v1/handoffs", headers=far_headers).get_json()["handoffs"] == []  # their own store's queue
    assert far.get("/api/v1/handoffs?store=jingan", headers=far_headers).status_code == 403
    for call in ("take", "close"):
        refused = far.post(f"/api/v1/handoffs/{handoff}/{call}", json={}, headers=far_headers)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "staff_wrong_store"
    assert far.get(f"/api/v1/handoffs/{handoff}", headers=far_headers).status_code == 403

    headers = signed_in(client, "li.na")
    assert [h["id"] for h in client.get("/api/v1/handoffs", headers=headers).get_json()["handoffs"]] == [handoff]
    assert client.post(f"/api/v1/handoffs/{handoff}/take", json={}).status_code == 400  # no CSRF header
    taken = client.post(f"/api/v1/handoffs/{handoff}/take", json={"advisor": "冒名"}, headers=headers)  # ignored
    assert taken.status_code == 200 and taken.get_json()["advisor"] == "李娜"
    assert far.post(f"/api/v1/handoffs/{handoff}/reply", json={"text": "hi"}, headers=far_headers).status_code == 403
    assert (
        client.post(f"/api/v1/handoffs/{handoff}/reply", json={"text": "<b>您好</b>"}, headers=headers).status_code
        == 201
    )
    assert client.post(f"/api/v1/handoffs/{handoff}/close", headers=headers).status_code == 200
    boss = app.test_client()
    signed_in(boss, "boss")
    audit = boss.get("/advisor/audit?lang=en").get_data(as_text=True)
    assert "took a hand-over" in audit and "replied to a hand-over" in audit and "closed a hand-over" in audit
    assert "<b>您好</b>" not in audit


def _book_first_jingan_slot(client) -> str:
    member = sign_in(client, "13700137000")
    slot = client.get("/api/v1/consultations/slots?service=makeup&store=jingan").get_json()["slots"][0]
    answer = client.post("/api/v1/bookings", json={"slot_id": slot["id"], "name": "韩梅梅"}, headers=member)
    return answer.get_json()["code"]


def test_no_bearer_token_acts_as_staff(client, advisor):
    """People sign in: the service token is a back end's and gets no staff act, any other bearer is nobody."""
    code = _book_first_jingan_slot(client)
    url = f"/api/v1/bookings/{code}/staff/no_show?lang=en"
    assert client.post(url, headers=SERVICE).get_json()["error"]["code"] == "forbidden"
    assert client.post(url, headers={"Authorization": "Bearer test-staff-token"}).status_code == 401
    answer = client.post(url, headers=signed_in(client, "li.na"))
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "booking_not_started"


# --- the command line ----------------------------------------------------------------------------


def test_staff_commands_create_reset_and_disable(app):
    runner = app.test_cli_runner()
    create = ["staff", "create", "li.na", "--name", "李娜", "--store", "jingan", "--role", "store_manager"]
    created = runner.invoke(args=create, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0 and "Created store_manager li.na for store jingan." in created.output
    again = runner.invoke(args=create, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 1 and "already taken" in again.output and "已被使用" in again.output
    client = app.test_client()
    signed_in(client, "li.na")
    reset = runner.invoke(args=["staff", "reset-password", "li.na"], input="a brand new password\n" * 2)
    assert reset.exit_code == 0 and "open sessions have ended" in reset.output
    assert client.get("/advisor/").status_code == 302
    assert post_sign_in(client, "li.na", "a brand new password").status_code == 302
    assert runner.invoke(args=["staff", "disable", "li.na"]).exit_code == 0
    assert client.get("/advisor/").status_code == 302
    missing = runner.invoke(args=["staff", "disable", "nobody"])
    assert missing.exit_code == 1 and "No staff account called nobody." in missing.output


# --- in the browser, at tablet sizes ------------------------------------------------------------------

TABLETS = {"landscape": (1024, 768), "portrait": (768, 1024)}


@pytest.fixture(scope="module")
def console_site(tmp_path_factory, sqlite_template, models_dir):
    """The console served to headless Chromium under its real policy, with a manager, an advisor,
    today's bookings and some audited acts."""
    from playwright.sync_api import sync_playwright

    from ..browser import chromium_path, serve

    path = tmp_path_factory.mktemp("console") / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "MODELS_DIR": str(models_dir), "SECRET_KEY": "k"}
    )
    _stage_a_day(app)
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield base, browser
        browser.close()
    app.extensions["store_db"].dispose()


def _stage_a_day(app) -> None:
    add_staff(app, "boss", role="store_manager", name="周店长")
    add_staff(app, "li.na", name="李娜")
    with app.extensions["store_db"].session() as session:
        who, _ = staff.sign_in(session, "li.na", PASSWORD, "127.0.0.1")
        slots = consultations.available_slots(session, "makeup", store_code="jingan")[:3]
        today = timeutil.now().replace(minute=0, second=0)
        for hour, (slot, name) in enumerate(zip(slots, ["韩梅梅", "Olivia Bennett-Richardson", "<b>王</b>"])):
            code = consultations.book(
                session, slot["id"], name, members.get_or_create_member(session, f"1380013800{hour}", today)
            )["code"]
            starts = today.replace(hour=10 + 2 * hour, minute=5)  # seeded slots start on the hour or half
            session.execute(update(TimeSlot).where(TimeSlot.id == slot["id"]).values(starts_at=starts))
            session.commit()
            if hour == 0:
                consultations.staff_mark(session, code, "check_in", staff=who, now=today.replace(hour=9))
        coupon = coupons.claim(session, "STORE100", "13800138000")["code"]
        coupons.redeem(session, coupon, "jingan", "900", staff=who)
        staff.add_repair_event(session, who, "R-20417", status="repairing", note_zh="换屏")


def _sign_in_browser(browser, base: str, size: str, username: str, lang: str):
    width, height = TABLETS[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(f"{base}/advisor/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/advisor/?lang=*")
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", TABLETS)
def test_console_pages_fit_tablets(console_site, size, lang):
    base, browser = console_site
    page = _sign_in_browser(browser, base, size, "boss", lang)
    assert page.get_by_text("<b>王</b>", exact=True).count() == 1  # a name shows as typed, not as markup
    for name, path in (("today", "/advisor/"), ("staff", "/advisor/staff"), ("audit", "/advisor/audit")):
        page.goto(f"{base}{path}?lang={lang}")
        assert page.evaluate("document.documentElement.scrollWidth") <= TABLETS[size][0], name
        page.screenshot(path=str(ARTIFACTS / f"console-{name}-{size}-{lang}.png"), full_page=True)
    page.click("text=" + ("退出登录" if lang == "zh" else "Sign out"))
    page.wait_for_url("**/advisor/login?*out=1*")
    page.screenshot(path=str(ARTIFACTS / f"console-signed-out-{size}-{lang}.png"))
    assert page.problems == []
