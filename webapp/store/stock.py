"""Nearby stock: which stores have a SKU, nearest first."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import timeutil
from .catalog import get_product, get_store, store_dict
from .errors import StoreError
from .models import Inventory, Store

DEFAULT_RADIUS_KM = 3.0
MAX_RADIUS_KM = 50.0
STALE_AFTER_MINUTES = 24 * 60
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _stores_with_stock(session: Session, sku: str, lat: float, lon: float, radius_km: float):
    """Rows within ``radius_km``; a bounding box lets the index do the coarse cut."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    rows = session.execute(
        select(Store, Inventory.quantity, Inventory.updated_at)
        .join(Inventory, Inventory.store_id == Store.id)
        .where(
            Inventory.sku == sku,
            Inventory.quantity > 0,
            Store.lat.between(lat - dlat, lat + dlat),
            Store.lon.between(lon - dlon, lon + dlon),
        )
    ).all()
    found = [(distance_km(lat, lon, s.lat, s.lon), s, qty, at) for s, qty, at in rows]
    return sorted((r for r in found if r[0] <= radius_km), key=lambda r: (r[0], r[1].code))


def nearby_stock(
    session: Session,
    sku: object,
    *,
    lat: float | None = None,
    lon: float | None = None,
    store_code: str | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    limit: int = 20,
    now: datetime | None = None,
) -> dict:
    """Stores holding ``sku`` around a position or a store, nearest first.

    When none is within ``radius_km`` the radius doubles (up to ``MAX_RADIUS_KM``) so the
    shopper still hears of the nearest store that has it; ``widened`` says so.
    """
    product = get_product(session, sku)
    origin_store = get_store(session, store_code) if store_code else None
    if origin_store:
        lat, lon = origin_store.lat, origin_store.lon
    if lat is None or lon is None:
        raise StoreError("missing_field", field="lat/lon or store")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise StoreError("invalid_field", field="lat/lon", reason="not a position on Earth")
    radius_km = min(max(radius_km, 0.1), MAX_RADIUS_KM)
    now = now or timeutil.now()

    searched = radius_km
    rows = _stores_with_stock(session, product.sku, lat, lon, searched)
    while not rows and searched < MAX_RADIUS_KM:
        searched = min(searched * 2, MAX_RADIUS_KM)
        rows = _stores_with_stock(session, product.sku, lat, lon, searched)

    results = []
    for dist, store, quantity, updated_at in rows[:limit]:
        age = max(0, int((now - updated_at).total_seconds() // 60))
        results.append(
            {
                "store": store_dict(store),
                "distance_km": round(dist, 2),
                "quantity": quantity,
                "updated_at": timeutil.to_iso(updated_at),
                "age_minutes": age,
                "stale": age > STALE_AFTER_MINUTES,
            }
        )
    return {
        "sku": product.sku,
        "product": {"zh": product.name_zh, "en": product.name_en},
        "origin": {"lat": lat, "lon": lon, "store": origin_store.code if origin_store else None},
        "radius_km": searched,
        "requested_radius_km": radius_km,  # what was asked (or the default): "none within it" when widened
        "widened": searched > radius_km,
        "results": results,
    }
