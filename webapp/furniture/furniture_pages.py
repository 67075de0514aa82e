from pathlib import Path

from flask import current_app, render_template, request, send_from_directory

from ..database import db_session
from ..store import furniture_catalog, room_plans
from . import bp


@bp.get("/furniture/<sku>")
def viewer(sku: str):
    return render_template("furniture.html", product=furniture_catalog.get_furniture(db_session(), sku))


@bp.get("/planner")
def planner():
    return render_template("planner.html", plan_code=request.args.get("plan", ""))


@bp.get("/room/<code>")
def room_ar(code: str):
    """The whole planned room in <model-viewer ar>, opened from the planner or a share code."""
    plan = room_plans.get_plan(db_session(), code)
    return render_template("room_ar.html", plan=plan)


@bp.get("/furniture/models/<name>")
def model_file(name: str):
    response = send_from_directory(Path(current_app.config["MODELS_DIR"]), name, mimetype="model/gltf-binary")
    response.cache_control.max_age = 3600
    return response
