from flask import jsonify, request

from ..auth import require_role
from ..database import db_session
from ..i18n import request_language
from ..store import StoreError, stock, stock_sync
from . import bp
from .params import json_body, query_number


@bp.get("/stock/nearby")
def nearby_stock():
    return jsonify(stock.nearby_stock(
        db_session(),
        request.args.get("sku"),
        lat=query_number("lat", minimum=-90, maximum=90),
        lon=query_number("lon", minimum=-180, maximum=180),
        store_code=request.args.get("store"),
        radius_km=query_number("radius_km", stock.DEFAULT_RADIUS_KM, minimum=0.1, maximum=stock.MAX_RADIUS_KM),
    ))


@bp.post("/stock")
@require_role("staff", "service")
def sync_stock():
    """An ERP export as CSV (multipart ``file`` or a text/csv body), or JSON ``{"items": [...]}``."""
    session = db_session()
    if request.is_json:
        items = json_body().get("items")
        if not isinstance(items, list):
            raise StoreError("missing_field", field="items")
        report = stock_sync.apply_rows(session, enumerate(items, start=1))
    else:
        upload = request.files.get("file")
        data = upload.read() if upload else request.get_data()
        if not data:
            raise StoreError("missing_field", field="file")
        report = stock_sync.import_csv(session, data)
    return jsonify(report.to_dict(request_language()))
