"""Every API failure has one shape: ``{"error": {"code", "message"}}`` in zh or en."""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .i18n import request_language
from .store import StoreError

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def error_response(error: StoreError) -> tuple[Response, int]:
    return jsonify(error={"code": error.code, "message": error.message(request_language())}), error.status


def _store_error(error: StoreError):
    return error_response(error)


def _http_error(error: HTTPException):
    if not request.path.startswith("/api/"):
        return error
    code = HTTP_CODES.get(error.code or 400, "bad_request")
    params = {"limit": "16 MB"} if code == "payload_too_large" else {}
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
