"""Copy a look: the colours measured on a reference photo (``tryon.copy_look``) matched to the
catalog's in-stock shades by CIEDE2000, with the stores near the shopper that hold them.

The reference photo is decoded, measured and dropped inside one call; nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tryon.copy_look import Measured, measure_photo

from .catalog import get_store, product_dict
from .errors import StoreError
from .models import Inventory, Product
from .stock import nearby_stock
from .tryon_photo import image_errors

PER_REGION = 3
STORES_PER_MATCH = 3
# a finish unlike the reference's (lips: the only finish measured) counts as this much extra ΔE00
FINISH_PENALTY = 2.0

# ``run(work, *args)`` calls ``work(landmarker, *args)`` wherever the caller does its CV work
Runner = Callable[..., tuple[int, list[Measured]]]


def _lab(color_hex: str) -> np.ndarray:
    value = color_hex.lstrip("#")
    rgb = np.array([[[int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]]])
    return rgb2lab(rgb)[0, 0]


def _origin(session: Session, store: object, lat: object, lon: object) -> dict | None:
    """Where "nearby" is: a store code or a position (form text), or None when neither was given."""
    if store:
        return {"store_code": get_store(session, store).code}
    if lat in (None, "") and lon in (None, ""):
        return None
    try:
        position = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StoreError("invalid_field", field="lat/lon", reason="not a number") from None
    if not (-90 <= position[0] <= 90 and -180 <= position[1] <= 180):
        raise StoreError("invalid_field", field="lat/lon", reason="not a position on Earth")
    return {"lat": position[0], "lon": position[1]}


def _in_stock(session: Session, product_type: str) -> list[Product]:
    held = select(Inventory.sku).group_by(Inventory.sku).having(func.sum(Inventory.quantity) > 0).scalar_subquery()
    return list(
        session.scalars(
            select(Product)
            .where(Product.category == "makeup", Product.product_type == product_type, Product.sku.in_(held))
            .order_by(Product.sku)
        )
    )


def _matches(session: Session, measured: Measured, origin: dict | None) -> list[dict]:
    products = _in_stock(session, measured.region)
    if not products or not measured.applied:
        return []
    shades = np.array([_lab(p.shade_hex) for p in products])
    reference = np.broadcast_to(np.array(measured.lab), shades.shape)
    distances = deltaE_ciede2000(reference, shades)
    ranked = sorted(
        zip(distances, products, strict=True),
        key=lambda r: (r[0] + (FINISH_PENALTY if measured.finish not in (None, r[1].finish) else 0), r[1].sku),
    )
    return [
        {
            "product": product_dict(product),
            "delta_e": round(float(distance), 1),
            "finish_match": None if measured.finish is None else product.finish == measured.finish,
            "stock": nearby_stock(session, product.sku, limit=STORES_PER_MATCH, **origin)["results"]
            if origin
            else None,
        }
        for distance, product in ranked[:PER_REGION]
    ]


def copy_look(
    session: Session, data: bytes, run: Runner, store: object = None, lat: object = None, lon: object = None
) -> dict:
    """Each region of the reference look with its nearest in-stock shades, and a look spec of the
    best ones (``tryon.makeup`` renders it on the shopper's own face or photo)."""
    origin = _origin(session, store, lat, lon)
    with image_errors():
        faces, measured = run(measure_photo, data)
    if not faces:
        raise StoreError("no_face", 422)
    regions = [{**m.to_dict(), "matches": _matches(session, m, origin)} for m in measured]
    items = [{"sku": r["matches"][0]["product"]["sku"], "intensity": 1.0} for r in regions if r["matches"]]
    return {"faces": faces, "regions": regions, "look": {"items": items}}
