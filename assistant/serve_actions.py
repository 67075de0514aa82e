"""Start the action server for Rasa alone: on loopback, and only for callers with the shared secret.

`rasa run actions` listens on every interface (rasa_sdk reads only ``SANIC_HOST``, default
0.0.0.0), answers any origin (CORS) and asks nobody for credentials, while the actions hold the
web app's service token. This launcher builds the same rasa_sdk app and serves it on
127.0.0.1 without CORS; every route but ``/health`` needs the header ``X-Actions-Token`` to
equal ``STORELENS_ACTIONS_TOKEN``, which Rasa sends (``action_endpoint.headers`` in
endpoints.yml). Run from assistant/:

    ../.venv-rasa/bin/python -m serve_actions --port 5055

rasa_sdk runs a plain ``def run`` (and a form's sync ``validate_*``) on its event loop, so one
action waiting on the store API held up every other conversation: each action call runs here on
a worker thread instead (``ACTION_THREADS``, default 16), with its own event loop for async code.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import inspect
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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


def _finish(run: Callable, *args: Any) -> Any:
    result = run(*args)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def on_threads(run: Callable, pool: ThreadPoolExecutor) -> Callable:
    """An action's ``run`` as a coroutine that waits for it on ``pool``: blocking HTTP inside an
    action no longer stalls the server's event loop."""

    async def threaded(dispatcher, tracker, domain):
        return await asyncio.get_running_loop().run_in_executor(pool, _finish, run, dispatcher, tracker, domain)

    return threaded


def create_app(actions: str, secret: bytes, threads: int = 16):
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor
    from sanic import response

    pool = ThreadPoolExecutor(threads, thread_name_prefix="action")

    class ThreadedExecutor(ActionExecutor):
        def register_function(self, name, f) -> None:
            super().register_function(name, on_threads(f, pool))

    # rasa_sdk builds its executor inside create_app and offers no other way to choose it
    endpoint.ActionExecutor = ThreadedExecutor
    app = endpoint.create_app(actions, cors_origins=None)  # no CORS: browsers never call the action server

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
    app = create_app(args.actions, secret, int(os.environ.get("ACTION_THREADS", "16")))
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logging.getLogger(__name__).info("Action server on http://%s:%s (callers need %s)", HOST, args.port, HEADER)
    app.run(HOST, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
