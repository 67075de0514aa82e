"""Stock sync from an ERP export (CSV) or a JSON list: absolute quantities, idempotent.

Each row sets one store's quantity of one SKU. Re-sending a file changes nothing; a row
older than what is stored is skipped; bad rows are reported by row number (the CSV line,
header = 1) and the good rows are still applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import timeutil, validate
from .db import unit_of_work
from .errors import StoreError
from .models import Inventory, Product, Store

# ERP exports in China often carry Chinese headers
HEADER_ALIASES = {
    "store": "store",
    "store_code": "store",
    "门店": "store",
    "门店编码": "store",
    "sku": "sku",
    "商品编码": "sku",
    "货号": "sku",
    "quantity": "quantity",
    "qty": "quantity",
    "数量": "quantity",
    "库存": "quantity",
    "updated_at": "updated_at",
    "更新时间": "updated_at",
}
REQUIRED_COLUMNS = ("store", "sku", "quantity")
MAX_QUANTITY = 1_000_000


@dataclass
class SyncReport:
    rows: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    errors: list[tuple[int, StoreError]] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "rows": self.rows,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "errors": [{"row": row, "code": e.code, "message": e.message(lang)} for row, e in self.errors],
        }


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, the usual encodings of Chinese ERP exports."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StoreError("invalid_csv", reason="not UTF-8 or GB18030 text")


def parse_csv(text: str) -> list[tuple[int, dict]]:
    """Rows as (line number, {store, sku, quantity, updated_at}) with canonical column names."""
    if "\x00" in text:
        raise StoreError("invalid_csv", reason="binary data")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise StoreError("invalid_csv", reason="empty file") from None
    columns = [HEADER_ALIASES.get(h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise StoreError("invalid_csv", reason=f"missing column(s): {', '.join(missing)}")
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, {c: v.strip() for c, v in zip(columns, values) if c}))
    except csv.Error as error:
        raise StoreError("invalid_csv", reason=f"line {reader.line_num}: {error}") from None
    return rows


def _check_row(row: object, stores: dict[str, int], skus: set[str]) -> tuple[int, str, int, datetime | None]:
    if not isinstance(row, dict):
        raise StoreError("invalid_field", field="row", reason="expected an object")
    code = str(validate.required(row, "store")).strip().lower()
    if code not in stores:
        raise StoreError("store_not_found", 404, store=code)
    sku = str(validate.required(row, "sku")).strip().upper()
    if sku not in skus:
        raise StoreError("product_not_found", 404, sku=sku)
    quantity = validate.integer(validate.required(row, "quantity"), "quantity", minimum=0)
    if quantity > MAX_QUANTITY:
        raise StoreError("invalid_field", field="quantity", reason=f"at most {MAX_QUANTITY}")
    stamp = row.get("updated_at")
    return stores[code], sku, quantity, timeutil.parse_datetime(stamp, "updated_at") if stamp else None


@unit_of_work
def apply_rows(session: Session, rows: Iterable[tuple[int, object]], now: datetime | None = None) -> SyncReport:
    now = now or timeutil.now()
    stores = {code: id_ for code, id_ in session.execute(select(Store.code, Store.id))}
    skus = set(session.scalars(select(Product.sku)))
    report = SyncReport()
    for line, row in rows:
        report.rows += 1
        try:
            store_id, sku, quantity, stamp = _check_row(row, stores, skus)
        except StoreError as error:
            report.errors.append((line, error))
            continue
        stamp = min(stamp or now, now)
        item = session.get(Inventory, (store_id, sku))
        if item is None:
            session.add(Inventory(store_id=store_id, sku=sku, quantity=quantity, updated_at=stamp))
            report.applied += 1
        elif stamp < item.updated_at:
            report.stale += 1
        elif item.quantity == quantity:
            item.updated_at = stamp  # a newer count that agrees still refreshes freshness
            report.unchanged += 1
        else:
            item.quantity, item.updated_at = quantity, stamp
            report.applied += 1
        session.flush()
    return report


def import_csv(session: Session, data: bytes, now: datetime | None = None) -> SyncReport:
    return apply_rows(session, parse_csv(decode_csv(data)), now)
