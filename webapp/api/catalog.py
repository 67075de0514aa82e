from pathlib import Path

from flask import current_app, jsonify, request

from ..database import db_session
from ..store import catalog, search
from . import bp
from .params import origin_args


@bp.get("/stores")
def list_stores():
    return jsonify(stores=catalog.list_stores(db_session()))


@bp.get("/stores/<code>")
def get_store(code: str):
    return jsonify(catalog.store_dict(catalog.get_store(db_session(), code)))


@bp.get("/products")
def list_products():
    args = request.args
    return jsonify(products=catalog.list_products(db_session(), args.get("category"), args.get("type")))


@bp.get("/products/search")
def search_products():
    return jsonify(products=search.search_products(db_session(), request.args.get("q")))


@bp.get("/stores/search")
def search_stores():
    return jsonify(stores=search.search_stores(db_session(), request.args.get("q")))


@bp.get("/places/resolve")
def resolve_place():
    places = Path(current_app.config["ASSETS_DIR"]) / "seed" / "places.json"
    return jsonify(search.resolve_place(places, request.args.get("q")))


@bp.get("/products/<sku>/similar")
def similar_products(sku: str):
    return jsonify(products=search.similar_in_stock(db_session(), sku, origin_args()))


@bp.get("/products/<sku>")
def get_product(sku: str):
    return jsonify(catalog.product_dict(catalog.get_product(db_session(), sku)))
