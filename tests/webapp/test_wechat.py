"""WeChat mini-program: sign-in through a fake code2Session, the web-view chat's entry, linking to a member,
erasure; and in headless Chromium, the makeup page's photo try-on where the camera is missing, and
wxbridge.js handing try-on links to the mini-program."""

import shutil
import time

import cv2
import itsdangerous
import pytest
import requests
from sqlalchemy import inspect, select

from webapp import create_app
from webapp.store.models import ChatConversation, WechatIdentity

from ..browser import ARTIFACTS, CHROMIUM_FLAGS, JOURNEY_CONTEXT, chromium_path, serve
from ..conftest import sign_in
from ..fake_assistant import fake_assistant
from ..fake_wechat import FakeWeChat
from ..tryon.conftest import face_frame

SECRET_KEY = "test-secret-key"


@pytest.fixture
def fake():
    with FakeWeChat() as wechat:
        yield wechat


@pytest.fixture
def wx_client(app, fake):
    """A client of an app whose WeChat settings point at the fake."""
    app.config["SECRET_KEY"] = SECRET_KEY
    fake.configure(app)
    return app.test_client()


def wx_session(client, code: str, **kwargs):
    return client.post("/api/v1/wechat/session", json={"code": code}, **kwargs)


def wx_token(client, fake: FakeWeChat, openid: str = "o-shopper-1") -> str:
    answer = wx_session(client, fake.login(openid))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["token"]


def identities(app) -> list[WechatIdentity]:
    with app.extensions["store_db"].session() as session:
        return list(session.scalars(select(WechatIdentity)))


def test_not_configured_is_a_503_in_both_languages(client):
    zh = wx_session(client, "0c3Xk1000mS2")
    en = wx_session(client, "0c3Xk1000mS2", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 503
    assert zh.get_json()["error"]["code"] == "wechat_not_configured"
    assert "微信登录尚未配置" in zh.get_json()["error"]["message"]
    assert en.get_json()["error"]["message"] == "WeChat sign-in is not set up yet; please contact the store."


def test_code_is_traded_for_a_token_and_the_session_key_is_never_kept(app, wx_client, fake):
    answer = wx_session(wx_client, fake.login("o-shopper-1"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["expires_in"] == 600 and body["linked"] is False
    asked = fake.requests[-1]
    assert asked["appid"] == fake.app_id and asked["secret"] == fake.app_secret
    assert asked["grant_type"] == "authorization_code" and asked["js_code"]
    [identity] = identities(app)
    assert identity.openid == "o-shopper-1" and identity.member_id is None
    assert {c["name"] for c in inspect(app.extensions["store_db"].engine).get_columns("wechat_identities")} == {
        "id",
        "openid",
        "member_id",
        "created_at",
    }
    # the same WeChat user again: one identity
    assert wx_session(wx_client, fake.login("o-shopper-1")).status_code == 200
    assert len(identities(app)) == 1


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 400, "wechat_code_invalid"),
        (40163, 400, "wechat_code_invalid"),
        (-1, 503, "wechat_busy"),
        (45011, 503, "wechat_busy"),
        (40226, 403, "wechat_user_blocked"),
        (40013, 502, "wechat_rejected"),
    ],
)
def test_wechat_errors_are_explained(app, wx_client, fake, errcode, status, code):
    answer = wx_session(wx_client, fake.fail(errcode), query_string={"lang": "en"})
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["code"] == code
    if code == "wechat_rejected":
        assert str(errcode) in error["message"]
    if code == "wechat_busy":
        assert answer.headers["Retry-After"] == "5"
    assert identities(app) == []


def test_wrong_app_secret_and_unreachable_wechat_are_502(app, wx_client, fake):
    app.config["WECHAT_APP_SECRET"] = "not-the-secret"
    rejected = wx_session(wx_client, fake.login("o-1"))
    assert rejected.status_code == 502 and "40125" in rejected.get_json()["error"]["message"]
    fake.stop()
    down = wx_session(wx_client, "some-code", headers={"Accept-Language": "en"})
    assert down.status_code == 502
    assert down.get_json()["error"]["message"] == "WeChat could not be reached; please try again shortly."


def test_codes_are_validated(wx_client):
    assert wx_session(wx_client, "").status_code == 400
    assert wx_session(wx_client, "x" * 129).status_code == 400
    answer = wx_client.post("/api/v1/wechat/session", json={})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "missing_field"


