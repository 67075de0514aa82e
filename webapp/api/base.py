"""What every JSON API route declares its input with (flask-smorest, marshmallow): a Blueprint whose
parser turns any schema failure into a StoreError (400, zh/en, naming the field), and bounded fields —
every string, number, date and list has limits, so no input reaches a service, the database or an
answer unbounded."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime

import flask_smorest
from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import MultiDict

from ..auth import require_role, signed_in_member
from ..store import StoreError, timeutil
from ..store.timeutil import YEARS
from ..text import translate

MAX_ID = 2**31 - 1  # ids are 32-bit in both databases
JSON_LIMIT = 256 * 1024  # a JSON body is parsed whole in memory; uploads keep MAX_CONTENT_LENGTH
# no NUL (PostgreSQL text refuses it) and no lone surrogate (not encodable as UTF-8)
CLEAN_TEXT = r"^[^\x00\ud800-\udfff]*$"
ROLE_SCHEMES = {"staff": "staffSession", "service": "serviceToken"}
SECURITY_SCHEMES = {
    "staffSession": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",  # webapp.api.register puts the app's SESSION_COOKIE_NAME here
        "description": "store staff signed in at /advisor/login: the console's session cookie; state-changing"
        " calls also send the console page's CSRF token in header X-CSRFToken. Acts for the advisor's own store.",
    },
    "serviceToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "STORELENS_SERVICE_TOKEN: back ends (the assistant, ERP sync)",
    },
    "memberToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Member-Token",
        "description": "device token of a member signed in by SMS code",
    },
}


# --- fields ------------------------------------------------------------------------------


def Text(max_length: int, *, min_length: int = 0, pattern: str = CLEAN_TEXT, **kwargs) -> fields.String:
    """Text of at most ``max_length`` characters (never more than its column)."""
    return fields.String(validate=[validate.Length(min_length, max_length), validate.Regexp(pattern)], **kwargs)


def Code(**kwargs) -> fields.String:
    """An identifier: store code, SKU, campaign, booking or plan code."""
    return Text(40, min_length=1, **kwargs)


def Choice(values, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kwargs)


def Number(minimum: float, maximum: float, **kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(minimum, maximum), **kwargs)


def Items(inner: fields.Field, max_items: int, **kwargs) -> fields.List:
    return fields.List(inner, validate=validate.Length(max=max_items), **kwargs)


class Integer(fields.Integer):
    """A whole number in [minimum, maximum] (ids by default); 3.0 is 3, but 3.5 is refused, not truncated."""

    def __init__(self, minimum: int = 1, maximum: int = MAX_ID, **kwargs) -> None:
        super().__init__(validate=validate.Range(minimum, maximum), **kwargs)

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Moment(fields.DateTime):
    """An ISO 8601 date or date/time within ``YEARS``, as naive Shanghai time like every time in the store."""

    def __init__(self, **kwargs) -> None:
        super().__init__(metadata={"maxLength": 40, "description": f"ISO 8601, years {YEARS[0]}–{YEARS[1]}"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        try:
            moment = datetime.fromisoformat(value.strip())
        except (AttributeError, ValueError):
            raise self.make_error("invalid", input=value, obj_type="datetime") from None
        if len(value) > 40 or not YEARS[0] <= moment.year <= YEARS[1]:  # checked before the offset can overflow
            raise self.make_error("invalid", input=value, obj_type="datetime")
        return moment.astimezone(timeutil.SHANGHAI).replace(tzinfo=None) if moment.tzinfo else moment


class MomentText(Moment):
    """As Moment, handed on as ISO text to services that parse times themselves."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


class ErrorSchema(Schema):
    """The one error shape (documentation only; webapp.error_handlers renders it)."""

    class Detail(Schema):
        class Meta:
            unknown = INCLUDE  # some errors say more, e.g. sign_in_url

        code = fields.String(required=True)
        message = fields.String(required=True)

    error = fields.Nested(Detail, required=True)


# --- schema failures as StoreErrors --------------------------------------------------------


def _reason(key: str, **params: object) -> tuple[str, str]:
    return translate(key, "zh", **params), translate(key, "en", **params)


def _number(value: float) -> str:
    return f"{value:g}"


