"""Makeup looks (presets and members' saved ones), consent-gated saving and deletion.

A look spec from outside is ``{"preset": "party"}`` or ``{"items": [{"sku", "intensity",
"wing", "lashes"}], "scene": "daylight", "smoothing": 0.3}``; ``resolve`` turns it into ``tryon``
applications from the catalog, so colours and finishes always come from the product data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tryon.makeup import Application
from tryon.masks import MASCARA_STYLES
from tryon.scenes import SCENES
from tryon.skin import Shade, SkinTone

from ..text import both
from . import codes, timeutil
from .catalog import product_dict
from .db import found, unit_of_work
from .errors import StoreError
from .members import member_for_token
from .models import Look, Member, Product, SkinAnalysis

MAX_ITEMS = 10
WEAR = ("intensity", "wing", "lashes")  # how an item is worn: the Application fields of the same names


def _invalid(reason: str) -> StoreError:
    return StoreError("invalid_field", field="look", reason=reason)


def _refused(key: str, expected: str, **params: object) -> StoreError:
    """A look setting out of range, with what it takes in zh and en."""
    return StoreError("invalid_field", field=f"look.{key}", reason=tuple(both(expected, **params).values()))


def _fraction(raw: dict, key: str, default: float) -> float:
    value = raw.get(key, default)
    # bool is an int to Python, and NaN fails every comparison, so both are refused here
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise _refused(key, "expect_number", min=0, max=1)
    return float(value)


def _items(session: Session, raw_items: object, minimum: int = 0) -> list[dict]:
    """Validated items with their catalog products."""
    if not isinstance(raw_items, list) or not minimum <= len(raw_items) <= MAX_ITEMS:
        raise _invalid(f"'items' must be a list of {minimum} to {MAX_ITEMS} products")
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict) or not isinstance(raw.get("sku"), str):
            raise _invalid("each item needs a 'sku'")
        product = session.get(Product, raw["sku"].strip().upper())
        if product is None or product.category != "makeup":
            raise StoreError("product_not_found", 404, sku=raw["sku"])
        lashes = raw.get("lashes", "natural")
        if lashes not in MASCARA_STYLES:
            raise _refused("lashes", "expect_choice", choices=", ".join(MASCARA_STYLES))
        items.append(
            {
                "sku": product.sku,
                "intensity": _fraction(raw, "intensity", 1.0),
                "wing": bool(raw.get("wing", False)),
                "lashes": lashes,
                "product": product,
            }
        )
    return items


def _wear(item: dict) -> dict:
    return {key: item[key] for key in WEAR}


def _stored(item: dict) -> dict:
    """A validated item as a look keeps it (the product is looked up again when shown)."""
    return {"sku": item["sku"], **_wear(item)}


def _scene(value: object) -> str | None:
    if value in (None, "", "none"):
        return None
    if value not in SCENES:
        raise _invalid(f"'scene' must be one of {', '.join(SCENES)}")
    return str(value)


@dataclass(frozen=True)
class ResolvedLook:
    """A look as the engine takes it: applications for ``render_look``, its skin smoothing (0..1)
    and a scene filter."""

    applications: tuple[Application, ...]
    scene: str | None = None
    smoothing: float = 0.0


def resolve(session: Session, spec: object) -> ResolvedLook:
    """A look spec (its own items or a preset's, with the spec's scene and smoothing if it gives
    them) in the engine's terms."""
    if not isinstance(spec, dict):
        raise _invalid("expected an object")
    if "preset" in spec:
        preset = session.scalar(select(Look).where(Look.key == str(spec["preset"]), Look.member_id.is_(None)))
        if preset is None:
            raise _invalid(f"no preset look {spec['preset']!r}")
        spec = {"scene": preset.scene, "smoothing": preset.smoothing, **spec, "items": preset.items}
    applications = tuple(
        Application(i["product"].product_type, i["product"].shade_hex, i["product"].finish, **_wear(i))
        for i in _items(session, spec.get("items"))
    )
    return ResolvedLook(applications, _scene(spec.get("scene")), _fraction(spec, "smoothing", 0.0))


