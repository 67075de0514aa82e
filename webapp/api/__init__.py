"""JSON API under /api/v1: thin routes over ``webapp.store`` services, one flask-smorest Blueprint per
feature module, every input declared by a marshmallow schema (see ``base``), the OpenAPI description
at /api/v1/openapi.json."""

from flask import Flask

from .base import JSON_LIMIT, SECURITY_SCHEMES, Api, JSONProvider, cap_json_body

PREFIX = "/api/v1"


def blueprints() -> list:
    from ..account import account_api
    from ..chat import chat_api
    from ..furniture import furniture_api
    from ..makeup import makeup_api
    from ..wechat import wechat_api
    from . import catalog_api, consultations_api, coupons_api, handoffs_api, repairs_api, stock_api

    return [
        catalog_api.blp,
        stock_api.blp,
        coupons_api.blp,
        repairs_api.blp,
        consultations_api.blp,
        handoffs_api.blp,
        furniture_api.blp,
        makeup_api.blp,
        account_api.blp,
        chat_api.blp,
        wechat_api.blp,
    ]


def register(app: Flask) -> None:
    """The API with its blueprints, its OpenAPI description, its JSON parsing and body limit."""
    app.json = JSONProvider(app)
    app.config.setdefault("JSON_MAX_CONTENT_LENGTH", JSON_LIMIT)
    app.config.update(
        API_TITLE="StoreLens API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app)
    for name, scheme in SECURITY_SCHEMES.items():
        if scheme.get("in") == "cookie":
            scheme = scheme | {"name": app.config["SESSION_COOKIE_NAME"]}
        api.spec.components.security_scheme(name, scheme)
    for blueprint in blueprints():
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    app.before_request(cap_json_body)