def _expected(field: fields.Field | None) -> tuple[str, str]:
    """What a field takes, from its declaration, in zh and en: the reason given for any failure on it."""
    checks = {type(v): v for v in field.validators} if field is not None else {}
    length, bounds, pattern = checks.get(validate.Length), checks.get(validate.Range), checks.get(validate.Regexp)
    if field is None:
        return _reason("unknown_field")
    if isinstance(field, fields.List) and length:
        return _reason("expect_list", max=length.max)
    if isinstance(field, fields.Nested):
        return _reason("expect_object")
    if isinstance(field, fields.DateTime):
        return _reason("expect_moment", first=YEARS[0], last=YEARS[1])
    if isinstance(field, fields.Boolean):
        return _reason("expect_boolean")
    if validate.OneOf in checks:
        return _reason("expect_choice", choices=", ".join(checks[validate.OneOf].choices))
    if isinstance(field, fields.Integer) and bounds:
        return _reason("expect_integer", min=bounds.min, max=bounds.max)
    if isinstance(field, fields.Number) and bounds:
        return _reason("expect_number", min=_number(bounds.min), max=_number(bounds.max))
    if pattern and "example" in field.metadata:
        return _reason("expect_format", example=field.metadata["example"])
    if isinstance(field, fields.String) and length:
        return _reason("expect_text", min=length.min, max=length.max)
    return _reason("expect_valid")


def _child(node: Schema | fields.Field | None, key: object) -> Schema | fields.Field | None:
    if isinstance(node, fields.Nested):
        node = node.schema
    if isinstance(node, fields.List):
        return node.inner
    if isinstance(node, Schema):
        return next((f for name, f in node.fields.items() if (f.data_key or name) == key), None)
    return None


def _safe(key: object) -> str:
    """A path part fit to quote back: short, and UTF-8 even when the caller sent a lone surrogate."""
    return str(key)[:40].encode("utf-8", "backslashreplace").decode()


def schema_error(messages: dict, schema: Schema) -> StoreError:
    """The first failure in marshmallow's nested ``{location: {field: [messages]}}`` as a StoreError."""
    location, errors = next(iter(messages.items()))
    path, node = [], schema
    while isinstance(errors, dict):
        key, errors = next(iter(errors.items()))
        if key == "_schema":
            break
        path.append(_safe(key))
        node = _child(node, key)
    if not path and location == "json":  # the body is not a JSON object
        return StoreError("invalid_json")
    if errors and errors[0] in (
        fields.Field.default_error_messages["required"],
        fields.Field.default_error_messages["null"],
    ):
        return StoreError("missing_field", field=".".join(path))
    return StoreError("invalid_field", field=".".join(path), reason=_expected(node))


def required_error(field: str) -> ValidationError:
    """For a schema-level check that found a field missing (reported as ``missing_field``)."""
    return ValidationError(fields.Field.default_error_messages["required"], field)


# --- parsing -----------------------------------------------------------------------------


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where anything unreadable — nested too deeply (RecursionError), an integer of
    thousands of digits (ValueError) — is malformed JSON, a 400, for webargs and get_json alike."""

    ensure_ascii = False  # Chinese stays readable in answers
    sort_keys = False

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as error:
            raise json.JSONDecodeError(f"unreadable JSON ({type(error).__name__})", "<body>", 0) from None


class StoreParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return current_app.json.loads(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise StoreError("invalid_json")

    def load_querystring(self, req, schema):
        # ``?store=`` means "not given", as browsers send unfilled form fields
        return self._makeproxy(MultiDict([(k, v) for k, v in req.args.items(multi=True) if v != ""]), schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise schema_error(error.messages, schema)


class Blueprint(flask_smorest.Blueprint):
    """Every JSON API blueprint: schema failures answer in the one error shape."""

    ARGUMENTS_PARSER = StoreParser()


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """None: webapp.error_handlers renders every error, this API's included."""


def json_body(schema: Schema) -> dict:
    """The JSON body loaded with ``schema``, for the routes that take JSON or an upload."""
    return Blueprint.ARGUMENTS_PARSER.parse(schema, location="json")


def cap_json_body() -> None:
    if request.is_json:
        request.max_content_length = min(
            current_app.config["JSON_MAX_CONTENT_LENGTH"], current_app.config["MAX_CONTENT_LENGTH"] or JSON_LIMIT
        )


def signed_in(view: Callable) -> Callable:
    """The route serves the signed-in member's own data: 401 before the input is read, declared in the OpenAPI."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        signed_in_member()
        return view(*args, **kwargs)

    return Blueprint.doc(security=[{"memberToken": []}])(guarded)


def requires(*roles: str) -> Callable:
    """``webapp.auth.require_role``, checked before the input is read, and declared in the OpenAPI."""

    def decorate(view: Callable) -> Callable:
        return Blueprint.doc(security=[{ROLE_SCHEMES[role]: []} for role in roles])(require_role(*roles)(view))

    return decorate
