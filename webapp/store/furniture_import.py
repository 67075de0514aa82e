"""Vendor furniture in bulk: a folder or ZIP archive with a manifest (CSV or JSON) naming each model
file, its SKU, names, declared size in centimetres and colour/material variants. Each row is
imported (a standard unit fitted), scaled (a uniform scale fitted) or refused with its reason; a
refused row writes nothing, and a taken row writes its product and all its variant GLBs or none.

Manifest rows (JSON: a list or ``{"items": [...]}``; CSV: one row per model)::

    file, sku, name | name_zh + name_en, width_cm, depth_cm, height_cm (JSON also size_cm: [w, d, h]),
    variants, price (new SKUs), brand

JSON variants are objects ``{id, name | name_zh + name_en, color_hex, material?, texture?}``; in
CSV they are ``id:#RRGGBB:name_zh:name_en[:material]`` joined by ``|``. A variant without a
colour keeps the model's own look; no variants at all means one such "original" variant.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from tryon import model_import

from . import validate
from .errors import StoreError
from .furniture_catalog import model_name, model_problem, report_dict, variant_glb, write_files
from .models import Product

Source = Callable[[str], bytes]  # a file of the import by its relative name; KeyError when absent
MANIFESTS = ("manifest.json", "manifest.csv")
MAX_ROWS = 500
MAX_ARCHIVE_FILES = 2000
MAX_ARCHIVE_MB = 512  # unpacked; a ZIP's own headers say it, and reads stop there
SKU = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,29}")  # variant ids become file names
HEX = re.compile(r"#[0-9A-Fa-f]{6}")
KEEP_COLOUR = "#BDB6AE"  # the swatch of a variant that keeps the model's own look


@dataclass(frozen=True)
class Row:
    """One validated manifest row (sizes in metres)."""

    file: str
    sku: str
    name_zh: str
    name_en: str
    width: float
    depth: float
    height: float
    variants: list[dict]
    price: Decimal | None
    brand: str | None


# --- sources -------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    """A relative name inside the import, or KeyError for one that climbs out of it."""
    name = posixpath.normpath(str(name).replace("\\", "/")).lstrip("/")
    if name.startswith("..") or name in ("", "."):
        raise KeyError(name)
    return name


def folder_source(folder: Path) -> Source:
    """Files of a local folder (the CLI), never outside it."""
    root = folder.resolve()

    def read(name: str) -> bytes:
        path = (root / _clean_name(name)).resolve()
        if root not in path.parents or not path.is_file():
            raise KeyError(name)
        return path.read_bytes()

    return read


def zip_source(data: bytes) -> Source:
    """Members of an uploaded ZIP, read in memory by exact name (nothing extracted to disk)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {_clean_name(i.filename): i for i in archive.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise StoreError("invalid_archive", 400) from None
    if len(members) > MAX_ARCHIVE_FILES or sum(i.file_size for i in members.values()) > MAX_ARCHIVE_MB << 20:
        raise StoreError("archive_too_large", 413, files=MAX_ARCHIVE_FILES, mb=MAX_ARCHIVE_MB)

    def read(name: str) -> bytes:
        try:
            return archive.read(members[_clean_name(name)])
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
            raise StoreError("invalid_archive", 400) from None

    return read


# --- the manifest --------------------------------------------------------------------------


def read_manifest(read: Source) -> list[dict]:
    """The manifest's raw rows (manifest.json, else manifest.csv)."""
    for name in MANIFESTS:
        try:
            data = read(name)
        except KeyError:
            continue
        try:
            text = data.decode("utf-8-sig")
            rows = json.loads(text) if name.endswith(".json") else list(csv.DictReader(io.StringIO(text)))
        except (UnicodeDecodeError, json.JSONDecodeError, csv.Error):
            raise StoreError("invalid_manifest", 400, reason=name) from None
        rows = rows.get("items") if isinstance(rows, dict) else rows
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise StoreError("invalid_manifest", 400, reason="items: a list of objects")
        if not rows or len(rows) > MAX_ROWS:
            raise StoreError("invalid_manifest", 400, reason=f"1 to {MAX_ROWS} rows")
        return rows
    raise StoreError("manifest_missing", 400)


def _text(raw: dict, field: str, limit: int, default: str | None = None) -> str:
    value = str(raw.get(field) or default or "").strip()
    if not value:
        raise StoreError("missing_field", field=field)
    if len(value) > limit:
        raise StoreError("invalid_field", field=field, reason=f"at most {limit} characters")
    return value


def _csv_variants(text: str) -> list[dict]:
    variants = []
    for chunk in filter(None, (c.strip() for c in text.split("|"))):
        parts = [p.strip() for p in chunk.split(":")]
        keys = ("id", "color_hex", "name_zh", "name_en", "material")
        variants.append({k: v for k, v in zip(keys, parts, strict=False) if v})
    return variants


def _variant(raw: object, index: int) -> dict:
    if not isinstance(raw, dict):
        raise StoreError("invalid_field", field=f"variants[{index}]", reason="an object")
    variant_id = str(raw.get("id") or "").strip().lower()
    if not SLUG.fullmatch(variant_id):
        raise StoreError("invalid_field", field=f"variants[{index}].id", reason="a-z, 0-9 and -, up to 30")
    colour = str(raw.get("color_hex") or "").strip()
    if colour and not HEX.fullmatch(colour):
        raise StoreError("invalid_field", field=f"variants[{index}].color_hex", reason="#RRGGBB")
    variant = {
        "id": variant_id,
        "name_zh": _text(raw, "name_zh", 60, raw.get("name") or variant_id),
        "name_en": _text(raw, "name_en", 60, raw.get("name") or variant_id),
        "color_hex": colour.upper() or KEEP_COLOUR,
    }
    if not colour:
        variant["keep_look"] = True
    for field in ("material", "texture"):
        if raw.get(field):
            variant[field] = _text(raw, field, 200)
    return variant


def parse_row(raw: dict) -> Row:
    """A manifest row checked field by field (StoreError names the first bad one)."""
    sku = _text(raw, "sku", 40).upper()
    if not SKU.fullmatch(sku):
        raise StoreError("invalid_field", field="sku", reason="A-Z, 0-9 and -")
    size = raw.get("size_cm")
    if isinstance(size, list) and len(size) == 3:
        raw = {**raw, "width_cm": size[0], "depth_cm": size[1], "height_cm": size[2]}
    width, depth, height = (
        validate.number(raw.get(f"{k}_cm"), f"{k}_cm", minimum=0.5, maximum=5000) / 100
        for k in ("width", "depth", "height")
    )
    variants = raw.get("variants") or []
    if isinstance(variants, str):
        variants = _csv_variants(variants)
    if not isinstance(variants, list) or len(variants) > 30:
        raise StoreError("invalid_field", field="variants", reason="a list of up to 30")
    variants = [_variant(v, i) for i, v in enumerate(variants)] or [_variant({"id": "original"}, 0)]
    if len({v["id"] for v in variants}) != len(variants):
        raise StoreError("invalid_field", field="variants", reason="ids must differ")
    price = raw.get("price")
    return Row(
        file=_text(raw, "file", 300),
        sku=sku,
        name_zh=_text(raw, "name_zh", 120, raw.get("name")),
        name_en=_text(raw, "name_en", 120, raw.get("name")),
        width=width,
        depth=depth,
        height=height,
        variants=variants,
        price=validate.money(price, "price") if price not in (None, "") else None,
        brand=str(raw.get("brand") or "").strip()[:60] or None,
    )


# --- one row -------------------------------------------------------------------------------


def _read(read: Source, name: str) -> bytes:
    try:
        return read(name)
    except KeyError:
        raise StoreError("import_file_missing", 422, file=name) from None


def _texture(read: Source, name: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(_read(read, name)))
        image.load()
    except (OSError, Image.DecompressionBombError):
        raise StoreError("invalid_field", field="texture", reason=name) from None
    return image


def _product(session: Session, row: Row) -> Product:
    """The row's product, created when new (a price is then needed); sizes, names and variants follow the row."""
    product = session.get(Product, row.sku)
    if product is not None and product.category != "furniture":
        raise StoreError("not_furniture", 409, sku=row.sku)
    if product is None:
        if row.price is None:
            raise StoreError("import_needs_price", sku=row.sku)
        product = Product(sku=row.sku, category="furniture", brand=row.brand or "", price=row.price)
        session.add(product)
    product.name_zh, product.name_en = row.name_zh, row.name_en
    product.width_m, product.depth_m, product.height_m = row.width, row.depth, row.height
    product.model_file = f"{row.sku.lower()}.glb"
    product.variants = [{k: v for k, v in variant.items() if k != "texture"} for variant in row.variants]
    if row.price is not None:
        product.price = row.price
    if row.brand:
        product.brand = row.brand
    return product


def import_row(session: Session, row: Row, read: Source, models_dir: Path) -> dict:
    """Import one model with all its variants, or raise StoreError having written nothing."""
    data = _read(read, row.file)
    resolver = model_import.ReadResolver(read, posixpath.dirname(_clean_name(row.file)))
    try:
        scene, report = model_import.prepare(
            data, posixpath.splitext(row.file)[1], row.width, row.depth, row.height, resolver
        )
    except model_import.ModelInputError as error:
        raise model_problem(error) from None
    known = model_import.material_names(scene)
    for variant in row.variants:
        if variant.get("material") and variant["material"] not in known:
            raise StoreError(
                "unknown_material",
                422,
                variant=variant["id"],
                material=variant["material"],
                known=", ".join(sorted(known)) or "-",
            )
    files = {
        model_name(row.sku, v["id"]): variant_glb(scene, v, _texture(read, v["texture"]) if "texture" in v else None)
        for v in row.variants
    }
    files[f"{row.sku.lower()}.glb"] = files[model_name(row.sku, row.variants[0]["id"])]
    try:
        _product(session, row)
        session.flush()
        write_files(models_dir, files)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {
        **report_dict(report),
        "bytes_out": len(files[f"{row.sku.lower()}.glb"]),
        "files": sorted(files),
        "status": "imported" if report.unit else "scaled",
    }


# --- the batch -----------------------------------------------------------------------------


def import_batch(session: Session, read: Source, models_dir: Path) -> dict:
    """Every manifest row imported, scaled or refused; the answer is the import report."""
    rows = []
    for number, raw in enumerate(read_manifest(read), start=1):
        entry = {"row": number, "file": raw.get("file"), "sku": raw.get("sku")}
        try:
            row = parse_row(raw)
            entry |= {"file": row.file, "sku": row.sku, **import_row(session, row, read, models_dir)}
        except StoreError as error:
            session.rollback()
            entry |= {
                "status": "refused",
                "code": error.code,
                "note": {lang: error.message(lang) for lang in ("zh", "en")},
            }
        rows.append(entry)
    counts = {status: sum(r["status"] == status for r in rows) for status in ("imported", "scaled", "refused")}
    return {"rows": rows, **counts}
