"""Try-on JSON API: preset looks, a made-up photo, and the signed-in member's saved looks."""

import base64
import json

from flask import request
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from tryon import look_spec
from tryon.masks import MASCARA_STYLES
from tryon.scenes import SCENES

from ..api.base import Blueprint, Choice, Code, Items, Number, Text, signed_in
from ..auth import member_token
from ..database import db_session
from ..limits import limiter
from ..store import StoreError, looks, recommendations, shade_match, tryon_photo
from .renders import photo_rate_limit, photo_upload

blp = Blueprint("makeup_api", __name__, description="Virtual makeup: looks, photo try-on, saved looks")


class LookItem(Schema):
    sku = Code(required=True)
    intensity = Number(0, 1)
    wing = fields.Boolean()
    lashes = Choice(MASCARA_STYLES, metadata={"description": "mascara only: the lash style (default natural)"})


class SkinToneIn(Schema):
    ita = Number(-90, 90, required=True)
    category = Text(20, required=True)
    undertone = Text(20, required=True)


class LookIn(Schema):
    items = Items(fields.Nested(LookItem), looks.MAX_ITEMS, required=True)
    scene = Choice([*SCENES, "none"], allow_none=True)
    smoothing = Number(0, 1, metadata={"description": "skin smoothing of the whole look, texture kept (default 0)"})
    name = Text(60)
    consent = fields.Raw(metadata={"description": "must be exactly true: saving needs explicit consent"})
    skin_tone = fields.Nested(SkinToneIn, allow_none=True)


class PhotoIn(Schema):
    image = Upload(required=True)
    look = Text(
        20_000,
        required=True,
        metadata={"description": 'JSON: {"preset": …} or {"items": […], "scene": …, "smoothing": 0..1}'},
    )
    face = Text(5, metadata={"description": 'group photos: the face to make up, 0 = leftmost, or "all" (default)'})


class CopyLookIn(Schema):
    image = Upload(required=True, metadata={"description": "a made-up face photo; measured in memory, never stored"})
    store = Code(metadata={"description": "store code: stock near this store"})
    lat = Text(20, metadata={"description": "or a position: stock near it"})
    lon = Text(20)


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


@blp.get("/tryon/spec")
@blp.response(200)
def render_spec():
    """Regions, feathers, opacities and finishes the server engine uses: the on-device renderer's source."""
    return look_spec.spec()


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
        jpeg, found = tryon_photo.try_on_photo(
            db_session(), upload.read(), _look_field(), run, request.form.get("face")
        )
    return {"image": "data:image/jpeg;base64," + base64.b64encode(jpeg).decode(), **found}


@blp.post("/tryon/copy-look")
@limiter.limit(photo_rate_limit)
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": CopyLookIn}}})
@blp.response(200)
def copy_look():
    """Lip, eyeshadow, blush and brow colours and finishes of a reference photo, each with the
    nearest in-stock shades (CIEDE2000) and nearby stock; the photo is never stored."""
    with photo_upload() as run:  # 413 or 503 before the body is read
        upload = request.files.get("image")
        if upload is None:
            raise StoreError("missing_field", field="image")
        form = request.form
        return shade_match.copy_look(
            db_session(), upload.read(), run, form.get("store"), form.get("lat"), form.get("lon")
        )


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


class SharePath(Schema):
    code = Code(required=True)


@blp.get("/looks/<code>")
@blp.arguments(SharePath, location="path", as_kwargs=True)
@blp.response(200)
def shared_look(code: str):
    """A saved look by its share code: products, shades and intensities only (no photo is ever kept)."""
    return looks.look_by_share_code(db_session(), code)


@blp.get("/recommendations/<code>")
@blp.arguments(SharePath, location="path", as_kwargs=True)
@blp.response(200)
def shared_recommendation(code: str):
    """An advisor's recommendation list by its share code: each product with the advisor's note."""
    return recommendations.get(db_session(), code)
