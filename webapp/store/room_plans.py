"""Rooms (from dimensions or a scan), the fit check of a plan and its quote, and saved plans with
share codes. Geometry is ``tryon.floorplan``; this adds the catalog, stock and prices."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import trimesh
from sqlalchemy import select
from sqlalchemy.orm import Session

from tryon import floorplan, model_import, room_scene, scan

from ..text import both
from . import stock, timeutil, validate
from .codes import new_code
from .db import found, unit_of_work
from .errors import StoreError
from .furniture_catalog import furniture_product, model_name, model_problem
from .models import Product, RoomPlan

MAX_ITEMS = 60  # a room holds far fewer; each answer stays small (pairs of items are checked)
MAX_PROBLEMS = 50  # more is a pile-up: the first ones say what to move, and the answer stays bounded
FREE_DELIVERY_FROM = Decimal("3000")
DELIVERY_FEE = Decimal("199")


# --- rooms -------------------------------------------------------------------------------


def _metres(raw: dict, field: str, low: float, high: float, default: float | None = None) -> float:
    value = raw.get(field, default)
    if value is None:
        raise StoreError("missing_field", field=field)
    return validate.number(value, field, minimum=low, maximum=high)


def _openings(raw: dict, field: str) -> list[dict]:
    openings = raw.get(field, [])
    if not isinstance(openings, list) or len(openings) > 20 or not all(isinstance(o, dict) for o in openings):
        raise StoreError("invalid_field", field=field, reason="a list of objects")
    for opening in openings:
        if opening.get("wall") not in floorplan.WALLS:
            raise StoreError("invalid_field", field=f"{field}.wall", reason=", ".join(floorplan.WALLS))
    return openings


def parse_room(raw: object) -> floorplan.Room:
    if not isinstance(raw, dict):
        raise StoreError("invalid_field", field="room", reason="expected an object")
    width, depth = _metres(raw, "width", 0.5, 50), _metres(raw, "depth", 0.5, 50)
    doors = tuple(
        floorplan.Door(
            d["wall"],
            _metres(d, "offset", 0, 50),
            _metres(d, "width", 0.5, 3),
            "right" if d.get("hinge") == "right" else "left",
            d.get("swings_in", True) is not False,
        )
        for d in _openings(raw, "doors")
    )
    windows = tuple(
        floorplan.Window(
            w["wall"], _metres(w, "offset", 0, 50), _metres(w, "width", 0.2, 10), _metres(w, "sill_height", 0, 3, 0.9)
        )
        for w in _openings(raw, "windows")
    )
    return floorplan.Room(width, depth, _metres(raw, "height", 1.8, 10, 2.8), doors, windows)


def room_dict(room: floorplan.Room) -> dict:
    return {
        "width": room.width,
        "depth": room.depth,
        "height": room.height,
        "doors": [vars(d) for d in room.doors],
        "windows": [vars(w) for w in room.windows],
    }


def room_from_scan(data: bytes, file_type: str) -> dict:
    try:
        scanned = scan.room_from_scan(model_import.load_mesh(data, file_type.lower().lstrip(".")))
    except model_import.ModelInputError as error:
        raise model_problem(error) from None
    except ValueError as error:
        raise StoreError("invalid_scan", 422, reason=str(error)) from None
    room = floorplan.Room(round(scanned.width, 2), round(scanned.depth, 2), round(scanned.height, 2))
    return {**room_dict(room), "scan": {"floor_y": round(scanned.floor_y, 3), "angle": round(scanned.angle, 1)}}


# --- plans: fit check and quote ------------------------------------------------------------


def _plan_items(session: Session, raw_items: object) -> list[tuple[floorplan.Item, Product, str | None]]:
    if not isinstance(raw_items, list) or len(raw_items) > MAX_ITEMS:
        raise StoreError("invalid_field", field="items", reason=f"a list of up to {MAX_ITEMS} items")
    placed = []
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise StoreError("invalid_field", field="items", reason="each item is an object")
        product = furniture_product(session, raw.get("sku"))
        variant = raw.get("variant")
        if variant is not None and variant not in {v["id"] for v in product.variants}:
            raise StoreError("invalid_field", field="variant", reason=f"{product.sku} has no variant {variant!r}")
        item = floorplan.Item(
            str(raw.get("id") or f"{product.sku}#{index + 1}"),
            product.width_m,
            product.depth_m,
            product.height_m,
            _metres(raw, "x", -50, 100),
            _metres(raw, "z", -50, 100),
            _metres(raw, "rotation", -3600, 3600, 0.0),
            _metres(raw, "elevation", -10, 10, 0.0),
        )
        placed.append((item, product, variant))
    return placed


def _problem_dict(problem: floorplan.Problem, names: dict[str, tuple[str, str]], walkway: float) -> dict:
    labels = tuple(" / ".join(names[i][k] for i in problem.items) for k in (0, 1))
    error = StoreError(
        f"fit_{problem.code}", 422, items=labels, cm=round(problem.distance * 100), walkway=round(walkway * 100)
    )
    return {
        "code": problem.code,
        "severity": problem.severity,
        "items": list(problem.items),
        "distance_m": problem.distance,
        "message": {"zh": error.message("zh"), "en": error.message("en")},
        **problem.detail,
    }


def quote(session: Session, placed, origin: dict | None) -> dict:
    counts = Counter((product.sku, variant) for _item, product, variant in placed)
    products = {product.sku: product for _item, product, _variant in placed}
    lines, total, all_nearby = [], Decimal(0), True
    for (sku, variant), quantity in counts.items():
        product = products[sku]
        nearby = stock.nearby_stock(session, sku, **origin)["results"][:3] if origin else None
        enough = bool(nearby) and max(r["quantity"] for r in nearby) >= quantity
        all_nearby = all_nearby and enough
        lines.append(
            {
                "sku": sku,
                "variant": variant,
                "name": {"zh": product.name_zh, "en": product.name_en},
                "unit_price": float(product.price),
                "quantity": quantity,
                "subtotal": float(product.price * quantity),
                "stock": [
                    {
                        "store": r["store"]["code"],
                        "name": r["store"]["name"],
                        "quantity": r["quantity"],
                        "distance_km": r["distance_km"],
                    }
                    for r in nearby
                ]
                if nearby is not None
                else None,
            }
        )
        total += product.price * quantity
    delivery = Decimal(0) if total >= FREE_DELIVERY_FROM or not lines else DELIVERY_FEE
    days = "2–3" if origin and all_nearby else "7–14"
    return {
        "lines": lines,
        "items_total": float(total),
        "delivery_fee": float(delivery),
        "total": float(total + delivery),
        "delivery_note": both("delivery_note", days=days, free_from=f"{FREE_DELIVERY_FROM:.0f}"),
    }


def _origin(raw: dict) -> dict | None:
    if raw.get("store"):
        return {"store_code": str(raw["store"])}
    if raw.get("lat") is not None and raw.get("lon") is not None:
        return {
            "lat": validate.number(raw["lat"], "lat", -90, 90),
            "lon": validate.number(raw["lon"], "lon", -180, 180),
        }
    return None


def check_plan(session: Session, body: dict) -> dict:
    """Does everything fit, what gets in the way, and what it costs."""
    room = parse_room(body.get("room"))
    walkway = _metres(body, "walkway", 0.3, 2.0, 0.6)
    placed = _plan_items(session, body.get("items", []))
    names = {item.id: (product.name_zh, product.name_en) for item, product, _ in placed}
    problems = floorplan.check(room, [item for item, _, _ in placed], walkway)
    return {
        "fits": not any(p.severity == "error" for p in problems),
        "problems": [_problem_dict(p, names, walkway) for p in problems[:MAX_PROBLEMS]],
        "quote": quote(session, placed, _origin(body)),
    }


@unit_of_work
def save_plan(session: Session, body: dict, now: datetime | None = None) -> dict:
    room = parse_room(body.get("room"))
    placed = _plan_items(session, body.get("items", []))
    items = [
        {"id": item.id, "sku": product.sku, "variant": variant, "x": item.x, "z": item.z, "rotation": item.rotation}
        for item, product, variant in placed
    ]
    plan = RoomPlan(code=new_code("P", 6), room=room_dict(room), items=items, created_at=now or timeutil.now())
    session.add(plan)
    session.flush()
    return {"code": plan.code, "room": plan.room, "items": plan.items, "created_at": timeutil.to_iso(plan.created_at)}


def _saved(session: Session, code: object) -> RoomPlan:
    return found(
        session.scalar(select(RoomPlan).where(RoomPlan.code == str(code or "").strip().upper())),
        "plan_not_found",
        plan=code,
    )


def get_plan(session: Session, code: object) -> dict:
    plan = _saved(session, code)
    checked = check_plan(session, {"room": plan.room, "items": plan.items})
    return {
        "code": plan.code,
        "room": plan.room,
        "items": plan.items,
        "created_at": timeutil.to_iso(plan.created_at),
        **checked,
    }


# --- the whole room as one scene -----------------------------------------------------------


def plan_scene(session: Session, code: object, models_dir: Path, with_walls: bool = False) -> bytes:
    """A saved plan as one GLB at true scale: every item in its variant at its place and turn, the
    floor outline and optionally the walls (the room's bounds are the scene's)."""
    plan = _saved(session, code)
    room = parse_room(plan.room)
    products = {p.sku: p for _item, p, _variant in _plan_items(session, plan.items)}
    placed, sizes = [], {}
    for raw in plan.items:
        product = products[raw["sku"]]
        variant = raw.get("variant") or (product.variants[0]["id"] if product.variants else None)
        key = model_name(product.sku, variant) if variant else product.model_file
        colour = next((v["color_hex"] for v in product.variants if v["id"] == variant), "#BDB6AE")
        sizes[key] = (product.width_m, product.depth_m, product.height_m, colour)
        placed.append(room_scene.Placed(key, raw["x"], raw["z"], raw.get("rotation", 0.0), raw.get("elevation", 0.0)))

    def model(key: str) -> trimesh.Scene:
        path = models_dir / key
        # a model not yet built still stands in the room as a box of its true size
        return room_scene.load_glb(path.read_bytes()) if path.is_file() else room_scene.placeholder(*sizes[key])

    return room_scene.to_glb(room_scene.room_scene(room, placed, model, with_walls))
