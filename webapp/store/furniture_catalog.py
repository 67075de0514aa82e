"""Furniture in the catalog: one 3D model per material variant (generated or a vendor's import), the
furniture answers, and "what fits here". Geometry is ``tryon``; this adds the catalog."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import trimesh
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tryon import floorplan, model_import, parametric

from ..text import both, translate
from . import stock
from .catalog import product_dict
from .errors import StoreError
from .models import Product

# what each refusal of tryon.model_import answers with
PROBLEM_STATUS = {
    "unsupported_model_format": 400,
    "invalid_model": 400,
    "model_not_finite": 400,
    "invalid_declared_size": 400,
    "empty_model": 422,
    "model_too_complex": 413,
    "model_size_mismatch": 422,
}


def model_problem(error: model_import.ModelInputError) -> StoreError:
    """The store's error for a refused model, with the importer's numbers as message params."""
    params = {**error.params}
    if "axis" in params:
        params["axis"] = both_pair(f"axis_{params['axis']}")
    return StoreError(error.code, PROBLEM_STATUS[error.code], **params)


def both_pair(key: str) -> tuple[str, str]:
    """A message as a (zh, en) pair, to fill into another message in either language."""
    return (translate(key, "zh"), translate(key, "en"))


# --- models ------------------------------------------------------------------------------


def model_name(sku: str, variant: str) -> str:
    """The GLB of one variant, e.g. ``fur-oslo-3s--slate.glb``."""
    return f"{sku.lower()}--{variant}.glb"


def write_files(models_dir: Path, files: dict[str, bytes]) -> list[str]:
    """All the files or none: each is written beside its place first, then all are moved in."""
    models_dir.mkdir(parents=True, exist_ok=True)
    staged = {name: models_dir / f".{name}.{uuid.uuid4().hex}.part" for name in files}
    try:
        for name, path in staged.items():
            path.write_bytes(files[name])
        for name, path in staged.items():
            os.replace(path, models_dir / name)
    finally:
        for path in staged.values():
            path.unlink(missing_ok=True)
    return list(files)


def _write_variants(product: Product, models_dir: Path, glb_for_variant) -> list[str]:
    """One GLB per variant, and the first variant again under the product's own model file."""
    files: dict[str, bytes] = {}
    for index, variant in enumerate(product.variants):
        glb = glb_for_variant(variant)
        files[model_name(product.sku, variant["id"])] = glb
        if index == 0:
            files[product.model_file] = glb
    return write_files(models_dir, files)


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


def variant_glb(scene: trimesh.Scene, variant: dict, texture: Image.Image | None = None) -> bytes:
    """The model in one variant: recoloured (or retextured) unless the variant keeps the model's own look."""
    if variant.get("keep_look"):
        return model_import.to_glb(scene)
    return model_import.to_glb(model_import.recoloured(scene, variant["color_hex"], variant.get("material"), texture))


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
    """A retailer's own model for a SKU, at the catalog's (or the given) true size, one GLB per
    variant in the variant's colour."""
    product = furniture_product(session, sku)
    size = [width or product.width_m, depth or product.depth_m, height or product.height_m]
    try:
        scene, report = model_import.prepare(data, file_type, *size)
    except model_import.ModelInputError as error:
        raise model_problem(error) from None
    files = _write_variants(product, models_dir, lambda variant: variant_glb(scene, variant))
    return {"sku": product.sku, "files": files, **report_dict(report)}


def report_dict(report: model_import.ImportReport) -> dict:
    """The importer's figures, and what it did in both languages."""
    axis = both_pair(f"axis_{report.deviation_axis}")
    cm = round(report.deviation_m * 100, 1)
    return {
        "unit": report.unit,
        "scale": round(report.scale, 6),
        "z_up": report.z_up,
        "turned": report.turned,
        "faces_in": report.faces_in,
        "faces_out": report.faces_out,
        "bytes_in": report.bytes_in,
        "extents_m": report.extents,
        "deviation_cm": cm,
        "note": both("import_unit", unit=report.unit, cm=cm, axis=axis)
        if report.unit
        else both("import_scaled", scale=f"{report.scale:.4g}", cm=cm, axis=axis),
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