def test_entry_gives_the_chat_of_the_wechat_user(app, wx_client, fake):
    first = wx_client.post("/api/v1/wechat/enter", json={"token": wx_token(wx_client, fake)})
    assert first.status_code == 200
    assert set(first.get_json()) == {"conversation"}  # not linked: no member token
    with fake_assistant() as rasa:
        app.config["ASSISTANT_URL"] = rasa.base_url
        said = wx_client.post(
            "/api/v1/chat",
            json={"message": "你好", "channel": "miniprogram"},
            headers={"X-Chat-Conversation": first.get_json()["conversation"]},
        )
        assert said.status_code == 200, said.get_json()
        sender = rasa.received[-1]["sender"]
    # the same WeChat user on another visit continues the same chat
    again = wx_client.post("/api/v1/wechat/enter", json={"token": wx_token(wx_client, fake)}).get_json()
    history = wx_client.get("/api/v1/chat/history", headers={"X-Chat-Conversation": again["conversation"]})
    assert [m["text"] for m in history.get_json()["messages"] if m["author"] == "shopper"] == ["你好"]
    assert sender.startswith("chat-") and "o-shopper-1" not in sender


def test_bad_and_expired_tokens_are_refused(app, wx_client, fake, monkeypatch):
    def enter(token, **kwargs):
        return wx_client.post("/api/v1/wechat/enter", json={"token": token}, **kwargs)

    forged = itsdangerous.URLSafeTimedSerializer("another-key", salt="storelens-wechat-openid").dumps({"openid": "o-1"})
    assert enter(forged).status_code == 401
    assert enter(forged).get_json()["error"]["code"] == "wechat_token_invalid"
    assert enter("abc.def.ghi").status_code == 401
    assert enter("<script>").status_code == 400  # not token characters
    assert wx_client.post("/api/v1/wechat/enter", json={}).status_code == 400
    # issued eleven minutes ago
    real_timestamp = itsdangerous.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 660)
    old = wx_token(wx_client, fake)
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", real_timestamp)
    expired = enter(old, headers={"Accept-Language": "en"})
    assert expired.status_code == 401
    assert expired.get_json()["error"]["code"] == "wechat_token_expired"
    assert "10 minutes" in expired.get_json()["error"]["message"]


def test_linked_member_is_signed_in_by_the_mini_program(app, wx_client, fake):
    token = wx_token(wx_client, fake, "o-linked")
    refused = wx_client.post("/api/v1/wechat/link", json={"token": token})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "sign_in_required"
    member = sign_in(wx_client, "13655550123")
    linked = wx_client.post("/api/v1/wechat/link", json={"token": token}, headers=member)
    assert linked.status_code == 200 and linked.get_json() == {"linked": True}
    assert wx_session(wx_client, fake.login("o-linked")).get_json()["linked"] is True
    entry = wx_client.post("/api/v1/wechat/enter", json={"token": wx_token(wx_client, fake, "o-linked")})
    assert entry.status_code == 200
    device = {"X-Member-Token": entry.get_json()["member_token"]}
    assert device != member  # a device token of its own
    me = wx_client.get("/api/v1/members/me", headers=device)
    assert me.status_code == 200 and me.get_json()["phone"] == "136****0123"


def test_erasure_drops_the_wechat_link(app, wx_client, fake):
    member = sign_in(wx_client, "13655550124")
    token = wx_token(wx_client, fake, "o-erased")
    assert wx_client.post("/api/v1/wechat/link", json={"token": token}, headers=member).status_code == 200
    wx_chat = wx_client.post("/api/v1/wechat/enter", json={"token": token}).get_json()["conversation"]
    assert wx_client.delete("/api/v1/privacy/me", headers=member).status_code == 200
    assert identities(app) == []  # the openid is gone with the link
    assert wx_client.post("/api/v1/wechat/enter", json={"token": token}).status_code == 401
    assert wx_chat
    with app.extensions["store_db"].session() as session:  # the mini-program chat went with it
        assert session.scalar(select(ChatConversation).where(ChatConversation.external_key == "wx:o-erased")) is None
    fresh = wx_session(wx_client, fake.login("o-erased")).get_json()
    assert fresh["linked"] is False
    assert "member_token" not in wx_client.post("/api/v1/wechat/enter", json={"token": fresh["token"]}).get_json()


# --- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template):
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("wechat") / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SMS_SENDER": "memory", "SECRET_KEY": SECRET_KEY}
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with FakeWeChat() as wechat, serve(app) as base, sync_playwright() as p:
        wechat.configure(app)
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield base, browser, wechat
        browser.close()
    app.extensions["store_db"].dispose()


def phone_page(browser, init_script: str):
    page = browser.new_context(**JOURNEY_CONTEXT, viewport={"width": 360, "height": 640}, is_mobile=True).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(init_script)
    return page


