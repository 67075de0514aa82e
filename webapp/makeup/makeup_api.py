"""Try-on JSON API: preset looks, a made-up photo, and the signed-in member's saved looks."""

import base64
import json

from flask import request
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from tryon.scenes import SCENES

from ..api.base import Blueprint, Choice, Code, Items, Number, Text, signed_in
from ..auth import member_token
from ..database import db_session
from ..limits import limiter
from ..store import StoreError, looks, tryon_photo
from .renders import photo_rate_limit, photo_upload

blp = Blueprint("makeup_api", __name__, description="Virtual makeup: looks, photo try-on, saved looks")


class LookItem(Schema):
    sku = Code(required=True)
    intensity = Number(0, 1)
    wing = fields.Boolean()


class SkinToneIn(Schema):
    ita = Number(-90, 90, required=True)
    category = Text(20, required=True)
    undertone = Text(20, required=True)


class LookIn(Schema):
    items = Items(fields.Nested(LookItem), looks.MAX_ITEMS, required=True)
    scene = Choice([*SCENES, "none"], allow_none=True)
    name = Text(60)
    consent = fields.Raw(metadata={"description": "must be exactly true: saving needs explicit consent"})
    skin_tone = fields.Nested(SkinToneIn, allow_none=True)


class PhotoIn(Schema):
    image = Upload(required=True)
    look = Text(20_000, required=True, metadata={"description": 'JSON: {"preset": …} or {"items": […], "scene": …}'})


def _look_field() -> object:
    raw = request.form.get("look")
    if not raw:
        raise StoreError("missing_field", field="look")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise StoreError("invalid_field", field="look", reason="not JSON") from None


@blp.get("/tryon/looks")
@blp.response(200)
def preset_looks():
    return {"looks": looks.presets(db_session())}


@blp.post("/tryon/makeup")
@limiter.limit(photo_rate_limit)
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": PhotoIn}}})
@blp.response(200)
def try_on_photo():
    """The made-up JPEG (data URL), faces found, skin tone and shade picks; the photo is never stored."""
    with photo_upload() as run:  # 413 or 503 before the body is read
        upload = request.files.get("image")
        if upload is None:
            raise StoreError("missing_field", field="image")
        jpeg, found = tryon_photo.try_on_photo(db_session(), upload.read(), _look_field(), run)
    return {"image": "data:image/jpeg;base64," + base64.b64encode(jpeg).decode(), **found}


@blp.post("/looks")
@signed_in
@blp.arguments(LookIn)
@blp.response(201)
def save_look(body: dict):
    return looks.save_look(db_session(), body, member_token())


@blp.get("/looks")
@signed_in
@blp.response(200)
def my_looks():
    return looks.member_data(db_session(), member_token())
