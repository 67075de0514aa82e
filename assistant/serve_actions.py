"""Start the action server for Rasa alone: on loopback, and only for callers with the shared secret.

`rasa run actions` listens on every interface (rasa_sdk reads only ``SANIC_HOST``, default
0.0.0.0), answers any origin (CORS) and asks nobody for credentials, while the actions hold the
web app's service token. This launcher builds the same rasa_sdk app and serves it on
127.0.0.1 without CORS; every route but ``/health`` needs the header ``X-Actions-Token`` to
equal ``STORELENS_ACTIONS_TOKEN``, which Rasa sends (``action_endpoint.headers`` in
endpoints.yml). Run from assistant/:

    ../.venv-rasa/bin/python -m serve_actions --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

HOST = "127.0.0.1"
HEADER = "X-Actions-Token"
SECRET_VARIABLE = "STORELENS_ACTIONS_TOKEN"
OPEN_PATHS = ("/health",)


def secret_from_environment() -> bytes:
    secret = os.environ.get(SECRET_VARIABLE, "").strip()
    if len(secret) < 16:
        sys.exit(
            f"{SECRET_VARIABLE} is not set (or shorter than 16 characters): `make setup` writes it to "
            "instance/storelens.env, which `make run` loads."
        )
    return secret.encode()


def create_app(actions: str, secret: bytes):
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response

    app = create_sdk_app(actions, cors_origins=None)  # no CORS: browsers never call the action server

    @app.middleware("request")
    async def require_shared_secret(request):
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, secret):
            return response.json({"error": "forbidden"}, status=403)
        return None

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="the StoreLens action server, on loopback, for Rasa only")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--actions", default="actions", help="the package with the custom actions")
    args = parser.parse_args(argv)
    secret = secret_from_environment()

    from rasa_sdk import utils
    from rasa_sdk.plugin import plugin_manager

    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    app = create_app(args.actions, secret)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logging.getLogger(__name__).info("Action server on http://%s:%s (callers need %s)", HOST, args.port, HEADER)
    app.run(HOST, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
