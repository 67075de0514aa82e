"""Stores and products: look-ups and their JSON shapes, shared by every other service."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from . import timeutil
from .db import found
from .errors import StoreError
from .models import MAKEUP_TYPES, HolidayHours, Product, Store

# holiday hours a store lists: those of the coming three months (Spring Festival from December)
HOLIDAY_HORIZON_DAYS = 90


def hours_on(store: Store, day: date) -> tuple[str, str] | None:
    """The store's opening and closing time on that day (holiday hours where it keeps them); None: closed."""
    special = next((h for h in store.holidays if h.day == day), None)
    if special is None:
        return store.opens_at, store.closes_at
    return (special.opens_at, special.closes_at) if special.opens_at else None


def coming_holidays(store: Store, today: date) -> list[dict]:
    """The store's holiday hours from today to the horizon, consecutive days with the same name and
    hours as one period: ``{name, from, to, hours}`` (``hours`` None: closed)."""
    horizon = today + timedelta(days=HOLIDAY_HORIZON_DAYS)
    coming = [h for h in store.holidays if today <= h.day <= horizon]
    periods: list[list[HolidayHours]] = []
    for day in coming:
        last = periods[-1][-1] if periods else None
        if last and last.day + timedelta(days=1) == day.day and _same_hours(last, day):
            periods[-1].append(day)
        else:
            periods.append([day])
    return [
        {
            "name": {"zh": days[0].name_zh, "en": days[0].name_en},
            "from": days[0].day.isoformat(),
            "to": days[-1].day.isoformat(),
            "hours": {"opens": days[0].opens_at, "closes": days[0].closes_at} if days[0].opens_at else None,
        }
        for days in periods
    ]


def _same_hours(one: HolidayHours, other: HolidayHours) -> bool:
    return (one.name_zh, one.opens_at, one.closes_at) == (other.name_zh, other.opens_at, other.closes_at)


def store_dict(store: Store) -> dict:
    parking = {"zh": store.parking_zh, "en": store.parking_en} if store.parking_zh or store.parking_en else None
    return {
        "code": store.code,
        "name": {"zh": store.name_zh, "en": store.name_en},
        "address": {"zh": store.address_zh, "en": store.address_en},
        "district": {"zh": store.district_zh, "en": store.district_en},
        "lat": store.lat,
        "lon": store.lon,
        "hours": {"opens": store.opens_at, "closes": store.closes_at},
        "phone": store.phone,
        "parking": parking,
        "holiday_hours": coming_holidays(store, timeutil.now().date()),
    }


def product_dict(product: Product) -> dict:
    data = {
        "sku": product.sku,
        "category": product.category,
        "brand": product.brand,
        "name": {"zh": product.name_zh, "en": product.name_en},
        "price": float(product.price),
    }
    if product.category == "makeup":
        data.update(product_type=product.product_type, shade_hex=product.shade_hex, finish=product.finish)
    else:
        data.update(
            dimensions_m={"width": product.width_m, "depth": product.depth_m, "height": product.height_m},
            model_file=product.model_file,
            variants=product.variants,
        )
    return data


def get_store(session: Session, code: object) -> Store:
    store = session.scalar(select(Store).where(Store.code == str(code).strip().lower())) if code else None
    return found(store, "store_not_found", store=code)


def get_product(session: Session, sku: object) -> Product:
    return found(session.get(Product, str(sku).strip().upper()) if sku else None, "product_not_found", sku=sku)


def list_stores(session: Session) -> list[dict]:
    return [
        store_dict(s) for s in session.scalars(select(Store).options(selectinload(Store.holidays)).order_by(Store.code))
    ]


def list_products(session: Session, category: str | None = None, product_type: str | None = None) -> list[dict]:
    query = select(Product).order_by(Product.sku)
    if category:
        if category not in ("makeup", "furniture"):
            raise StoreError("invalid_field", field="category", reason="makeup or furniture")
        query = query.where(Product.category == category)
    if product_type:
        if product_type not in MAKEUP_TYPES:
            raise StoreError("invalid_field", field="type", reason=", ".join(MAKEUP_TYPES))
        query = query.where(Product.product_type == product_type)
    return [product_dict(p) for p in session.scalars(query)]