def test_makeup_without_a_camera_switches_to_photo_try_on(site):
    base, browser, _ = site
    page = phone_page(browser, "delete MediaDevices.prototype.getUserMedia;")  # as in iOS WeChat web-views
    page.goto(f"{base}/makeup?lang=en")
    page.wait_for_selector("#photo-mode:not([hidden])")
    assert "Live camera is not available here" in page.inner_text("#photo-reason")
    assert not page.is_visible("#consent")  # no camera to consent to
    capture = page.locator("#photo-capture")
    assert capture.get_attribute("capture") == "user" and capture.get_attribute("accept") == "image/*"
    page.screenshot(path=str(ARTIFACTS / "makeup-photo-mode-phone.png"))
    _, jpeg = cv2.imencode(".jpg", face_frame())
    capture.set_input_files(files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg.tobytes()}])
    page.wait_for_function("() => document.getElementById('after').src.startsWith('data:image/jpeg')", timeout=30000)
    page.wait_for_selector("#skin:not([hidden])")
    assert "ITA" in page.inner_text("#skin-text")
    page.screenshot(path=str(ARTIFACTS / "makeup-photo-result-phone.png"))
    assert page.errors == []


def test_refused_camera_switches_to_photo_try_on(site):
    base, browser, _ = site
    refuse = (
        "MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    page = phone_page(browser, refuse)
    page.goto(f"{base}/makeup?lang=zh")
    page.wait_for_selector("#consent[open]")
    page.click("#agree")
    page.wait_for_selector("#photo-mode:not([hidden])")
    assert page.inner_text("#photo-reason") == "无法开启摄像头，已切换到照片模式。"
    assert page.errors == []


def test_wxbridge_sends_try_on_links_to_the_mini_program(site):
    base, browser, _ = site
    stub = (
        "window.__wxjs_environment = 'miniprogram'; window.__navigated = [];"
        "window.wx = {miniProgram: {navigateTo: (o) => window.__navigated.push(o.url)}};"
    )
    page = phone_page(browser, stub)
    page.goto(f"{base}/")
    page.add_script_tag(url=f"{base}/static/wxbridge.js")
    assert page.evaluate("StoreLensWx.inMiniProgram()") is True
    assert page.evaluate("StoreLensWx.open('/makeup?sku=LIP-103&mode=photo')") is True
    [target] = page.evaluate("window.__navigated")
    assert target == "/pages/tryon/tryon?u=" + page.evaluate(
        f"encodeURIComponent('{base}/makeup?sku=LIP-103&mode=photo')"
    )
    assert page.errors == []


def test_wxbridge_trades_the_wx_token_for_the_chat(site):
    base, browser, wechat = site
    token = requests.post(f"{base}/api/v1/wechat/session", json={"code": wechat.login("o-web-view")}).json()["token"]
    page = phone_page(browser, "window.__wxjs_environment = 'miniprogram';")
    page.goto(f"{base}/?lang=en&wx={token}#top")
    page.add_script_tag(url=f"{base}/static/wxbridge.js")
    entry = page.evaluate("StoreLensWx.entered")
    assert entry["conversation"] and "member_token" not in entry
    assert page.evaluate("location.search + location.hash") == "?lang=en#top"  # the token left the address bar
    page.wait_for_function("() => document.querySelector('script[data-wx-sdk]')")  # the JSSDK, from our server
    assert (
        page.evaluate("document.querySelector('script[data-wx-sdk]').src") == f"{base}/static/vendor/weixin-js-sdk.js"
    )


def test_the_chat_page_continues_the_wechat_users_conversation(site):
    base, browser, wechat = site
    token = requests.post(f"{base}/api/v1/wechat/session", json={"code": wechat.login("o-chat-page")}).json()["token"]
    page = phone_page(browser, "window.__wxjs_environment = 'miniprogram';")
    page.goto(f"{base}/chat?channel=miniprogram&wx={token}")
    key = f"storelens-chat:{base}"
    page.wait_for_function(f"() => localStorage.getItem({key!r})")
    kept = page.evaluate(f"localStorage.getItem({key!r})")
    again = requests.post(f"{base}/api/v1/wechat/session", json={"code": wechat.login("o-chat-page")}).json()["token"]
    entered = requests.post(f"{base}/api/v1/wechat/enter", json={"token": again}).json()["conversation"]
    history = requests.get(f"{base}/api/v1/chat/history", headers={"X-Chat-Conversation": kept}).json()
    assert history["conversation"] == entered  # the widget holds the WeChat user's own chat


def test_wxbridge_outside_wechat_leaves_links_alone(site):
    base, browser, _ = site
    page = phone_page(browser, "")
    page.goto(f"{base}/")
    page.add_script_tag(url=f"{base}/static/wxbridge.js")
    assert page.evaluate("[StoreLensWx.inMiniProgram(), StoreLensWx.open('/makeup')]") == [False, False]
    assert page.evaluate("document.querySelector('script[data-wx-sdk]')") is None  # nothing loaded
