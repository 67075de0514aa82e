"""WeChat mini-program sign-in.

``wx.login`` gives the mini-program a one-time code; code2Session trades it (with the app's secret) for
the user's openid, kept as a ``WechatIdentity`` (the session_key WeChat also sends is never kept). The
web-view page gets the openid only inside a 10-minute signed token, trades it for its chat conversation
(keyed ``wx:<openid>``) and, once a member has linked the openid, for a member token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import chat, members, timeutil
from .db import unit_of_work
from .errors import StoreError
from .models import ChatConversation, Member, WechatIdentity

TOKEN_TTL = timedelta(minutes=10)
TOKEN_SALT = "storelens-wechat-openid"  # a token signed for anything else never passes as this one
BUSY_RETRY_SECONDS = 5
# code2Session errcodes (WeChat's documentation): the shopper reopens, waits, or cannot sign in
INVALID_CODE = {40029, 40163}  # invalid code, code already used
BUSY = {-1, 45011}  # system busy, more than 100 logins a minute for one user
BLOCKED = {40226}  # a user WeChat rates high-risk


@dataclass(frozen=True)
class WeChatApp:
    """The mini-program's credentials and where code2Session answers."""

    app_id: str
    app_secret: str
    code2session_url: str
    timeout: float = 5.0


def _wechat_error(errcode: int) -> StoreError:
    if errcode in INVALID_CODE:
        return StoreError("wechat_code_invalid", 400)
    if errcode in BUSY:
        return StoreError("wechat_busy", 503, seconds=BUSY_RETRY_SECONDS)
    if errcode in BLOCKED:
        return StoreError("wechat_user_blocked", 403)
    return StoreError("wechat_rejected", 502, errcode=errcode)


def code2session(app: WeChatApp, code: str) -> str:
    """The openid behind a ``wx.login`` code, asked of WeChat."""
    if not (app.app_id and app.app_secret and app.code2session_url):
        raise StoreError("wechat_not_configured", 503)
    params = {"appid": app.app_id, "secret": app.app_secret, "js_code": code, "grant_type": "authorization_code"}
    try:
        answer = requests.get(app.code2session_url, params=params, timeout=app.timeout)
        answer.raise_for_status()
        body = json.loads(answer.text)  # WeChat labels its JSON text/plain
    except (requests.RequestException, ValueError):
        raise StoreError("wechat_unreachable", 502) from None
    if not isinstance(body, dict):
        raise StoreError("wechat_unreachable", 502)
    try:
        errcode = int(body.get("errcode") or 0)
    except (TypeError, ValueError):
        raise StoreError("wechat_unreachable", 502) from None
    if errcode:
        raise _wechat_error(errcode)
    openid = body.get("openid")
    if not isinstance(openid, str) or not 1 <= len(openid) <= 64:
        raise StoreError("wechat_unreachable", 502)
    return openid


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)


def _identity(session: Session, openid: str, now: datetime) -> WechatIdentity:
    identity = session.scalar(select(WechatIdentity).where(WechatIdentity.openid == openid))
    if identity:
        return identity
    try:
        with session.begin_nested():  # two first logins at once: the loser re-reads
            identity = WechatIdentity(openid=openid, created_at=now)
            session.add(identity)
    except IntegrityError:
        identity = session.scalar(select(WechatIdentity).where(WechatIdentity.openid == openid))
    return identity


@unit_of_work
def sign_in(session: Session, app: WeChatApp, code: str, secret_key: str, now: datetime | None = None) -> dict:
    """A ``wx.login`` code traded for a short-lived token carrying the openid (the web-view page's ``?wx=``)."""
    identity = _identity(session, code2session(app, code), now or timeutil.now())
    return {
        "token": _serializer(secret_key).dumps({"openid": identity.openid}),
        "expires_in": int(TOKEN_TTL.total_seconds()),
        "linked": identity.member_id is not None,
    }


def identity_for_token(session: Session, secret_key: str, token: str) -> WechatIdentity:
    """The WeChat user a token was signed for, or 401 (expired, forged, or the identity erased since)."""
    try:
        payload = _serializer(secret_key).loads(token, max_age=int(TOKEN_TTL.total_seconds()))
    except SignatureExpired:
        raise StoreError("wechat_token_expired", 401, minutes=int(TOKEN_TTL.total_seconds() // 60)) from None
    except BadData:
        raise StoreError("wechat_token_invalid", 401) from None
    openid = payload.get("openid") if isinstance(payload, dict) else None
    identity = session.scalar(select(WechatIdentity).where(WechatIdentity.openid == str(openid)))
    if identity is None:
        raise StoreError("wechat_token_invalid", 401)
    return identity


@unit_of_work
def enter(session: Session, secret_key: str, token: str, lang: str, now: datetime | None = None) -> dict:
    """The web-view's chat conversation and, for a linked member, a new device token."""
    identity = identity_for_token(session, secret_key, token)
    conversation = chat.conversation_for_key(session, f"wx:{identity.openid}", "miniprogram", lang)
    member = session.get(Member, identity.member_id) if identity.member_id else None
    member_token = members.issue_token(session, member, now or timeutil.now()) if member else None
    return {"conversation": conversation, "member_token": member_token}


@unit_of_work
def link(session: Session, secret_key: str, token: str, member: Member) -> dict:
    """The WeChat user becomes this member: later entries from the mini-program are signed in as them."""
    identity = identity_for_token(session, secret_key, token)
    session.execute(update(WechatIdentity).where(WechatIdentity.id == identity.id).values(member_id=member.id))
    return {"linked": True}


def forget_member(session: Session, member: Member) -> list[str]:
    """Erasure: the member's WeChat identities (openids) and their mini-program chats go; returns the chats'
    sender ids for the assistant to forget. Not committed."""
    keys = [
        f"wx:{openid}"
        for openid in session.scalars(select(WechatIdentity.openid).where(WechatIdentity.member_id == member.id))
    ]
    conversations = session.scalars(select(ChatConversation).where(ChatConversation.external_key.in_(keys))).all()
    senders = [chat.erase(session, conversation) for conversation in conversations]
    session.execute(delete(WechatIdentity).where(WechatIdentity.member_id == member.id))
    return senders
