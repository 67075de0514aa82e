from flask import request
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields

from ..database import db_session
from ..i18n import request_language
from ..store import StoreError, stock, stock_sync
from .base import Blueprint, Code, Integer, Items, MomentText, Number, json_body, requires

blp = Blueprint("stock", __name__, description="Stock by store: nearby search and the ERP sync")

MAX_JSON_ROWS = 2000  # larger exports go as CSV, which may be as big as any upload


class NearbyQuery(Schema):
    sku = Code(required=True)
    store_code = Code(data_key="store")
    lat = Number(-90, 90)
    lon = Number(-180, 180)
    radius_km = Number(0.1, stock.MAX_RADIUS_KM, load_default=stock.DEFAULT_RADIUS_KM)


class StockRow(Schema):
    class Meta:
        unknown = EXCLUDE  # like the CSV's extra columns

    store = Code(required=True)
    sku = Code(required=True)
    quantity = Integer(0, stock_sync.MAX_QUANTITY, required=True)
    updated_at = MomentText()


class StockRows(Schema):
    items = Items(fields.Nested(StockRow), MAX_JSON_ROWS, required=True)


class StockUpload(Schema):
    file = Upload(required=True)


@blp.get("/stock/nearby")
@blp.arguments(NearbyQuery, location="query", as_kwargs=True)
@blp.response(200)
def nearby_stock(**query):
    return stock.nearby_stock(db_session(), **query)


@blp.post("/stock")
@requires("service")  # the ERP's sync (a back end), not a person at the console
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": StockRows},
            "multipart/form-data": {"schema": StockUpload},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
)
@blp.response(200)
def sync_stock():
    """An ERP export as JSON ``{"items": [...]}``, or as CSV (multipart ``file`` or a text/csv body)."""
    session = db_session()
    if request.is_json:
        report = stock_sync.apply_rows(session, enumerate(json_body(StockRows)["items"], start=1))
    else:
        upload = request.files.get("file")
        data = upload.read() if upload else request.get_data()
        if not data:
            raise StoreError("missing_field", field="file")
        report = stock_sync.import_csv(session, data)
    return report.to_dict(request_language())
