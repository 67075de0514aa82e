"""The web app as the assistant tests run it: sign-in codes go to the in-memory SMS outbox
(``SMS_SENDER=memory``), and the test process, which runs in the Rasa environment and so cannot
import the app, reads the last code for a phone over loopback at ``/_test/sms-outbox/<phone>``.

Serve with one gunicorn worker (the outbox lives in that process):
``gunicorn --workers 1 "tests.assistant.outbox_app:create_app()"``. Never used outside the tests.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify

from webapp import create_app as create_webapp


def create_app() -> Flask:
    app = create_webapp()
    if app.config["SMS_SENDER"] != "memory":
        raise RuntimeError("the test web app must run with STORELENS_SMS_SENDER=memory")

    @app.get("/_test/sms-outbox/<phone>")
    def last_code(phone: str):
        code = app.extensions.get("sms_outbox", {}).get(phone)
        if code is None:
            abort(404)
        return jsonify(code=code)

    return app
