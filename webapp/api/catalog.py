from flask import jsonify, request

from ..database import db_session
from ..store import catalog
from . import bp


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


@bp.get("/products/<sku>")
def get_product(sku: str):
    return jsonify(catalog.product_dict(catalog.get_product(db_session(), sku)))