def look_dict(session: Session, look: Look) -> dict:
    products = {
        p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_([i["sku"] for i in look.items])))
    }
    return {
        "id": look.id,
        "key": look.key,
        "name": {"zh": look.name_zh, "en": look.name_en},
        "scene": look.scene,
        "smoothing": look.smoothing,
        "items": [  # looks saved before lash styles keep the default
            {"lashes": "natural", **item, "product": product_dict(products[item["sku"]])}
            for item in look.items
            if item["sku"] in products
        ],
        "created_at": timeutil.to_iso(look.created_at),
        "share_code": look.share_code,
    }


def look_by_share_code(session: Session, code: object) -> dict:
    """A saved look as anyone holding its share code sees it: products and settings, nothing of its owner."""
    text = str(code or "").strip().upper()
    look = found(
        session.scalar(select(Look).where(Look.share_code == text)) if text else None, "look_not_found", share=code
    )
    shown = look_dict(session, look)
    return {key: shown[key] for key in ("share_code", "name", "scene", "smoothing", "items")}


def presets(session: Session) -> list[dict]:
    return [
        look_dict(session, look)
        for look in session.scalars(select(Look).where(Look.key.is_not(None)).order_by(Look.id))
    ]


def sync_presets(session: Session, seed_dir: Path, now: datetime | None = None) -> int:
    """Create or update the preset looks from ``looks.json`` (idempotent)."""
    now = now or timeutil.now()
    entries = json.loads((seed_dir / "looks.json").read_text(encoding="utf-8"))
    for entry in entries:
        items = _items(session, entry["items"])  # a preset naming a missing product is a data error
        look = session.scalar(select(Look).where(Look.key == entry["key"])) or Look(key=entry["key"], created_at=now)
        look.name_zh, look.name_en, look.scene = entry["name_zh"], entry["name_en"], entry.get("scene")
        look.smoothing = _fraction(entry, "smoothing", 0.0)
        look.items = [_stored(i) for i in items]
        session.add(look)
    session.commit()
    return len(entries)


def shades(session: Session) -> list[Shade]:
    return [
        Shade(p.sku, p.product_type, p.shade_hex)
        for p in session.scalars(select(Product).where(Product.category == "makeup").order_by(Product.sku))
    ]


@unit_of_work
def save_look(session: Session, body: dict, token: object, now: datetime | None = None) -> dict:
    """Save a look (and optionally the skin-tone result) for a signed-in member who consented."""
    now = now or timeutil.now()
    if body.get("consent") is not True:
        raise StoreError("consent_required", 422)
    items = _items(session, body.get("items"), minimum=1)
    scene = _scene(body.get("scene"))
    smoothing = _fraction(body, "smoothing", 0.0)
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 60):
        raise _invalid("'name' must be text up to 60 characters")
    default = both("default_look_name")
    member = member_for_token(session, token)
    member.consent_face_data = True
    look = Look(
        member_id=member.id,
        name_zh=name or default["zh"],
        name_en=name or default["en"],
        scene=scene,
        smoothing=smoothing,
        created_at=now,
        items=[_stored(i) for i in items],
        share_code=codes.new_code("L", 6),
    )
    session.add(look)
    tone = body.get("skin_tone")
    if tone is not None:
        session.add(_skin_analysis(member, tone, now))
    session.flush()
    return {"look": look_dict(session, look)}


def _skin_analysis(member: Member, tone: object, now: datetime) -> SkinAnalysis:
    if not isinstance(tone, dict):
        raise StoreError("invalid_field", field="skin_tone", reason="expected the analysis object")
    try:
        checked = SkinTone(0.0, 0.0, 0.0, float(tone["ita"]), str(tone["category"]), str(tone["undertone"]))
    except (KeyError, TypeError, ValueError):  # SkinTone refuses unknown categories and undertones
        raise StoreError("invalid_field", field="skin_tone", reason="expected ita, category and undertone") from None
    return SkinAnalysis(
        member_id=member.id, ita=checked.ita, category=checked.category, undertone=checked.undertone, created_at=now
    )


def member_data(session: Session, token: object) -> dict:
    member = member_for_token(session, token)
    looks = session.scalars(select(Look).where(Look.member_id == member.id).order_by(Look.id.desc()))
    analyses = session.scalars(select(SkinAnalysis).where(SkinAnalysis.member_id == member.id))
    return {
        "looks": [look_dict(session, look) for look in looks],
        "skin_analyses": [
            {
                "ita": a.ita,
                "category": a.category,
                "undertone": a.undertone,
                "created_at": timeutil.to_iso(a.created_at),
            }
            for a in analyses
        ],
    }
