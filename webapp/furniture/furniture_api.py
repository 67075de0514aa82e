import io
from pathlib import Path

import segno
from flask import Response, current_app, request, url_for
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from tryon.floorplan import WALLS

from ..api.base import Blueprint, Choice, Code, Items, Number, Text, json_body, requires
from ..api.catalog_api import OriginQuery, origin
from ..database import db_session
from ..limits import limiter
from ..security import public_url
from ..store import StoreError, furniture_catalog, furniture_import, room_plans

blp = Blueprint("furniture_api", __name__, description="Furniture with 3D models, rooms, room plans")


class Door(Schema):
    wall = Choice(WALLS, required=True)
    offset = Number(0, 50, required=True)
    width = Number(0.5, 3, required=True)
    hinge = Choice(("left", "right"))
    swings_in = fields.Boolean()


class Window(Schema):
    wall = Choice(WALLS, required=True)
    offset = Number(0, 50, required=True)
    width = Number(0.2, 10, required=True)
    sill_height = Number(0, 3)


class Room(Schema):
    width = Number(0.5, 50, required=True)
    depth = Number(0.5, 50, required=True)
    height = Number(1.8, 10)
    doors = Items(fields.Nested(Door), 20)
    windows = Items(fields.Nested(Window), 20)


class ScanUpload(Schema):
    scan = Upload(required=True, metadata={"description": "GLB, OBJ or PLY"})


class PlanItem(Schema):
    id = Text(40, min_length=1)
    sku = Code(required=True)
    variant = Code(allow_none=True)
    x = Number(-50, 100, required=True)
    z = Number(-50, 100, required=True)
    rotation = Number(-3600, 3600)
    elevation = Number(-10, 10)


class Plan(Schema):
    room = fields.Nested(Room, required=True)
    items = Items(fields.Nested(PlanItem), room_plans.MAX_ITEMS)
    walkway = Number(0.3, 2.0)
    store = Code()
    lat = Number(-90, 90)
    lon = Number(-180, 180)


class FitsQuery(OriginQuery):
    width = Number(0.1, 50, required=True)
    depth = Number(0.1, 50, required=True)
    height = Number(0.1, 10)


class ImportUpload(Schema):
    archive = Upload(required=True, metadata={"description": "ZIP: manifest.csv or manifest.json and the files"})


class SceneQuery(Schema):
    walls = fields.Boolean(load_default=False)


class SkuPath(Schema):
    sku = Code(required=True)


class PlanPath(Schema):
    code = Code(required=True)


def _with_urls(item: dict) -> dict:
    to_url = lambda name: url_for("furniture.model_file", name=name)  # noqa: E731
    return {
        **item,
        "model_url": to_url(item["model"]),
        "variants": [{**v, "model_url": to_url(v["model"])} for v in item["variants"]],
        "page_url": url_for("furniture.viewer", sku=item["sku"]),
    }


@blp.get("/furniture")
@blp.response(200)
def list_furniture():
    return {"items": [_with_urls(i) for i in furniture_catalog.list_furniture(db_session())]}


@blp.get("/furniture/fits")
@blp.arguments(FitsQuery, location="query")
@blp.response(200)
def what_fits(query: dict):
    items = furniture_catalog.what_fits(
        db_session(), query["width"], query["depth"], query.get("height"), origin(query)
    )
    return {"items": [_with_urls(i) for i in items]}


@blp.get("/furniture/<sku>")
@blp.arguments(SkuPath, location="path", as_kwargs=True)
@blp.response(200)
def get_furniture(sku: str):
    return _with_urls(furniture_catalog.get_furniture(db_session(), sku))


@blp.post("/rooms")
@blp.doc(
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": Room}, "multipart/form-data": {"schema": ScanUpload}},
    }
)
@blp.response(200)
def make_room():
    """A room from dimensions (JSON) or from a scan upload (multipart ``scan``: GLB, OBJ, PLY)."""
    upload = request.files.get("scan")
    if upload is not None:
        return room_plans.room_from_scan(upload.read(), (upload.filename or "").rsplit(".", 1)[-1])
    return room_plans.room_dict(room_plans.parse_room(json_body(Room)))


@blp.post("/plans/check")
@blp.arguments(Plan)
@blp.response(200)
def check_plan(plan: dict):
    return room_plans.check_plan(db_session(), plan)


def _share(code: str) -> dict:
    link = public_url("furniture.planner", plan=code)  # never the request's Host: a forged one would poison QR codes
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=4, border=2)
    return {"share_url": link, "qr_svg": svg.getvalue().decode()}


@blp.post("/plans")
@blp.arguments(Plan)
@blp.response(201)
def save_plan(plan: dict):
    saved = room_plans.save_plan(db_session(), plan)
    return {**saved, **_share(saved["code"])}


@blp.get("/plans/<code>")
@blp.arguments(PlanPath, location="path", as_kwargs=True)
@blp.response(200)
def get_plan(code: str):
    plan = room_plans.get_plan(db_session(), code)
    return {**plan, **_share(plan["code"])}


@blp.get("/plans/<code>/scene.glb")
@limiter.limit("30 per minute")  # each one is built on request (~35 ms for 30 items)
@blp.arguments(PlanPath, location="path", as_kwargs=True)
@blp.arguments(SceneQuery, location="query", as_kwargs=True)
def plan_scene(code: str, walls: bool):
    """The saved plan's whole room as one GLB at true scale (for AR), by its share code."""
    glb = room_plans.plan_scene(db_session(), code, Path(current_app.config["MODELS_DIR"]), walls)
    response = Response(glb, mimetype="model/gltf-binary")
    response.cache_control.max_age = 300
    return response


@blp.post("/furniture/imports")
@requires("staff")
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": ImportUpload}}})
@blp.response(200)
def import_furniture():
    """Vendor models in bulk (ZIP with a manifest): each row imported, scaled or refused with its reason."""
    upload = request.files.get("archive")
    if upload is None:
        raise StoreError("missing_field", field="archive")
    source = furniture_import.zip_source(upload.read())
    return furniture_import.import_batch(db_session(), source, Path(current_app.config["MODELS_DIR"]))
