"""Every API failure has one shape: ``{"error": {"code", "message"}}`` in zh or en."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .i18n import request_language
from .limits import retry_after
from .security import public_url
from .store import StoreError

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 429: "rate_limited"}


# errors a person fixes on a page: the answer links to it, so no client builds the URL itself
ERROR_PAGES = {"sign_in_required": ("sign_in_url", "account.sign_in")}


def error_response(error: StoreError) -> tuple[Response, int]:
    body = {"code": error.code, "message": error.message(request_language())}
    if error.code in ERROR_PAGES:
        field, endpoint = ERROR_PAGES[error.code]
        body[field] = public_url(endpoint, lang=request_language())
    response = jsonify(error=body)
    if error.status in (429, 503) and "seconds" in error.params:
        response.headers["Retry-After"] = str(error.params["seconds"])
    return response, error.status


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"


def _store_error(error: StoreError):
    return error_response(error)


def _http_error(error: HTTPException):
    if not request.path.startswith("/api/"):
        return error
    code = HTTP_CODES.get(error.code or 400, "bad_request")
    params = {}
    if code == "payload_too_large":
        params["limit"] = _size(request.max_content_length or 0)
    elif code == "rate_limited":
        params["seconds"] = retry_after()
    return error_response(StoreError(code, error.code or 400, **params))


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    if not request.path.startswith("/api/"):
        raise error
    current_app.logger.exception("unhandled error on %s", request.path)
    return error_response(StoreError("internal", 500))


def init_app(app: Flask) -> None:
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
