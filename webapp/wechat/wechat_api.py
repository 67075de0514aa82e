"""WeChat mini-program API: a ``wx.login`` code for a short-lived token, the web-view chat's entry, linking."""

from flask import current_app
from marshmallow import Schema

from ..api.base import Blueprint, Text, signed_in
from ..auth import signed_in_member
from ..chat.chat_api import conversation_token
from ..database import db_session
from ..i18n import request_language
from ..limits import limiter
from ..store import wechat

blp = Blueprint("wechat", __name__, description="WeChat mini-program: sign-in by wx.login code, chat entry, linking")


class WeChatCodeIn(Schema):
    code = Text(128, min_length=1, pattern=r"^[\x21-\x7e]+$", required=True, metadata={"example": "0c3Xk1000mS2"})


class WeChatTokenIn(Schema):
    token = Text(
        512, min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$", required=True, metadata={"example": "eyJvcGVuaWQ..."}
    )


def _wechat_app() -> wechat.WeChatApp:
    config = current_app.config
    return wechat.WeChatApp(config["WECHAT_APP_ID"], config["WECHAT_APP_SECRET"], config["WECHAT_CODE2SESSION_URL"])


@blp.post("/wechat/session")
@limiter.limit("20 per minute;200 per hour")
@blp.arguments(WeChatCodeIn)
@blp.response(200)
def open_session(body: dict):
    """Trade a wx.login code for a 10-minute token carrying the openid (the session_key is never kept)."""
    return wechat.sign_in(db_session(), _wechat_app(), body["code"], current_app.config["SECRET_KEY"])


@blp.post("/wechat/enter")
@limiter.limit("30 per minute")
@blp.arguments(WeChatTokenIn)
@blp.response(200)
def enter(body: dict):
    """The web-view chat's conversation token, and a member token when the WeChat user is a linked member."""
    entry = wechat.enter(db_session(), current_app.config["SECRET_KEY"], body["token"], request_language())
    answer = {"conversation": conversation_token(entry["conversation"])}
    if entry["member_token"]:
        answer["member_token"] = entry["member_token"]
    return answer


@blp.post("/wechat/link")
@signed_in
@limiter.limit("10 per minute")
@blp.arguments(WeChatTokenIn)
@blp.response(200)
def link(body: dict):
    """The signed-in member claims the WeChat user: the mini-program then signs them in by itself."""
    return wechat.link(db_session(), current_app.config["SECRET_KEY"], body["token"], signed_in_member())
