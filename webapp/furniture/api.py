import io

import segno
from flask import jsonify, request, url_for

from ..api import bp as api_bp
from ..api.params import json_body, origin_args, query_number
from ..database import db_session
from ..store import StoreError, furniture


def _with_urls(item: dict) -> dict:
    to_url = lambda name: url_for("furniture.model_file", name=name)  # noqa: E731
    return {**item, "model_url": to_url(item["model"]),
            "variants": [{**v, "model_url": to_url(v["model"])} for v in item["variants"]],
            "page_url": url_for("furniture.viewer", sku=item["sku"])}


@api_bp.get("/furniture")
def list_furniture():
    return jsonify(items=[_with_urls(i) for i in furniture.list_furniture(db_session())])


@api_bp.get("/furniture/fits")
def what_fits():
    origin = origin_args()
    width, depth = query_number("width", minimum=0.1, maximum=50), query_number("depth", minimum=0.1, maximum=50)
    if width is None or depth is None:
        raise StoreError("missing_field", field="width/depth")
    items = furniture.what_fits(db_session(), width, depth, query_number("height", minimum=0.1, maximum=10), origin)
    return jsonify(items=[_with_urls(i) for i in items])


@api_bp.get("/furniture/<sku>")
def get_furniture(sku: str):
    return jsonify(_with_urls(furniture.get_furniture(db_session(), sku)))


@api_bp.post("/rooms")
def make_room():
    """A room from dimensions (JSON) or from a scan upload (multipart ``scan``: GLB, OBJ, PLY)."""
    upload = request.files.get("scan")
    if upload is not None:
        file_type = (upload.filename or "").rsplit(".", 1)[-1]
        return jsonify(furniture.room_from_scan(upload.read(), file_type))
    return jsonify(furniture.room_dict(furniture.parse_room(json_body())))


@api_bp.post("/plans/check")
def check_plan():
    return jsonify(furniture.check_plan(db_session(), json_body()))


def _share(code: str) -> dict:
    link = url_for("furniture.planner", plan=code, _external=True)
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=4, border=2)
    return {"share_url": link, "qr_svg": svg.getvalue().decode()}


@api_bp.post("/plans")
def save_plan():
    saved = furniture.save_plan(db_session(), json_body())
    return jsonify({**saved, **_share(saved["code"])}), 201


@api_bp.get("/plans/<code>")
def get_plan(code: str):
    plan = furniture.get_plan(db_session(), code)
    return jsonify({**plan, **_share(plan["code"])})
