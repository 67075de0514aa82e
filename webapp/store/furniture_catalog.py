"""Furniture in the catalog: one 3D model per material variant (generated or a vendor's import), the
furniture answers, and "what fits here". Geometry is ``tryon``; this adds the catalog."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tryon import floorplan, model_import, parametric

from . import stock
from .catalog import product_dict
from .errors import StoreError
from .models import Product

PROBLEM_STATUS = {"invalid_model": 400, "empty_model": 422, "model_too_complex": 413, "model_size_mismatch": 422}


# --- models ------------------------------------------------------------------------------


def model_name(sku: str, variant: str) -> str:
    """The GLB of one variant, e.g. ``fur-oslo-3s--slate.glb``."""
    return f"{sku.lower()}--{variant}.glb"


def _write_variants(product: Product, models_dir: Path, glb_for_variant) -> list[str]:
    """One GLB per variant, and the first variant again under the product's own model file."""
    models_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, variant in enumerate(product.variants):
        glb = glb_for_variant(variant)
        names = [model_name(product.sku, variant["id"])] + ([product.model_file] if index == 0 else [])
        for name in names:
            (models_dir / name).write_bytes(glb)
            written.append(name)
    return written


def build_catalog_models(session: Session, spec_file: Path, models_dir: Path) -> list[str]:
    """Generate the GLB of every variant of every parametric catalog item."""
    specs = json.loads(spec_file.read_text(encoding="utf-8"))
    written = []
    for sku, spec in specs.items():
        product = session.get(Product, sku)
        if product is None:
            continue
        params = {k: v for k, v in spec.items() if k != "kind"}
        written += _write_variants(
            product,
            models_dir,
            lambda v: parametric.to_glb(
                parametric.build(
                    spec["kind"], product.width_m, product.depth_m, product.height_m, v["color_hex"], **params
                )
            ),
        )
    return written


def import_vendor_model(
    session: Session,
    sku: object,
    data: bytes,
    file_type: str,
    models_dir: Path,
    width: float | None = None,
    depth: float | None = None,
    height: float | None = None,
) -> dict:
    """A retailer's own model for a SKU, at the catalog's (or the given) true size."""
    product = furniture_product(session, sku)
    size = [width or product.width_m, depth or product.depth_m, height or product.height_m]
    try:
        glb, report = model_import.import_model(data, file_type, *size)
    except model_import.ModelInputError as error:
        raise StoreError(error.code, PROBLEM_STATUS[error.code], reason=error.reason) from None
    files = _write_variants(product, models_dir, lambda _variant: glb)
    return {
        "sku": product.sku,
        "files": files,
        "unit": report.unit,
        "z_up": report.z_up,
        "faces_in": report.faces_in,
        "faces_out": report.faces_out,
        "extents_m": report.extents,
    }


# --- catalog -----------------------------------------------------------------------------


def furniture_product(session: Session, sku: object) -> Product:
    """The catalog product behind a furniture SKU, or 404."""
    product = session.get(Product, str(sku or "").strip().upper())
    if product is None or product.category != "furniture":
        raise StoreError("product_not_found", 404, sku=sku)
    return product


def furniture_dict(product: Product) -> dict:
    data = product_dict(product)
    data["model"] = product.model_file
    data["variants"] = [{**v, "model": model_name(product.sku, v["id"])} for v in product.variants]
    return data


def list_furniture(session: Session) -> list[dict]:
    query = select(Product).where(Product.category == "furniture").order_by(Product.sku)
    return [furniture_dict(p) for p in session.scalars(query)]


def get_furniture(session: Session, sku: object) -> dict:
    return furniture_dict(furniture_product(session, sku))


def what_fits(
    session: Session, width: float, depth: float, height: float | None = None, origin: dict | None = None
) -> list[dict]:
    """Catalog items (every variant) whose footprint fits a free rectangle, with stock nearby."""
    found = []
    for product in session.scalars(select(Product).where(Product.category == "furniture").order_by(Product.price)):
        rotation = floorplan.fits_in(width, depth, product.width_m, product.depth_m)
        if rotation is None or (height is not None and product.height_m > height):
            continue
        nearby = stock.nearby_stock(session, product.sku, **origin)["results"][:3] if origin else None
        found.append(
            {
                **furniture_dict(product),
                "rotation": rotation,
                "stock": [
                    {"store": r["store"]["code"], "quantity": r["quantity"], "distance_km": r["distance_km"]}
                    for r in nearby
                ]
                if nearby is not None
                else None,
            }
        )
    return found
