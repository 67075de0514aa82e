"""StoreLens web app: the Flask app factory."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .http import InMemoryRequest
from .store import Database

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = InMemoryRequest  # uploads (face photos) never go to temporary files
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY="",  # from STORELENS_SECRET_KEY (instance/storelens.env); no fallback
        PUBLIC_URL="http://127.0.0.1:5000",  # what share links and QR codes point at
        SMS_SENDER="log",  # log (development) | memory (tests) | webhook (an SMS gateway)
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'storelens.db'}",
        SERVICE_TOKEN="",  # the assistant's action server and other back ends (ERP sync); staff sign in to the console
        ASSETS_DIR=str(PROJECT_ROOT / "assets"),
        MODELS_DIR=str(Path(app.instance_path) / "models"),  # generated and imported GLBs
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SOCK_SERVER_OPTIONS={"ping_interval": 25, "max_message_size": 1024 * 1024},  # camera frames (720p < 1 MB)
        JSON_SORT_KEYS=False,
        # the advisor console's session cookie: HTTPS only whenever PUBLIC_URL is (None: follow it), never
        # read by scripts, not sent on cross-site posts; idle for PERMANENT_SESSION_LIFETIME ends the session
        SESSION_COOKIE_SECURE=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
        WTF_CSRF_CHECK_DEFAULT=False,  # webapp.auth.csrf checks console forms and cookie calls, not the token API
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its (idle-limited) session
        WECHAT_APP_ID="",  # the mini-program's AppID and AppSecret (WeChat's mp admin): empty = WeChat sign-in off
        WECHAT_APP_SECRET="",
        WECHAT_CODE2SESSION_URL="https://api.weixin.qq.com/sns/jscode2session",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env("STORELENS")
    else:
        app.config.from_mapping(test_config)
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_URL"].startswith("https://")
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    app.extensions["store_db"] = Database(app.config["DATABASE_URL"])

    from . import account, api, chat, cli, console, database, error_handlers, furniture, limits, makeup, pages, security

    security.init_app(app)
    database.init_app(app)
    error_handlers.init_app(app)
    limits.init_app(app)
    cli.init_app(app)
    account.init_app(app)
    chat.init_app(app)
    console.init_app(app)
    makeup.sock.init_app(app)
    api.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(makeup.bp)
    app.register_blueprint(furniture.bp)
    app.register_blueprint(chat.bp)
    return app
