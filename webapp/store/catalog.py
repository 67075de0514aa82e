"""Stores and products: look-ups and their JSON shapes, shared by every other service."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import found
from .errors import StoreError
from .models import MAKEUP_TYPES, Product, Store


def store_dict(store: Store) -> dict:
    return {
        "code": store.code,
        "name": {"zh": store.name_zh, "en": store.name_en},
        "address": {"zh": store.address_zh, "en": store.address_en},
        "district": {"zh": store.district_zh, "en": store.district_en},
        "lat": store.lat,
        "lon": store.lon,
        "hours": {"opens": store.opens_at, "closes": store.closes_at},
        "phone": store.phone,
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
    return [store_dict(s) for s in session.scalars(select(Store).order_by(Store.code))]


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
