import base64
import json

from flask import jsonify, request

from ..api import bp as api_bp
from ..api.params import json_body
from ..auth import member_token
from ..database import db_session
from ..limits import limiter
from ..store import StoreError, looks, tryon_photo
from .renders import photo_rate_limit, photo_upload


def _look_field() -> object:
    raw = request.form.get("look")
    if not raw:
        raise StoreError("missing_field", field="look")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise StoreError("invalid_field", field="look", reason="not JSON") from None


@api_bp.get("/tryon/looks")
def preset_looks():
    return jsonify(looks=looks.presets(db_session()))


@api_bp.post("/tryon/makeup")
@limiter.limit(photo_rate_limit)
def try_on_photo():
    """multipart: ``image`` (JPEG/PNG/WebP) and ``look`` (JSON) → the made-up JPEG and findings."""
    with photo_upload() as run:  # 413 or 503 before the body is read
        upload = request.files.get("image")
        if upload is None:
            raise StoreError("missing_field", field="image")
        jpeg, found = tryon_photo.try_on_photo(db_session(), upload.read(), _look_field(), run)
    return jsonify(image="data:image/jpeg;base64," + base64.b64encode(jpeg).decode(), **found)


@api_bp.post("/looks")
def save_look():
    return jsonify(looks.save_look(db_session(), json_body(), member_token())), 201


@api_bp.get("/looks")
def my_looks():
    return jsonify(looks.member_data(db_session(), member_token()))
