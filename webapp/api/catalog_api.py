from pathlib import Path

from flask import current_app
from marshmallow import Schema, validates_schema

from ..database import db_session
from ..i18n import request_language
from ..security import public_url
from ..store import catalog, search
from ..store.models import MAKEUP_TYPES
from .base import Blueprint, Choice, Code, Number, Text, required_error

blp = Blueprint("catalog", __name__, description="Stores, products, and finding them by name")


class StorePath(Schema):
    code = Code(required=True)


class SkuPath(Schema):
    sku = Code(required=True)


class ProductFilter(Schema):
    category = Choice(("makeup", "furniture"))
    product_type = Choice(MAKEUP_TYPES, data_key="type")


class SearchQuery(Schema):
    q = Text(100, min_length=1, required=True)


class OriginQuery(Schema):
    """Where the shopper is, for stock nearby: ``store=`` or ``lat=&lon=``; neither is fine too."""

    store = Code()
    lat = Number(-90, 90)
    lon = Number(-180, 180)

    @validates_schema
    def _both_coordinates(self, data, **kwargs):
        if "store" not in data and ("lat" in data) != ("lon" in data):
            raise required_error("lon" if "lat" in data else "lat")


def origin(query: dict) -> dict | None:
    """An OriginQuery as the ``origin`` the store services take."""
    if "store" in query:
        return {"store_code": query["store"]}
    return {"lat": query["lat"], "lon": query["lon"]} if "lat" in query else None


def with_links(product: dict) -> dict:
    """A product with the page where the shopper tries it on (makeup) or sees it in 3D (furniture), and
    its 3D model: absolute links, for chat replies and QR codes, so no client builds them."""
    lang = request_language()
    if product["category"] == "makeup":
        return {**product, "page_url": public_url("makeup.page", sku=product["sku"], lang=lang)}
    model = product.get("model_file")
    return {
        **product,
        "page_url": public_url("furniture.viewer", sku=product["sku"], lang=lang),
        "model_url": public_url("furniture.model_file", name=model) if model else None,
    }


@blp.get("/stores")
@blp.response(200)
def list_stores():
    return {"stores": catalog.list_stores(db_session())}


@blp.get("/stores/search")
@blp.arguments(SearchQuery, location="query", as_kwargs=True)
@blp.response(200)
def search_stores(q: str):
    return {"stores": search.search_stores(db_session(), q)}


@blp.get("/stores/<code>")
@blp.arguments(StorePath, location="path", as_kwargs=True)
@blp.response(200)
def get_store(code: str):
    return catalog.store_dict(catalog.get_store(db_session(), code))


@blp.get("/products")
@blp.arguments(ProductFilter, location="query", as_kwargs=True)
@blp.response(200)
def list_products(**query):
    return {"products": catalog.list_products(db_session(), **query)}


@blp.get("/products/search")
@blp.arguments(SearchQuery, location="query", as_kwargs=True)
@blp.response(200)
def search_products(q: str):
    return {"products": [with_links(p) for p in search.search_products(db_session(), q)]}


@blp.get("/places/resolve")
@blp.arguments(SearchQuery, location="query", as_kwargs=True)
@blp.response(200)
def resolve_place(q: str):
    return search.resolve_place(Path(current_app.config["ASSETS_DIR"]) / "seed" / "places.json", q)


@blp.get("/products/<sku>/similar")
@blp.arguments(SkuPath, location="path", as_kwargs=True)
@blp.arguments(OriginQuery, location="query")
@blp.response(200)
def similar_products(query: dict, sku: str):
    return {"products": [with_links(p) for p in search.similar_in_stock(db_session(), sku, origin(query))]}


@blp.get("/products/<sku>")
@blp.arguments(SkuPath, location="path", as_kwargs=True)
@blp.response(200)
def get_product(sku: str):
    return with_links(catalog.product_dict(catalog.get_product(db_session(), sku)))
